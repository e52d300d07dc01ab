import type { ArrivalRateStep } from '../../plan/types.js';
import { runArrivalRate } from './arrival-rate.js';
import type { Executor } from './runtime.js';

/** Sweeps (by the plan index of their first step) this thread has stopped; module state is per thread. */
const stoppedSweeps = new Set<number>();

/**
 * One rate of a sweep: an arrival-rate step, unless the sweep stopped at an earlier rate.
 * It stops after a step in which this thread dropped more than limits.dropped of its
 * arrivals: every VU was busy, so the target no longer keeps up and higher rates only
 * queue more. The other limits (errors, goodput, p95) are judged per step by the
 * sweep-capacity finding, from the step's own metrics.
 */
export const runSweepStep: Executor = async (step, rt, next) => {
  const s = step as ArrivalRateStep;
  const sweep = s.sweep!;
  if (stoppedSweeps.has(sweep.first)) return;
  let dropped = 0;
  const counting = {
    ...rt,
    dropped: {
      add: (n = 1) => {
        dropped += n;
        rt.dropped.add(n);
      },
    },
  };
  await runArrivalRate(s, counting, next);
  // this thread's share of the step's arrivals
  const offered = (s.fromRate * s.durationMs) / 1000 / rt.threads;
  if (offered > 0 && dropped / offered > sweep.limits.dropped) stoppedSweeps.add(sweep.first);
};
