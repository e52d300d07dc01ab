import type { PlanStep } from '../../plan/types.js';
import { runArrivalBurst } from './arrival-burst.js';
import { runArrivalRate } from './arrival-rate.js';
import { runIdle } from './idle.js';
import type { Executor } from './runtime.js';
import { runSharedIterations } from './shared-iterations.js';
import { runSweepStep } from './sweep.js';
import { runVuLevels } from './vu-levels.js';

/** The runtime half of each executor, by the name its plan step carries. */
export const EXECUTORS: Record<PlanStep['executor'], Executor> = {
  'vu-levels': runVuLevels,
  // a sweep's rates are arrival-rate steps that may be skipped once the sweep has stopped
  'arrival-rate': (step, rt, next) =>
    step.executor === 'arrival-rate' && step.sweep ? runSweepStep(step, rt, next) : runArrivalRate(step, rt, next),
  'shared-iterations': runSharedIterations,
  'arrival-burst': runArrivalBurst,
  idle: runIdle,
};
