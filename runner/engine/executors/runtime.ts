import type { CounterMetric } from '../../metrics/metric.js';
import type { PlanStep } from '../../plan/types.js';
import type { Iterations, VuSlot } from '../iterations.js';

/** What every executor's runtime half gets from the thread that runs it. */
export interface StepRuntime {
  iterations: Iterations;
  thread: number;
  threads: number;
  /** aborted when the run stops starting iterations (end of run, signal, abortOnFail) */
  stopping: AbortSignal;
  /** counts open-model arrivals that found maxVUs busy (tagged with the workload's tags) */
  dropped: Pick<CounterMetric, 'add'>;
  /** the closed-model VU pool, kept across consecutive closed stages */
  pool: VuPool;
  /** open-model slots waiting for reuse */
  freeSlots: VuSlot[];
  /** the stage index now running, for the timeline */
  setStage(index: number): void;
}

/** Runs one step of this thread's segment; resolves when the step's schedule is over. */
export type Executor = (step: PlanStep, rt: StepRuntime, next: PlanStep | undefined) => Promise<void>;

export { waitFor } from '../../wait.js';

/**
 * The closed model's VUs: `setLevel(n)` starts loops on slots below n and asks the ones
 * above to stop after their current iteration (never interrupting one).
 */
export class VuPool {
  private readonly slots: VuSlot[] = [];
  private readonly looping = new Set<VuSlot>();
  private target = 0;
  stage = 0;

  constructor(
    private readonly iterations: Iterations,
    private readonly stopping: AbortSignal,
  ) {}

  setLevel(n: number): void {
    this.target = n;
    while (this.slots.length < n) this.slots.push(this.iterations.newSlot());
    for (let i = 0; i < n; i++) {
      const slot = this.slots[i];
      if (!this.looping.has(slot)) void this.loop(slot, i);
    }
  }

  private async loop(slot: VuSlot, index: number): Promise<void> {
    this.looping.add(slot);
    try {
      while (index < this.target && !this.stopping.aborted) {
        await this.iterations.run(slot, this.stage);
      }
    } finally {
      this.looping.delete(slot);
    }
  }
}
