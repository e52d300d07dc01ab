import { formatDuration } from '../../duration.js';
import { count, duration, onlyFields, type RawStage } from '../fields.js';
import type { VuLevelsStep } from '../types.js';
import { placed, previousVUs, type StageContext } from './context.js';

/**
 * The config half of the vu-levels executor (closed model: a VU level that moves or holds;
 * runtime half: engine/executors/vu-levels.ts).
 */

/** ramp({ to, over }): the VU level moves linearly from the previous level to `to`. */
export function vuLevelsRamp(raw: RawStage, ctx: StageContext): VuLevelsStep {
  onlyFields(raw, ctx.where, ['to', 'over']);
  const toVUs = count(raw, ctx.where, 'to', 0);
  const durationMs = duration(raw, ctx.where, 'over');
  const fromVUs = previousVUs(ctx);
  return {
    ...placed(ctx, 'ramp', false),
    executor: 'vu-levels',
    fromVUs,
    toVUs,
    durationMs,
    peakConcurrency: Math.max(fromVUs, toVUs),
    description: `ramp ${fromVUs} → ${toVUs} VUs over ${formatDuration(durationMs)}`,
  };
}

/** soak({ vus, for }): `vus` VUs loop for `for`. */
export function vuLevelsSoak(raw: RawStage, ctx: StageContext): VuLevelsStep {
  onlyFields(raw, ctx.where, ['vus', 'for']);
  const vus = count(raw, ctx.where, 'vus', 1);
  const durationMs = duration(raw, ctx.where, 'for');
  return {
    ...placed(ctx, 'soak', false),
    executor: 'vu-levels',
    fromVUs: vus,
    toVUs: vus,
    durationMs,
    peakConcurrency: vus,
    description: `soak ${vus} VUs for ${formatDuration(durationMs)}`,
  };
}
