/**
 * supply-demand: when did the endpoint's supply of workers catch up with the load?
 *
 * Premise: the target named its workers (premises.ts): without worker identity a failure says
 * nothing about supply. Rule, over the timeline: an interval is "short" when it had failed
 * requests or, when the health monitor sampled it, work waiting for a worker (`jobs_in_queue`
 * > 0: jobs in a queue API, requests at a load balancer). The monitor only puts a sample on
 * the interval it was taken in, so a stale queue length never counts. Supply met demand at
 * t* = the end of the last short interval, provided requests still completed after it while the
 * plan offered load (not in the drain after a timed plan's end).
 * Severity: warn only when requests failed; waiting alone is info.
 */
import type { Insight, Summary, TimelinePoint } from '../results/types.js';
import { queueMode, workerIdentity } from './premises.js';
import { completions, fmtMs, plural } from './util.js';

const queued = (p: TimelinePoint) => p.gauges?.jobs_in_queue ?? 0;

/** When a plan of timed stages (ramp, soak, pause) stops offering load; never for bursts, which end when their work is done. */
function loadEndMs(s: Summary): number {
  const stages = s.stages ?? [];
  if (!stages.length || stages.some((st) => st.kind === 'burst')) return Infinity;
  const busy = stages.filter((st) => st.kind !== 'pause');
  return busy.length ? Math.max(...busy.map((st) => st.startMs + st.durationMs)) : Infinity;
}

/** The last time a new worker appeared, and how many were seen in all (null without the monitor's workers_seen). */
function workerArrivals(tl: TimelinePoint[]): { workersSeen: number | null; workersStableMs: number | null } {
  if (!tl.some((p) => p.gauges && typeof p.gauges.workers_seen === 'number')) return { workersSeen: null, workersStableMs: null };
  let prev = 0;
  let workersStableMs: number | null = null;
  for (const p of tl) {
    const w = p.gauges?.workers_seen;
    if (typeof w === 'number' && w > prev) {
      prev = w;
      workersStableMs = p.t;
    }
  }
  return { workersSeen: prev, workersStableMs };
}

/**
 * What completed after interval `last` while the plan still offered its load: the drain after a
 * timed plan's end empties any queue because demand stopped, which shows nothing about supply.
 */
function servedWhileLoaded(s: Summary, last: number): number {
  const tl = s.timeline;
  const loadEnd = loadEndMs(s);
  let servedAfter = 0;
  for (let i = last + 1; i < tl.length; i++) if ((i === 0 ? 0 : tl[i - 1].t) < loadEnd) servedAfter += completions(tl, i);
  return servedAfter;
}

export function supplyDemand(s: Summary): Insight | null {
  const tl = s.timeline;
  if (tl.length < 2 || !workerIdentity(s)) return null;
  const hasQueue = tl.some((p) => p.gauges && typeof p.gauges.jobs_in_queue === 'number');
  const jobs = queueMode(s);
  const what = hasQueue
    ? jobs
      ? 'no request failed and no job waited in the queue'
      : 'no request failed or waited at the balancer'
    : 'no request failed';
  const short = (p: TimelinePoint) => p.errors > 0 || queued(p) > 0;
  const { workersSeen, workersStableMs } = workerArrivals(tl);
  const workerNote =
    workersSeen !== null && workersStableMs !== null
      ? ` The last new worker appeared ${fmtMs(workersStableMs)} in (${plural(workersSeen, 'worker')} seen in all).`
      : '';

  let last = -1;
  for (let i = 0; i < tl.length; i++) if (short(tl[i])) last = i;
  const failedTotal = tl.reduce((n, p) => n + p.errors, 0);
  const maxQueued = tl.reduce((m, p) => Math.max(m, queued(p)), 0);
  const base = { workersSeen, workersStableMs, queueMonitored: hasQueue, maxQueued, failed: failedTotal };

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
  const servedAfter = servedWhileLoaded(s, last);
  const tMs = tl[last].t;
  if (servedAfter === 0) return neverMet(tl[last], jobs, workerNote, base);
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

/** Short until the last interval with traffic: queueing without failures (info), or never caught up (warn). */
function neverMet(lastShort: TimelinePoint, jobs: boolean, workerNote: string, base: { maxQueued: number; failed: number }): Insight {
  const tMs = lastShort.t;
  const { maxQueued, failed: failedTotal } = base;
  if (failedTotal === 0) {
    // waiting, never failing: the workers there were served everything, with queueing
    const waiting = jobs ? 'jobs waited in the queue' : 'requests waited at the balancer for a worker';
    return {
      kind: 'supply-demand',
      severity: 'info',
      message:
        `No request failed, but ${waiting} until the run's last interval with traffic (${fmtMs(tMs)} in; at most ${maxQueued} waiting at once): ` +
        `supply kept up without failures, not without queueing.${workerNote}`,
      data: { tMs: null, lastShortMs: tMs, rule: 'queued-to-the-end', servedAfter: 0, ...base },
    };
  }
  const reason =
    lastShort.errors > 0 ? 'requests were still failing' : jobs ? 'jobs were still queued' : 'requests were still waiting at the balancer';
  return {
    kind: 'supply-demand',
    severity: 'warn',
    message:
      `The run does not show supply catching up with demand: ${reason} in its last interval with traffic (${fmtMs(tMs)} in; ` +
      `${plural(failedTotal, 'request')} failed in all).${workerNote}`,
    data: { tMs: null, lastShortMs: tMs, rule: 'never-met', servedAfter: 0, ...base },
  };
}
