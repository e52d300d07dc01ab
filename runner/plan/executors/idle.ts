import { formatDuration } from '../../duration.js';
import { duration, onlyFields, type RawStage } from '../fields.js';
import type { IdleStep } from '../types.js';
import { placed, type StageContext } from './context.js';

/** The config half of the idle executor (runtime half: engine/executors/idle.ts). pause('10s'): no new iterations for a while. */
export function idlePause(raw: RawStage, ctx: StageContext): IdleStep {
  onlyFields(raw, ctx.where, ['for']);
  const durationMs = duration(raw, ctx.where, 'for');
  return {
    ...placed(ctx, 'pause', false),
    executor: 'idle',
    durationMs,
    peakConcurrency: 0,
    description: `pause ${formatDuration(durationMs)}`,
  };
}
