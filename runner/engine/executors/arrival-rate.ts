import { shareOf } from '../../plan/segment.js';
import { runArrivals } from './arrivals.js';
import type { Executor } from './runtime.js';

/**
 * Open model: the arrival rate moves linearly from fromRate to toRate (per second) over the
 * step. Arrival k is where the integral of the rate reaches k:
 *   k = r0·t + (r1 − r0)·t² / (2D)   (t in seconds).
 */
export const runArrivalRate: Executor = async (step, rt) => {
  if (step.executor !== 'arrival-rate') throw new TypeError(step.executor);
  rt.setStage(step.index);
  const D = step.durationMs / 1000;
  const r0 = step.fromRate;
  const r1 = step.toRate;
  const a = (r1 - r0) / (2 * D);
  const timeOf = (k: number): number | null => {
    if (Math.abs(a) < 1e-12) return r0 > 0 ? (k / r0) * 1000 : null;
    const disc = r0 * r0 + 4 * a * k;
    if (disc < 0) return null;
    return ((-r0 + Math.sqrt(disc)) / (2 * a)) * 1000;
  };
  await runArrivals(rt, step.index, timeOf, step.durationMs, shareOf(step.maxVUs, rt.thread, rt.threads));
};
