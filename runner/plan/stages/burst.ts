import { formatDuration } from '../../duration.js';
import { count, duration, has, onlyFields, StageFieldError, type RawStage } from '../fields.js';
import type { ArrivalBurstStep, SharedIterationsStep } from '../types.js';
import type { StageContext } from './context.js';

const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/**
 * burst({ vus, iterations }): `vus` slots start at t=0 and share `iterations` (closed model).
 * burst({ iterations, maxVUs, over? }): `iterations` arrive at once or evenly over `over`;
 * those finding all maxVUs busy are dropped (open model).
 */
export function burstStep(raw: RawStage, ctx: StageContext): SharedIterationsStep | ArrivalBurstStep {
  const base = { index: ctx.index, workload: ctx.workload, kind: 'burst' as const, startMs: ctx.startMs, dynamic: true };
  if (has(raw, 'rate')) {
    throw new StageFieldError(`${ctx.where}: a burst has no 'rate'; use { vus, iterations } or { iterations, maxVUs }`);
  }
  if (has(raw, 'vus') && has(raw, 'maxVUs')) {
    throw new StageFieldError(`${ctx.where}: use either 'vus' (closed model) or 'maxVUs' (open model), not both`);
  }
  const maxDurationMs = has(raw, 'maxDuration') ? duration(raw, ctx.where, 'maxDuration') : DEFAULT_MAX_DURATION_MS;
  if (has(raw, 'vus')) {
    onlyFields(raw, ctx.where, ['vus', 'iterations', 'maxDuration']);
    const vus = count(raw, ctx.where, 'vus', 1);
    const iterations = has(raw, 'iterations') ? count(raw, ctx.where, 'iterations', 1) : vus;
    return {
      ...base, executor: 'shared-iterations', vus, iterations, durationMs: maxDurationMs,
      peakConcurrency: Math.min(vus, iterations),
      description: `burst ${vus} VUs, ${iterations} iterations`,
    };
  }
  if (!has(raw, 'maxVUs')) {
    throw new StageFieldError(`${ctx.where}: needs 'vus' (closed model) or 'iterations' with 'maxVUs' (open model)`);
  }
  onlyFields(raw, ctx.where, ['iterations', 'maxVUs', 'over', 'maxDuration']);
  const iterations = count(raw, ctx.where, 'iterations', 1);
  const maxVUs = count(raw, ctx.where, 'maxVUs', 1);
  const overMs = has(raw, 'over') ? duration(raw, ctx.where, 'over', true) : 0;
  return {
    ...base, executor: 'arrival-burst', iterations, maxVUs, overMs, durationMs: Math.max(maxDurationMs, overMs),
    peakConcurrency: Math.min(maxVUs, iterations),
    description: `burst ${iterations} arrivals${overMs ? ` over ${formatDuration(overMs)}` : ' at once'} (maxVUs ${maxVUs})`,
  };
}
