import type { Iterations, VuSlot } from '../iterations.js';
import type { StepRuntime } from './runtime.js';
import { waitFor } from './runtime.js';

/**
 * Starts this thread's share of a schedule of arrivals: global arrival k happens at
 * `timeOf(k)` ms into the step, and thread i takes arrivals i, i+n, i+2n... so threads
 * interleave rather than fire together. An arrival that finds `maxVUs` of this step busy is
 * dropped and counted, never queued. Iteration latency counts from the intended start.
 */
export async function runArrivals(
  rt: StepRuntime,
  stage: number,
  timeOf: (k: number) => number | null,
  endMs: number,
  maxVUs: number,
): Promise<{ idle(): Promise<void> }> {
  const t0 = performance.now();
  // a count, not a list of promises: a long soak starts millions of iterations
  let busy = 0;
  let wakeWhenIdle: (() => void) | null = null;
  let k = rt.thread;
  const finished = (slot: VuSlot) => {
    busy--;
    rt.freeSlots.push(slot);
    if (busy === 0 && wakeWhenIdle) wakeWhenIdle();
  };
  const start = (intended: number) => {
    if (busy >= maxVUs) {
      rt.dropped.add();
      return;
    }
    busy++;
    const slot = rt.freeSlots.pop() ?? rt.iterations.newSlot();
    void runOne(rt.iterations, slot, stage, intended).finally(() => finished(slot));
  };
  for (;;) {
    let t = timeOf(k);
    if (t === null || t >= endMs || rt.stopping.aborted) break;
    const wait = t0 + t - performance.now();
    if (wait > 0) await waitFor(wait, rt.stopping);
    if (rt.stopping.aborted) break;
    const now = performance.now();
    // start every arrival that is due, catching up if the timer fired late
    while (t !== null && t < endMs && t0 + t <= now) {
      start(t0 + t);
      k += rt.threads;
      t = timeOf(k);
    }
  }
  return {
    /** resolves when this step's iterations have all finished */
    idle: () =>
      busy === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            wakeWhenIdle = resolve;
          }),
  };
}

function runOne(iterations: Iterations, slot: VuSlot, stage: number, intended: number): Promise<void> {
  return iterations.run(slot, stage, intended);
}
