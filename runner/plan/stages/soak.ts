import { formatDuration } from '../../duration.js';
import { count, duration, model, onlyFields, rate, type RawStage } from '../fields.js';
import type { ArrivalRateStep, VuLevelsStep } from '../types.js';
import type { StageContext } from './context.js';

/** soak({ vus, for }) holds a VU level; soak({ rate, for, maxVUs }) holds an arrival rate. */
export function soakStep(raw: RawStage, ctx: StageContext): VuLevelsStep | ArrivalRateStep {
  const base = { index: ctx.index, workload: ctx.workload, kind: 'soak' as const, startMs: ctx.startMs, dynamic: false };
  if (model(raw, ctx.where, 'vus') === 'closed') {
    onlyFields(raw, ctx.where, ['vus', 'for']);
    const vus = count(raw, ctx.where, 'vus', 1);
    const durationMs = duration(raw, ctx.where, 'for');
    return {
      ...base, executor: 'vu-levels', fromVUs: vus, toVUs: vus, durationMs, peakConcurrency: vus,
      description: `soak ${vus} VUs for ${formatDuration(durationMs)}`,
    };
  }
  onlyFields(raw, ctx.where, ['rate', 'for', 'maxVUs']);
  const r = rate(raw, ctx.where, 'rate');
  const durationMs = duration(raw, ctx.where, 'for');
  const maxVUs = count(raw, ctx.where, 'maxVUs', 1);
  return {
    ...base, executor: 'arrival-rate', fromRate: r, toRate: r, maxVUs, durationMs, peakConcurrency: maxVUs,
    description: `soak ${r} it/s for ${formatDuration(durationMs)} (maxVUs ${maxVUs})`,
  };
}
