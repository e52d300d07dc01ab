/**
 * dropped-iterations (warn): an open-model (arrival-rate) run could not start every planned
 * iteration because maxVUs iterations were already in flight (`dropped_iterations` > 0; only
 * arrival-rate executors drop).
 *
 * The in-flight need is λ × iteration time (Little's law), with λ the plan's arrival rate of
 * the stage that dropped most (`stages[].offered`) and the iteration p50 (average need) and p95
 * (headroom). Advice is always consistent with that stage's maxVUs: "raise maxVUs to ≥ N" only
 * with N > maxVUs; when the need fits within maxVUs even at p95, no number is advised. Drops in
 * the steps of a capacity sweep are left to sweep-capacity: a sweep past its knee drops by design.
 */
import type { Insight, StageSummary, Summary, TimelinePoint } from '../results/types.js';
import { sweepStageIndexes } from './premises.js';
import { count, fmtMs, fmtPct, gauge, percentiles, plural, round, trend } from './util.js';

/** What the plan says of an open-model stage: arrivals per second (average) and maxVUs. */
interface OpenStage {
  rate: number | null;
  /** a burst at once: every arrival needs a VU at the same moment */
  atOnce: number | null;
  maxVUs: number;
}

function openStage(stage: StageSummary | undefined): OpenStage | null {
  const o = (stage as { offered?: Record<string, unknown> } | undefined)?.offered;
  if (!o || typeof o.maxVUs !== 'number') return null;
  const maxVUs = o.maxVUs;
  if (o.executor === 'arrival-rate' && typeof o.fromRate === 'number' && typeof o.toRate === 'number') {
    return { rate: (o.fromRate + o.toRate) / 2, atOnce: null, maxVUs }; // a linear ramp averages its ends
  }
  if (o.executor === 'arrival-burst' && typeof o.iterations === 'number' && typeof o.overMs === 'number') {
    if (o.overMs > 0) return { rate: o.iterations / (o.overMs / 1000), atOnce: null, maxVUs };
    return { rate: null, atOnce: o.iterations, maxVUs };
  }
  return null;
}

export function droppedIterations(s: Summary): Insight | null {
  // a sweep past its knee drops by design and sweep-capacity explains it: judge the other stages only
  const sweeps = sweepStageIndexes(s);
  const inSweep = (p: { stage?: number }) => p.stage !== undefined && sweeps.has(p.stage);
  const tl = s.timeline.filter((p) => !inSweep(p));
  const inSweeps = (key: 'dropped' | 'iterations') => s.timeline.reduce((n, p) => n + (inSweep(p) ? (p[key] ?? 0) : 0), 0);
  const dropped = count(s, 'dropped_iterations') - inSweeps('dropped');
  if (dropped <= 0) return null;
  const done = count(s, 'iterations') - inSweeps('iterations');
  const planned = done + dropped;
  const share = dropped / planned;
  const firstMs = tl.find((p) => (p.dropped ?? 0) > 0)?.t ?? null;
  const { worst, stage } = worstStage(s, tl);
  const plan = openStage(stage);
  const peakVUs = gauge(s, 'vus')?.max ?? null; // measured, sampled once per interval
  const need = inFlightNeed(s, plan, planned);
  const { rate, needed, neededP95, iterP50, iterP95, maxVUs } = need;

  const lead =
    `${plural(dropped, 'iteration')} of ${planned} planned (${fmtPct(share)}) were dropped` +
    `${firstMs !== null ? `, the first ${fmtMs(firstMs)} into the run` : ''}` +
    `${stage ? ` (mostly in stage ${stage.index}: ${stage.description})` : ''}: ` +
    `an arrival found every VU busy` +
    `${maxVUs !== null || peakVUs !== null ? ` (${[maxVUs !== null ? `maxVUs ${maxVUs}` : '', peakVUs !== null ? `peak ${plural(peakVUs, 'VU')} measured` : ''].filter(Boolean).join('; ')})` : ''}.`;
  const { recommended, text } = advice(plan, need);
  return {
    kind: 'dropped-iterations',
    severity: 'warn',
    message: lead + text,
    data: {
      dropped,
      iterations: done,
      planned,
      share: round(share, 4),
      firstMs,
      stage: worst ? worst[0] : null,
      maxVUs,
      peakVUs,
      rate: rate === null ? null : round(rate, 3),
      rateSource: need.rateSource,
      iterationP50: iterP50 === null ? null : round(iterP50, 3),
      iterationP95: iterP95 === null ? null : round(iterP95, 3),
      neededInFlight: needed === null ? null : round(needed, 2),
      neededInFlightP95: neededP95 === null ? null : round(neededP95, 2),
      recommendedMaxVUs: recommended,
    },
  };
}

/** The stage that dropped the most: [index, drops] and its summary. */
function worstStage(s: Summary, tl: TimelinePoint[]): { worst: [number, number] | undefined; stage: StageSummary | undefined } {
  const byStage = new Map<number, number>();
  for (const p of tl) if ((p.dropped ?? 0) > 0 && p.stage !== undefined) byStage.set(p.stage, (byStage.get(p.stage) ?? 0) + (p.dropped ?? 0));
  const worst = [...byStage.entries()].sort((a, b) => b[1] - a[1])[0];
  return { worst, stage: worst ? s.stages?.find((st) => st.index === worst[0]) : undefined };
}

type Need = ReturnType<typeof inFlightNeed>;

/** Little's law: the iterations in flight the arrival rate needs at iteration p50 and p95. */
function inFlightNeed(s: Summary, plan: OpenStage | null, planned: number) {
  const iter = trend(s, 'iteration_duration');
  const [iterP50, iterP95] = iter ? (percentiles(iter, [50, 95]) ?? [iter.med, iter.p95]) : [null, null];
  const durationS = s.durationMs / 1000;
  // the plan's rate when known, else what arrived over the whole run
  const rate = plan?.rate ?? (plan?.atOnce == null && durationS > 0 ? planned / durationS : null);
  const rateSource = plan?.rate != null ? 'plan' : rate !== null ? 'run-wide' : null;
  const needed = rate !== null && iterP50 !== null ? (rate * iterP50) / 1000 : null;
  // rounded as the message shows them, so the advised count is the ceiling of the shown need
  const neededP95 = rate !== null && iterP95 !== null ? round((rate * iterP95) / 1000, 1) : null;
  return { iterP50, iterP95, rate, rateSource, needed, neededP95, maxVUs: plan?.maxVUs ?? null };
}

/** The advice, always consistent with the stage's maxVUs: a number only when the need exceeds it. */
function advice(
  plan: OpenStage | null,
  { needed, neededP95, rate, iterP50, iterP95, rateSource, maxVUs }: Need,
): { recommended: number | null; text: string } {
  if (plan?.atOnce != null) {
    if (plan.atOnce <= plan.maxVUs) return { recommended: null, text: '' };
    return {
      recommended: plan.atOnce,
      text: ` A burst of ${plan.atOnce} arrivals at once needs ${plan.atOnce} VUs at once: raise maxVUs to ${plan.atOnce}, or spread the burst with 'over'.`,
    };
  }
  if (needed === null || neededP95 === null || rate === null || iterP50 === null || iterP95 === null) return { recommended: null, text: '' };
  const arithmetic = `${rateSource === 'plan' ? "The plan's" : 'Run-wide'} ${round(rate, 2)} arrivals/s × iteration p50 ${fmtMs(iterP50)} ≈ ${round(needed, 1)} in flight on average (Little's law, L = λW)`;
  if (maxVUs === null) {
    // no plan to compare with (an older results file): state the need, advise no number
    return { recommended: null, text: ` ${arithmetic}; at p95 ${fmtMs(iterP95)} ≈ ${round(neededP95, 1)}.` };
  }
  if (needed >= maxVUs) {
    const recommended = Math.max(Math.ceil(neededP95), maxVUs + 1);
    return {
      recommended,
      text: ` ${arithmetic}, more than maxVUs ${maxVUs}: raise maxVUs to at least ${recommended} (λ × iteration p95 ${fmtMs(iterP95)} ≈ ${round(neededP95, 1)}) or make iterations faster.`,
    };
  }
  if (neededP95 > maxVUs) {
    const recommended = Math.ceil(neededP95);
    return {
      recommended,
      text:
        ` ${arithmetic}, within maxVUs ${maxVUs}, but the slower iterations (p95 ${fmtMs(iterP95)}) need ≈ ${round(neededP95, 1)}: ` +
        `raise maxVUs to at least ${recommended} for headroom, or find why iterations slow down.`,
    };
  }
  return {
    recommended: null,
    text:
      ` ${arithmetic}, ≈ ${round(neededP95, 1)} at iteration p95 ${fmtMs(iterP95)}, both within maxVUs ${maxVUs}: ` +
      'the drops came from the slowest iterations or arrivals bunched together; the run does not support a number.',
  };
}
