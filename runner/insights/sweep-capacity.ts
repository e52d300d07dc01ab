/**
 * sweep-capacity (info; warn when even the first rate broke): the result of a sweep stage.
 * Each rate is judged on its own step's metrics (`{stage:N}`) against the sweep's limits; the
 * highest sustainable rate is the last rate that held before the first one that broke (the
 * goodput knee when the limit that broke is llm_goodput).
 */
import type { Insight, StageSummary, Summary } from '../results/types.js';
import type { SweepLimits, SweepStepInfo } from '../plan/types.js';
import { count, fmtMs, fmtPct, rate, round, trend } from './util.js';

export interface SweepStepResult {
  stage: number;
  step: number;
  /** offered arrivals per second */
  rate: number;
  ran: boolean;
  /** requests completed per second over the step */
  throughput: number | null;
  errorRate: number | null;
  p95Ms: number | null;
  goodput: number | null;
  ttftP95Ms: number | null;
  tpotP95Ms: number | null;
  /** arrivals dropped (no free VU) as a share of the arrivals offered */
  dropped: number | null;
  holds: boolean | null;
  /** which limits broke, e.g. "goodput 62% < 95%" */
  broke: string[];
}

type SweepStage = StageSummary & { offered: { executor: 'arrival-rate'; fromRate: number; sweep: SweepStepInfo } };

function sweepStages(s: Summary): Map<number, SweepStage[]> {
  const sweeps = new Map<number, SweepStage[]>();
  for (const st of s.stages ?? []) {
    const offered = st.offered;
    if (st.kind !== 'sweep' || offered?.executor !== 'arrival-rate' || !offered.sweep) continue;
    const list = sweeps.get(offered.sweep.first) ?? [];
    list.push(st as SweepStage);
    sweeps.set(offered.sweep.first, list);
  }
  return sweeps;
}

/** One rate's numbers from its own step's metrics, and the limits it broke. */
export function judgeStep(s: Summary, st: SweepStage, limits: SweepLimits): SweepStepResult {
  const i = st.index;
  const reqs = count(s, `http_reqs{stage:${i}}`);
  const failed = rate(s, `http_req_failed{stage:${i}}`);
  const duration = trend(s, `http_req_duration{stage:${i}}`);
  const goodput = rate(s, `llm_goodput{stage:${i}}`);
  const ttft = trend(s, `llm_ttft{stage:${i}}`);
  const tpot = trend(s, `llm_tpot{stage:${i}}`);
  const droppedCount = s.timeline.filter((p) => p.stage === i).reduce((n, p) => n + (p.dropped ?? 0), 0);
  const offered = (st.offered.fromRate * st.durationMs) / 1000;
  const ran = reqs > 0 || droppedCount > 0 || goodput !== null;
  const base = {
    stage: i,
    step: st.offered.sweep.step,
    rate: st.offered.fromRate,
    ran,
    throughput: ran ? round(reqs / (st.durationMs / 1000), 2) : null,
    errorRate: failed ? round(failed.rate, 4) : null,
    p95Ms: duration ? round(duration.p95) : null,
    goodput: goodput ? round(goodput.rate, 4) : null,
    ttftP95Ms: ttft ? round(ttft.p95) : null,
    tpotP95Ms: tpot ? round(tpot.p95) : null,
    dropped: ran && offered > 0 ? round(droppedCount / offered, 4) : null,
  };
  if (!ran) return { ...base, holds: null, broke: [] };
  const broke: string[] = [];
  if (base.errorRate !== null && base.errorRate > limits.errorRate) broke.push(`errors ${fmtPct(base.errorRate)} > ${fmtPct(limits.errorRate)}`);
  if (base.goodput !== null && base.goodput < limits.goodput) broke.push(`goodput ${fmtPct(base.goodput)} < ${fmtPct(limits.goodput)}`);
  if (base.dropped !== null && base.dropped > limits.dropped) broke.push(`dropped ${fmtPct(base.dropped)} of arrivals > ${fmtPct(limits.dropped)}`);
  if (limits.p95Ms !== undefined && base.p95Ms !== null && base.p95Ms > limits.p95Ms) broke.push(`p95 ${fmtMs(base.p95Ms)} > ${fmtMs(limits.p95Ms)}`);
  if (reqs === 0 && goodput === null) broke.push('no request completed');
  return { ...base, holds: broke.length === 0, broke };
}

export function sweepCapacity(s: Summary): Insight[] {
  const out: Insight[] = [];
  for (const stages of sweepStages(s).values()) {
    const limits = stages[0].offered.sweep.limits;
    const steps = stages.map((st) => judgeStep(s, st, limits));
    if (!steps.some((r) => r.ran)) continue;
    const firstBreak = steps.findIndex((r) => r.holds === false);
    const held = (firstBreak < 0 ? steps : steps.slice(0, firstBreak)).filter((r) => r.holds === true);
    const sustainable = held.length ? held[held.length - 1].rate : null;
    const breaking = firstBreak >= 0 ? steps[firstBreak] : null;
    const skipped = steps.filter((r) => !r.ran).length;
    const unit = 'it/s';
    let message: string;
    if (breaking && sustainable === null) {
      message = `Capacity sweep: even the first rate, ${breaking.rate} ${unit}, did not hold (${breaking.broke.join(', ')}); the sustainable rate is below it: sweep lower.`;
    } else if (breaking) {
      message =
        `Capacity sweep: the highest sustainable rate is ${sustainable} ${unit}; at ${breaking.rate} ${unit} ${breaking.broke.join(', ')}` +
        `${breaking.throughput !== null ? ` (${breaking.throughput} req/s completed)` : ''}.`;
    } else {
      message = `Capacity sweep: every rate held, up to ${sustainable} ${unit}; the capacity is above it: sweep higher.`;
    }
    if (skipped > 0) {
      message += ` ${skipped} higher ${skipped === 1 ? 'rate was' : 'rates were'} not run (${s.aborted ? 'the run stopped early' : 'the sweep stops after a rate that dropped arrivals'}).`;
    }
    out.push({
      kind: 'sweep-capacity',
      severity: breaking && sustainable === null ? 'warn' : 'info',
      message,
      data: { sustainableRate: sustainable, brokeAt: breaking?.rate ?? null, limits, steps },
    });
  }
  return out;
}
