import { formatDuration } from '../../duration.js';
import { count, duration, has, onlyFields, type RawStage } from '../fields.js';
import type { ArrivalBurstStep } from '../types.js';
import { placed, type StageContext } from './context.js';

/**
 * The config half of the arrival-burst executor (runtime half: engine/executors/arrival-burst.ts).
 * burst({ iterations, maxVUs, over? }): `iterations` arrive at once or evenly over `over`;
 * those finding all maxVUs busy are dropped (open model).
 */
export function arrivalBurst(raw: RawStage, ctx: StageContext, maxDurationMs: number): ArrivalBurstStep {
  onlyFields(raw, ctx.where, ['iterations', 'maxVUs', 'over', 'maxDuration']);
  const iterations = count(raw, ctx.where, 'iterations', 1);
  const maxVUs = count(raw, ctx.where, 'maxVUs', 1);
  const overMs = has(raw, 'over') ? duration(raw, ctx.where, 'over', true) : 0;
  return {
    ...placed(ctx, 'burst', true),
    executor: 'arrival-burst',
    iterations,
    maxVUs,
    overMs,
    durationMs: Math.max(maxDurationMs, overMs),
    peakConcurrency: Math.min(maxVUs, iterations),
    description: `burst ${iterations} arrivals${overMs ? ` over ${formatDuration(overMs)}` : ' at once'} (maxVUs ${maxVUs})`,
  };
}
