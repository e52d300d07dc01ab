import type { Worker } from 'node:worker_threads';
import { Collector } from '../metrics/collector.js';
import { warmCodec } from '../metrics/hdr.js';
import type { RequestRecord, TimelinePoint } from '../results/types.js';
import { ScenarioError } from '../errors.js';
import type { FromWorker, Progress, ToWorker, WorkerInit } from './protocol.js';
import { timelinePoint } from './timeline.js';
import { discardBootedThreads, takeThread } from './threads.js';
import { ColdStarts } from '../serverless/cold-start.js';
import type { WorkerObservation } from '../serverless/runtime.js';

interface Thread {
  worker: Worker;
  progress: Progress;
  done: boolean;
}

export interface CoordinatorEvents {
  onInterval(point: TimelinePoint, cumulative: Collector): void;
  onAbortTest(reason: string): void;
  onLog(line: string): void;
  onRecords?(records: RequestRecord[]): void;
  onSecrets?(values: string[]): void;
}

/**
 * The main thread's half of the engine: starts one worker per segment, merges their
 * interval snapshots into the timeline and the cumulative metrics, releases them together
 * after bursts, and passes on stops.
 */
export class Coordinator {
  readonly cumulative: Collector;
  readonly timeline: TimelinePoint[] = [];
  private readonly interval: Collector;
  private readonly threads: Thread[] = [];
  private t0 = 0;
  private lastTick = 0;
  private seq = 0;
  /** one cold-start classifier for the run, fed by every thread's observations in time order */
  private coldStarts: ColdStarts | null;
  /** a worker header found without a serverless field (the classifier starts with the first one) */
  detectedHeader: string | undefined;
  private observations: WorkerObservation[] = [];
  /** the snapshot round in progress: when it was asked for, and who has yet to answer */
  private round: { seq: number; at: number; waiting: Set<Thread> } | null = null;
  private timer: NodeJS.Timeout | undefined;
  /** burst barriers: the threads that finished each step, until all the running ones have */
  private readonly stepDone = new Map<number, Set<Thread>>();
  private readonly released = new Set<number>();
  private finished!: Promise<void>;
  workerDeaths = 0;
  /** the most iterations in flight at once: each thread's peak within an interval, summed, at its highest */
  peakVus = 0;

  constructor(
    private readonly inits: WorkerInit[],
    private readonly events: CoordinatorEvents,
    private readonly intervalMs = 1000,
  ) {
    this.cumulative = new Collector(inits[0].trackedKeys, inits[0].customTypes);
    this.interval = new Collector(inits[0].trackedKeys, inits[0].customTypes);
    const serverless = inits[0].serverless;
    this.coldStarts = serverless && !serverless.detect ? new ColdStarts(this.interval, serverless.cold) : null;
  }

  /** What the cold-start classifier learnt of a warm worker's service time (ms by trend), for the findings. */
  serviceTimes(): Record<string, { bound: number; typical: number }> | undefined {
    return this.coldStarts?.serviceTimes();
  }

  /** Observations of the main thread's own requests (setup, teardown) join the rest. */
  observe(observations: WorkerObservation[] | undefined): void {
    if (observations) this.observations.push(...observations);
  }

  /** Starts the workers and waits until every one has loaded the scenario. */
  async load(): Promise<void> {
    // shared, not copied: every thread counts each workload's iterations on the same counters
    const workloadIterations = new SharedArrayBuffer(8 * this.inits[0].plan.workloads.length);
    const ready = this.inits.map(
      (init) =>
        new Promise<void>((resolve, reject) => {
          const { worker, error } = takeThread({ ...init, workloadIterations });
          if (error) reject(new ScenarioError(`worker thread failed to start: ${error.message}`));
          const thread: Thread = { worker, progress: { vus: 0, peakVus: 0, inFlight: 0, stage: 0 }, done: false };
          this.threads.push(thread);
          worker.on('message', (m: FromWorker) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'fatal')
              reject(new ScenarioError(`${m.location ? `${m.location}: ` : ''}the scenario threw while loading: ${m.message}`));
            else this.onMessage(thread, m);
          });
          worker.on('error', (err) => reject(new ScenarioError(`worker thread failed to start: ${err.message}`)));
        }),
    );
    // the first timeline point encodes a histogram: loaded and run once now, while the threads
    // start, its ~30 ms of loading and cold code do not land on a core the load needs at t=1 s
    warmCodec();
    discardBootedThreads(); // booted for more threads than the run has
    await Promise.all(ready);
  }

  /** Starts the load; resolves when every worker has drained and reported its last snapshot. */
  run(setupData: unknown): Promise<void> {
    this.finished = new Promise<void>((resolve) => {
      for (const thread of this.threads) {
        const end = (why?: string) => {
          if (thread.done) return;
          thread.done = true;
          if (why) {
            this.workerDeaths++;
            this.cumulative.recordError({ kind: 'worker', message: why });
          }
          this.releaseBarriers(); // the threads waiting at a burst's end no longer wait for this one
          if (this.threads.every((t) => t.done)) resolve();
        };
        thread.worker.on('message', (m: FromWorker) => {
          if (m.type === 'done') end();
        });
        thread.worker.on('error', (err) => end(`a worker thread died: ${err.message}`));
        thread.worker.on('exit', (code) => end(`a worker thread exited with code ${code} before it finished`));
      }
    });
    this.t0 = performance.now();
    this.lastTick = this.t0;
    this.broadcast({ type: 'start', data: setupData });
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    return this.finished.then(() => {
      clearInterval(this.timer);
      if (this.round) this.closeRound();
      this.classify();
      this.coldStarts?.flush(); // first responses still waiting for a warm reference
      // the last partial interval: what the threads reported when they finished
      if ([...this.interval.metrics.values()].some((m) => !m.empty)) this.closePoint(performance.now());
    });
  }

  get elapsedMs(): number {
    return this.t0 ? performance.now() - this.t0 : 0;
  }

  stop(): void {
    this.broadcast({ type: 'stop' });
  }

  hardStop(): void {
    this.broadcast({ type: 'hardStop' });
  }

  async terminate(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.threads.map((t) => t.worker.terminate().catch(() => 0)));
  }

  private broadcast(m: ToWorker): void {
    for (const t of this.threads) if (!t.done) t.worker.postMessage(m);
  }

  /**
   * Each tick asks every thread for its snapshot; the point for that tick closes when all have
   * answered. A thread too busy to answer within a whole interval does not hold the timeline
   * up: its data lands in the next point.
   */
  private tick(): void {
    if (this.round) this.closeRound();
    const waiting = new Set(this.threads.filter((t) => !t.done));
    this.round = { seq: ++this.seq, at: performance.now(), waiting };
    this.broadcast({ type: 'snapshot', seq: this.seq });
    if (waiting.size === 0) this.closeRound();
  }

  private answered(thread: Thread, seq: number | null): void {
    const round = this.round;
    if (!round || (seq !== null && seq !== round.seq)) return;
    round.waiting.delete(thread);
    if (round.waiting.size === 0) this.closeRound();
  }

  private closeRound(): void {
    const at = this.round?.at ?? performance.now();
    this.round = null;
    this.closePoint(at);
  }

  private classify(): void {
    const serverless = this.inits[0].serverless;
    if (!serverless || !this.observations.length) return;
    this.detectedHeader ??= this.observations.find((o) => o.header)?.header;
    this.coldStarts ??= new ColdStarts(this.interval, serverless.cold);
    this.coldStarts.add(this.observations);
    this.observations = [];
  }

  /** Turns what the threads reported for the interval ending at `at` into a timeline point. */
  private closePoint(at: number): void {
    this.classify();
    const point = timelinePoint(
      this.interval,
      at - this.t0,
      (at - this.lastTick) / 1000,
      this.threads.map((t) => t.progress),
    );
    this.peakVus = Math.max(
      this.peakVus,
      this.threads.reduce((sum, t) => sum + t.progress.peakVus, 0),
    );
    this.lastTick = at;
    this.cumulative.absorb(this.interval);
    this.interval.reset();
    this.timeline.push(point);
    this.events.onInterval(point, this.cumulative);
  }

  /** Releases every burst barrier that each thread still running has reached (a thread that died or ended never will). */
  private releaseBarriers(): void {
    const running = this.threads.filter((t) => !t.done);
    for (const [step, reached] of this.stepDone) {
      if (this.released.has(step) || !running.every((t) => reached.has(t))) continue;
      this.released.add(step);
      this.broadcast({ type: 'go', step });
    }
  }

  private onMessage(thread: Thread, m: FromWorker): void {
    switch (m.type) {
      case 'interval':
      case 'done':
        this.interval.merge(m.snapshot);
        thread.progress = m.progress;
        if (m.records) this.events.onRecords?.(m.records);
        if (m.observations) this.observations.push(...m.observations);
        this.answered(thread, m.type === 'interval' ? m.seq : null);
        break;
      case 'stepDone':
        if (!this.stepDone.has(m.step)) this.stepDone.set(m.step, new Set());
        this.stepDone.get(m.step)!.add(thread);
        this.releaseBarriers();
        break;
      case 'abortTest':
        this.events.onAbortTest(m.reason);
        break;
      case 'log':
        this.events.onLog(m.line);
        break;
      case 'secrets':
        this.events.onSecrets?.(m.values);
        break;
    }
  }
}
