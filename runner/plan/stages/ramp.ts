import { formatDuration } from '../../duration.js';
import { count, duration, has, model, onlyFields, rate, type RawStage } from '../fields.js';
import type { ArrivalRateStep, VuLevelsStep } from '../types.js';
import { previousRate, previousVUs, type StageContext } from './context.js';

/** ramp({ to, over }) moves the VU level; ramp({ startRate?, rate, over, maxVUs }) moves the arrival rate. */
export function rampStep(raw: RawStage, ctx: StageContext): VuLevelsStep | ArrivalRateStep {
  const base = { index: ctx.index, workload: ctx.workload, kind: 'ramp' as const, startMs: ctx.startMs, dynamic: false };
  if (model(raw, ctx.where, 'to') === 'closed') {
    onlyFields(raw, ctx.where, ['to', 'over']);
    const toVUs = count(raw, ctx.where, 'to', 0);
    const durationMs = duration(raw, ctx.where, 'over');
    const fromVUs = previousVUs(ctx);
    return {
      ...base, executor: 'vu-levels', fromVUs, toVUs, durationMs,
      peakConcurrency: Math.max(fromVUs, toVUs),
      description: `ramp ${fromVUs} → ${toVUs} VUs over ${formatDuration(durationMs)}`,
    };
  }
  onlyFields(raw, ctx.where, ['startRate', 'rate', 'over', 'maxVUs']);
  const toRate = rate(raw, ctx.where, 'rate');
  const durationMs = duration(raw, ctx.where, 'over');
  const maxVUs = count(raw, ctx.where, 'maxVUs', 1);
  const fromRate = has(raw, 'startRate') ? rate(raw, ctx.where, 'startRate') : previousRate(ctx);
  return {
    ...base, executor: 'arrival-rate', fromRate, toRate, maxVUs, durationMs,
    peakConcurrency: maxVUs,
    description: `ramp ${fromRate} → ${toRate} it/s over ${formatDuration(durationMs)} (maxVUs ${maxVUs})`,
  };
}
