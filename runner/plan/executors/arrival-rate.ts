import { formatDuration } from '../../duration.js';
import { count, duration, has, onlyFields, rate, type RawStage } from '../fields.js';
import type { ArrivalRateStep } from '../types.js';
import { placed, previousRate, type StageContext } from './context.js';

/**
 * The config half of the arrival-rate executor (open model: iterations start at a rate, at
 * most maxVUs in flight; runtime half: engine/executors/arrival-rate.ts). A sweep's steps are
 * arrival-rate steps too (sweep.ts).
 */

/** ramp({ startRate?, rate, over, maxVUs }): the arrival rate moves linearly to `rate`. */
export function arrivalRateRamp(raw: RawStage, ctx: StageContext): ArrivalRateStep {
  onlyFields(raw, ctx.where, ['startRate', 'rate', 'over', 'maxVUs']);
  const toRate = rate(raw, ctx.where, 'rate');
  const durationMs = duration(raw, ctx.where, 'over');
  const maxVUs = count(raw, ctx.where, 'maxVUs', 1);
  const fromRate = has(raw, 'startRate') ? rate(raw, ctx.where, 'startRate') : previousRate(ctx);
  return {
    ...placed(ctx, 'ramp', false),
    executor: 'arrival-rate',
    fromRate,
    toRate,
    maxVUs,
    durationMs,
    peakConcurrency: maxVUs,
    description: `ramp ${fromRate} → ${toRate} it/s over ${formatDuration(durationMs)} (maxVUs ${maxVUs})`,
  };
}

/** soak({ rate, for, maxVUs }): `rate` iterations/s for `for`. */
export function arrivalRateSoak(raw: RawStage, ctx: StageContext): ArrivalRateStep {
  onlyFields(raw, ctx.where, ['rate', 'for', 'maxVUs']);
  const r = rate(raw, ctx.where, 'rate');
  const durationMs = duration(raw, ctx.where, 'for');
  const maxVUs = count(raw, ctx.where, 'maxVUs', 1);
  return {
    ...placed(ctx, 'soak', false),
    executor: 'arrival-rate',
    fromRate: r,
    toRate: r,
    maxVUs,
    durationMs,
    peakConcurrency: maxVUs,
    description: `soak ${r} it/s for ${formatDuration(durationMs)} (maxVUs ${maxVUs})`,
  };
}
