/**
 * dropped-iterations (warn): an open-model (arrival-rate) run could not start every planned
 * iteration because maxVUs iterations were already in flight (`dropped_iterations` > 0; only
 * arrival-rate executors drop). The in-flight need is λ × iteration p50 (Little's law).
 */
import type { Insight, Summary } from '../metrics/summary-types.js';
import { count, fmtMs, fmtPct, peakConcurrency, percentiles, plural, round, trend } from './util.js';

export function droppedIterations(s: Summary): Insight | null {
  const dropped = count(s, 'dropped_iterations');
  if (dropped <= 0) return null;
  const done = count(s, 'iterations');
  const planned = done + dropped;
  const share = dropped / planned;
  const tl = s.timeline;
  const firstMs = tl.find((p) => (p.dropped ?? 0) > 0)?.t ?? null;

  // the stage that dropped the most
  const byStage = new Map<number, number>();
  for (const p of tl) if ((p.dropped ?? 0) > 0 && p.stage !== undefined) byStage.set(p.stage, (byStage.get(p.stage) ?? 0) + (p.dropped ?? 0));
  const worst = [...byStage.entries()].sort((a, b) => b[1] - a[1])[0];
  const stage = worst ? s.stages?.find((st) => st.index === worst[0]) : undefined;

  const peak = peakConcurrency(s);
  const iter = trend(s, 'iteration_duration');
  const iterP50 = iter ? percentiles(iter, [50])?.[0] ?? iter.med : null;
  const durationS = s.durationMs / 1000;
  const plannedRate = durationS > 0 ? planned / durationS : null;
  const needed = plannedRate !== null && iterP50 !== null ? (plannedRate * iterP50) / 1000 : null;

  let message = `${plural(dropped, 'iteration')} of ${planned} planned (${fmtPct(share)}) were dropped` +
    `${firstMs !== null ? `, the first ${fmtMs(firstMs)} into the run` : ''}` +
    `${stage ? ` (mostly in stage ${stage.index}: ${stage.description})` : ''}: ` +
    `the arrival rate needed more iterations in flight than maxVUs allowed${peak !== null ? ` (peak ${peak} VUs)` : ''}, so the target did not keep up with this rate.`;
  if (needed !== null && plannedRate !== null && iterP50 !== null) {
    message += ` Run-wide ${round(plannedRate, 2)} arrivals/s × iteration p50 ${fmtMs(iterP50)} ≈ ${round(needed, 1)} in flight on average; raise maxVUs above that or find why iterations slowed down.`;
  }
  return {
    kind: 'dropped-iterations',
    severity: 'warn',
    message,
    data: {
      dropped, iterations: done, planned, share: round(share, 4), firstMs,
      stage: worst ? worst[0] : null, peakVUs: peak,
      plannedRate: plannedRate === null ? null : round(plannedRate, 3),
      iterationP50: iterP50 === null ? null : round(iterP50, 3),
      neededInFlight: needed === null ? null : round(needed, 2),
    },
  };
}
