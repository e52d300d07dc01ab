/**
 * supply-demand: when did the endpoint's supply of workers catch up with the load?
 *
 * Rule, over the per-second timeline: an interval is "short" when it had failed requests or,
 * when the serverless monitor reported it, `jobs_in_queue` > 0. Supply met demand at t* = the
 * end of the last short interval, provided requests still completed after it. The last time
 * `workers_seen` grew is reported alongside when the gauge exists.
 */
import type { Insight, Summary, TimelinePoint } from '../metrics/summary-types.js';
import { completions, fmtMs, plural } from './util.js';

function short(p: TimelinePoint, hasQueue: boolean): boolean {
  return p.errors > 0 || (hasQueue && (p.gauges?.jobs_in_queue ?? 0) > 0);
}

export function supplyDemand(s: Summary): Insight | null {
  const tl = s.timeline;
  if (tl.length < 2) return null;
  const hasQueue = tl.some((p) => p.gauges && typeof p.gauges.jobs_in_queue === 'number');
  const hasWorkers = tl.some((p) => p.gauges && typeof p.gauges.workers_seen === 'number');
  const what = hasQueue ? 'no request failed and the queue stayed empty' : 'no request failed';

  // the last time a new worker appeared
  let workersSeen: number | null = null;
  let workersStableMs: number | null = null;
  if (hasWorkers) {
    let prev = 0;
    for (const p of tl) {
      const w = p.gauges?.workers_seen;
      if (typeof w === 'number' && w > prev) {
        prev = w;
        workersStableMs = p.t;
      }
    }
    workersSeen = prev;
  }
  const workerNote = workersSeen !== null && workersStableMs !== null
    ? ` The last new worker appeared ${fmtMs(workersStableMs)} in (${plural(workersSeen, 'worker')} seen in all).`
    : '';

  let last = -1;
  for (let i = 0; i < tl.length; i++) if (short(tl[i], hasQueue)) last = i;
  const base = { workersSeen, workersStableMs, queueMonitored: hasQueue };

  if (last === -1) {
    // never short: only worth saying when the monitor confirms the queue stayed empty
    if (!hasQueue) return null;
    return {
      kind: 'supply-demand',
      severity: 'info',
      message: `Supply met demand from the start: ${what} for the whole run.${workerNote}`,
      data: { tMs: 0, rule: 'never-short', servedAfter: null, ...base },
    };
  }

  let servedAfter = 0;
  for (let i = last + 1; i < tl.length; i++) servedAfter += completions(tl, i);
  const tMs = tl[last].t;
  const lastErrors = tl[last].errors;
  if (servedAfter === 0) {
    const reason = lastErrors > 0 ? 'requests were still failing' : 'jobs were still queued';
    return {
      kind: 'supply-demand',
      severity: 'warn',
      message: `The run does not show supply catching up with demand: ${reason} in its last second with traffic (${fmtMs(tMs)} in).${workerNote}`,
      data: { tMs: null, lastShortMs: tMs, rule: 'never-met', servedAfter, ...base },
    };
  }
  const failedBefore = tl.slice(0, last + 1).reduce((n, p) => n + p.errors, 0);
  return {
    kind: 'supply-demand',
    severity: failedBefore > 0 ? 'warn' : 'info',
    message:
      `Supply met demand ${fmtMs(tMs)} into the run: from then on ${what} (${plural(servedAfter, 'request')} completed after that` +
      `${failedBefore > 0 ? `; ${failedBefore} failed before` : ''}).${workerNote}`,
    data: { tMs, rule: hasQueue ? 'last-error-or-queued-interval' : 'last-error-interval', servedAfter, failedBefore, ...base },
  };
}
