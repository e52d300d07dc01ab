/**
 * cold-starts: how many responses (or jobs, with ctx.jobs) came from a cold worker and what a
 * cold start costs (`<trend>{cold:true}` vs `{cold:false}` for http_req_duration and
 * job_total_time), and, for queue-based endpoints, whether the time went to waiting for a
 * worker (`job_queue_time`) or to running (`job_execution_time`).
 */
import type { Insight, Summary } from '../results/types.js';
import { count, fmtMs, fmtPct, percentiles, plural, round, trend, warmService } from './util.js';

/** What the classifier tags: responses of ctx.http, jobs of ctx.jobs (submit to final status). */
const TAGGED = [
  { trend: 'http_req_duration', one: 'response', many: 'responses', withId: 'responses with a worker id' },
  { trend: 'job_total_time', one: 'job', many: 'jobs', withId: 'jobs that named their worker' },
] as const;

function tagged(s: Summary, what: (typeof TAGGED)[number]): Insight | null {
  const cold = trend(s, `${what.trend}{cold:true}`);
  const warm = trend(s, `${what.trend}{cold:false}`);
  const coldCount = cold?.count ?? 0;
  const warmCount = warm?.count ?? 0;
  const total = coldCount + warmCount;
  if (total === 0) return null;
  const share = coldCount / total;
  const coldP50 = cold ? (percentiles(cold, [50])?.[0] ?? null) : null;
  const warmP50 = warm ? (percentiles(warm, [50])?.[0] ?? null) : null;
  const data: Record<string, unknown> = {
    unit: what.many,
    coldCount,
    warmCount,
    total,
    share: round(share, 4),
    coldP50: coldP50 === null ? null : round(coldP50, 3),
    warmP50: warmP50 === null ? null : round(warmP50, 3),
    penaltyMs: null,
  };
  if (coldCount === 0) {
    return {
      kind: 'cold-starts',
      severity: 'info',
      message: `No ${what.one} came from a cold worker: all ${total} ${what.withId} were warm${warmP50 !== null ? ` (p50 ${fmtMs(warmP50)})` : ''}.`,
      data,
    };
  }
  let message = `${coldCount} of ${total} ${what.many} (${fmtPct(share)}) came from a cold worker`;
  // the classifier's warm service-time bound is learnt from responses only
  const service = what.trend === 'http_req_duration' ? (warmService(s)?.bound ?? null) : null;
  if (coldP50 !== null && warmP50 !== null && service !== null && service < 0.8 * warmP50) {
    // warm responses queued too (a burst at a balancer): compare with a warm worker's own service time
    const penalty = coldP50 - service;
    data.penaltyMs = round(penalty, 3);
    data.warmServiceMs = service;
    message +=
      `; cold p50 ${fmtMs(coldP50)} against a warm worker's service time of about ${fmtMs(service)} ` +
      `(its fastest answers): a cold start costs up to ${fmtMs(penalty)}. Warm responses took p50 ${fmtMs(warmP50)} ` +
      `because they also waited at the balancer for a busy worker.`;
  } else if (coldP50 !== null && warmP50 !== null) {
    const penalty = coldP50 - warmP50;
    data.penaltyMs = round(penalty, 3);
    message +=
      penalty > 0
        ? `; cold p50 ${fmtMs(coldP50)} vs warm p50 ${fmtMs(warmP50)}: a cold start costs about ${fmtMs(penalty)}.`
        : `; cold p50 ${fmtMs(coldP50)} vs warm p50 ${fmtMs(warmP50)}: cold ${what.many} were not slower here.`;
  } else {
    message += warmCount === 0 ? `; no ${what.one} came from a warm worker, so the penalty cannot be measured.` : '.';
  }
  return { kind: 'cold-starts', severity: 'warn', message, data };
}

function responses(s: Summary): Insight[] {
  const out = TAGGED.map((what) => tagged(s, what)).filter((x): x is Insight => x !== null);
  if (out.length) return out;
  // no per-response or per-job classification: only the counter, if any
  const n = count(s, 'cold_starts');
  if (n <= 0) return [];
  return [
    {
      kind: 'cold-starts',
      severity: 'warn',
      message: `${plural(n, 'cold start')} counted; the run did not tag responses or jobs cold or warm, so the cold-start penalty cannot be measured.`,
      data: { coldCount: n, warmCount: null, total: null, share: null },
    },
  ];
}

function jobs(s: Summary): Insight | null {
  const queue = trend(s, 'job_queue_time');
  const exec = trend(s, 'job_execution_time');
  if (!queue || !exec) return null;
  const q = percentiles(queue, [50, 95]);
  const e = percentiles(exec, [50, 95]);
  if (!q || !e) return null;
  const [q50, q95] = q;
  const [e50, e95] = e;
  const platformSlow = q50 > e50;
  const verdict = platformSlow
    ? 'the platform was slow to give a worker (queueing and cold starts), more than the model was slow'
    : 'most of the time went to running the job: the model is the slow part, not the wait for a worker';
  return {
    kind: 'cold-starts',
    severity: platformSlow ? 'warn' : 'info',
    message: `Jobs waited p50 ${fmtMs(q50)} (p95 ${fmtMs(q95)}) in the queue and ran p50 ${fmtMs(e50)} (p95 ${fmtMs(e95)}) on a worker: ${verdict}.`,
    data: {
      variant: 'jobs',
      jobs: queue.count,
      queueP50: round(q50, 3),
      queueP95: round(q95, 3),
      executionP50: round(e50, 3),
      executionP95: round(e95, 3),
      platformSlow,
    },
  };
}

export function coldStarts(s: Summary): Insight[] | null {
  const out = [...responses(s), jobs(s)].filter((x): x is Insight => x !== null);
  return out.length ? out : null;
}
