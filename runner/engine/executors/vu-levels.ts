import { shareOf } from '../../plan/segment.js';
import type { Executor } from './runtime.js';
import { waitFor } from './runtime.js';

/** Closed model: the VU level follows a line from fromVUs to toVUs over the step. */
export const runVuLevels: Executor = async (step, rt, next) => {
  if (step.executor !== 'vu-levels') throw new TypeError(step.executor);
  const { fromVUs, toVUs, durationMs } = step;
  const pool = rt.pool;
  pool.stage = step.index;
  rt.setStage(step.index);
  const t0 = performance.now();
  const levelAt = (t: number) => Math.round(fromVUs + ((toVUs - fromVUs) * Math.min(t, durationMs)) / durationMs);
  // re-check about twice per VU step, within [5 ms, 100 ms]
  const tick = fromVUs === toVUs ? durationMs : Math.min(100, Math.max(5, durationMs / Math.abs(toVUs - fromVUs) / 2));
  for (;;) {
    const t = performance.now() - t0;
    pool.setLevel(shareOf(levelAt(t), rt.thread, rt.threads));
    if (t >= durationMs || rt.stopping.aborted) break;
    await waitFor(Math.min(tick, durationMs - t), rt.stopping);
  }
  if (next?.executor !== 'vu-levels') pool.setLevel(0);
};
