import { count, has, onlyFields, type RawStage } from '../fields.js';
import type { SharedIterationsStep } from '../types.js';
import { placed, type StageContext } from './context.js';

/**
 * The config half of the shared-iterations executor (runtime half:
 * engine/executors/shared-iterations.ts). burst({ vus, iterations }): `vus` slots start at
 * t=0 and share `iterations` (closed model).
 */
export function sharedIterationsBurst(raw: RawStage, ctx: StageContext, maxDurationMs: number): SharedIterationsStep {
  onlyFields(raw, ctx.where, ['vus', 'iterations', 'maxDuration']);
  const vus = count(raw, ctx.where, 'vus', 1);
  const iterations = has(raw, 'iterations') ? count(raw, ctx.where, 'iterations', 1) : vus;
  return {
    ...placed(ctx, 'burst', true),
    executor: 'shared-iterations',
    vus,
    iterations,
    durationMs: maxDurationMs,
    peakConcurrency: Math.min(vus, iterations),
    description: `burst ${vus} VUs, ${iterations} iterations`,
  };
}
