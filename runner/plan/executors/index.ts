import { duration, has, model, StageFieldError, type RawStage } from '../fields.js';
import type { PlanStep } from '../types.js';
import { arrivalBurst } from './arrival-burst.js';
import { arrivalRateRamp, arrivalRateSoak } from './arrival-rate.js';
import type { StageContext } from './context.js';
import { idlePause } from './idle.js';
import { sharedIterationsBurst } from './shared-iterations.js';
import { sweepSteps } from './sweep.js';
import { vuLevelsRamp, vuLevelsSoak } from './vu-levels.js';

/**
 * The config half of each executor: one file per executor name, as in engine/executors/ (the
 * runtime half), so `shared-iterations.ts` here builds the steps `shared-iterations.ts` there
 * runs. A stage kind of the authoring API picks its executor by model:
 *
 * | stage   | closed model (VUs)  | open model (iterations/s) |
 * | ramp    | vu-levels           | arrival-rate              |
 * | soak    | vu-levels           | arrival-rate              |
 * | burst   | shared-iterations   | arrival-burst             |
 * | pause   | idle                | idle                      |
 * | sweep   | -                   | arrival-rate (sweep.ts)   |
 */
export const STAGE_KINDS: Record<string, (raw: RawStage, ctx: StageContext) => PlanStep | PlanStep[]> = {
  ramp: (raw, ctx) => (model(raw, ctx.where, 'to') === 'closed' ? vuLevelsRamp(raw, ctx) : arrivalRateRamp(raw, ctx)),
  soak: (raw, ctx) => (model(raw, ctx.where, 'vus') === 'closed' ? vuLevelsSoak(raw, ctx) : arrivalRateSoak(raw, ctx)),
  burst: burstStep,
  pause: idlePause,
  sweep: sweepSteps,
};

const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/** burst({ vus, iterations }) is closed (shared-iterations), burst({ iterations, maxVUs, over? }) open (arrival-burst). */
function burstStep(raw: RawStage, ctx: StageContext): PlanStep {
  if (has(raw, 'rate')) {
    throw new StageFieldError(`${ctx.where}: a burst has no 'rate'; use { vus, iterations } or { iterations, maxVUs }`);
  }
  if (has(raw, 'vus') && has(raw, 'maxVUs')) {
    throw new StageFieldError(`${ctx.where}: use either 'vus' (closed model) or 'maxVUs' (open model), not both`);
  }
  const maxDurationMs = has(raw, 'maxDuration') ? duration(raw, ctx.where, 'maxDuration') : DEFAULT_MAX_DURATION_MS;
  if (has(raw, 'vus')) return sharedIterationsBurst(raw, ctx, maxDurationMs);
  if (!has(raw, 'maxVUs')) {
    throw new StageFieldError(`${ctx.where}: needs 'vus' (closed model) or 'iterations' with 'maxVUs' (open model)`);
  }
  return arrivalBurst(raw, ctx, maxDurationMs);
}
