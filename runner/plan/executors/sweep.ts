import { formatDuration } from '../../duration.js';
import { count, duration, has, onlyFields, rate, StageFieldError, type RawStage } from '../fields.js';
import type { ArrivalRateStep, SweepLimits } from '../types.js';
import type { StageContext } from './context.js';

export const DEFAULT_SWEEP_LIMITS: SweepLimits = { errorRate: 0.01, goodput: 0.95, dropped: 0.01 };

/**
 * sweep({ from, to, steps, each, maxVUs, limits? }): a capacity search. The open-model rate
 * climbs from `from` to `to` in `steps` equal steps of `each`; every rate is a plan step of
 * its own (its own `stage` tag), so each step's numbers are its own. A step holds while its
 * error rate, goodput, dropped arrivals and (if given) p95 stay within `limits`; the sweep
 * stops after a step whose arrivals were dropped, and the sweep-capacity finding names the
 * highest rate that held.
 */
export function sweepSteps(raw: RawStage, ctx: StageContext): ArrivalRateStep[] {
  onlyFields(raw, ctx.where, ['from', 'to', 'steps', 'each', 'maxVUs', 'limits']);
  for (const field of ['from', 'to', 'steps', 'each', 'maxVUs']) {
    if (!has(raw, field)) throw new StageFieldError(`${ctx.where}: needs '${field}' (sweep({ from, to, steps, each, maxVUs }))`);
  }
  const from = rate(raw, ctx.where, 'from');
  const to = rate(raw, ctx.where, 'to');
  if (!(from > 0) || !(to > from)) {
    throw new StageFieldError(`${ctx.where}: sweep rates must climb: 0 < from < to, got from ${from}, to ${to}`);
  }
  const steps = count(raw, ctx.where, 'steps', 2);
  const eachMs = duration(raw, ctx.where, 'each');
  const maxVUs = count(raw, ctx.where, 'maxVUs', 1);
  const limits = sweepLimits(raw.limits, ctx.where);
  const rates = Array.from({ length: steps }, (_, i) => Math.round((from + ((to - from) * i) / (steps - 1)) * 1000) / 1000);
  return rates.map((r, i) => ({
    index: ctx.index + i,
    workload: ctx.workload,
    kind: 'sweep',
    executor: 'arrival-rate',
    startMs: ctx.startMs + i * eachMs,
    durationMs: eachMs,
    dynamic: true,
    fromRate: r,
    toRate: r,
    maxVUs,
    peakConcurrency: maxVUs,
    sweep: { step: i + 1, of: steps, first: ctx.index, limits },
    description: `sweep ${i + 1}/${steps}: ${r} it/s for ${formatDuration(eachMs)} (maxVUs ${maxVUs})`,
  }));
}

function sweepLimits(value: unknown, where: string): SweepLimits {
  if (value === undefined) return { ...DEFAULT_SWEEP_LIMITS };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StageFieldError(`${where}: 'limits' must be an object such as { errorRate: 0.01, goodput: 0.95, p95: '500ms' }`);
  }
  const raw = value as RawStage;
  const at = `${where} limits`;
  onlyFields(raw, at, ['errorRate', 'goodput', 'dropped', 'p95']);
  const fraction = (field: 'errorRate' | 'goodput' | 'dropped'): number => {
    const v = raw[field];
    if (v === undefined) return DEFAULT_SWEEP_LIMITS[field];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw new StageFieldError(`${at}: '${field}' must be a fraction 0..1, got ${JSON.stringify(v)}`);
    return v;
  };
  const limits: SweepLimits = { errorRate: fraction('errorRate'), goodput: fraction('goodput'), dropped: fraction('dropped') };
  if (has(raw, 'p95')) limits.p95Ms = duration(raw, at, 'p95');
  return limits;
}
