/**
 * min-workers: how many warm workers the load the plan offered needs (docs/findings.md).
 *
 * Premises: the target named its workers, and the run had something warm workers fix (cold
 * starts or failures). The offered load comes from the plan, never from the throughput: in a
 * closed loop the request rate follows the workers that existed, so sizing workers from it is
 * circular.
 *
 * - A burst of N (N VUs, or N arrivals at once): N warm workers start it with no queue. With a
 *   gateway-timeout cluster at T, also the fewest warm workers M that start every request of
 *   the burst within T with no scale-up: waves of W_high (p90 of a warm worker's service time),
 *   the last wave must start by 90% of T, so (ceil(N / M) − 1)·W_high ≤ 0.9·T.
 * - An open-model rate λ (arrivals/s × work per iteration): Little's law, L = λW with W a warm
 *   worker's typical service time; recommend ceil(L).
 * - Only closed loops (ramp, soak) and failures: says the run cannot size workers, no number.
 */
import type { Insight, Summary } from '../results/types.js';
import { failureClusters } from './gateway-timeout.js';
import { plannedLoad, queueMode, workerIdentity, type PlannedLoad } from './premises.js';
import { count, fmtMs, percentiles, plural, rate, round, trend } from './util.js';

/** the last wave of a burst must start by this share of the timeout */
const TIMEOUT_MARGIN = 0.9;

interface ServiceTime {
  typical: number;
  high: number | null;
  label: string;
  source: string;
}

/** A warm worker's service time, ms: what the classifier learnt, else the execution or warm durations. */
function serviceTime(s: Summary, jobs: boolean): ServiceTime | null {
  const learnt = (s.meta?.serverless as { serviceTimes?: Record<string, { typical?: number; high?: number }> } | undefined)?.serviceTimes?.[
    jobs ? 'job_total_time' : 'http_req_duration'
  ];
  if (!jobs && learnt?.typical && learnt.typical > 0) {
    return { typical: learnt.typical, high: learnt.high && learnt.high > 0 ? learnt.high : null, label: 'warm service time', source: 'serviceTimes' };
  }
  // a queue API reports how long each job ran on its worker; else warm durations (they may include queueing)
  for (const [key, label] of [
    ['job_execution_time', 'execution time'],
    ['http_req_duration{cold:false}', 'warm response time'],
  ]) {
    const t = trend(s, key);
    const ps = t ? percentiles(t, [50, 90]) : null;
    if (ps && ps[0] > 0) return { typical: ps[0], high: ps[1], label, source: key };
  }
  return null;
}

function burstAdvice(s: Summary, burst: NonNullable<PlannedLoad['burst']>, unit: string, st: ServiceTime | null) {
  const n = burst.n;
  const one = unit.slice(0, -1);
  let message =
    `The plan started a burst (${burst.description}): ${plural(n, one, unit)} in flight at once need ${n} warm workers ` +
    `to start with no queue and no cold start, so set min workers ≥ ${n} for bursts this size.`;
  let timeoutMs: number | null = null;
  let forTimeout: number | null = null;
  const cluster = failureClusters(s).find((c) => c.status !== null);
  const W = st?.high ?? null;
  if (cluster && W !== null && W < cluster.p50) {
    timeoutMs = cluster.p50;
    const maxWaves = Math.floor((TIMEOUT_MARGIN * timeoutMs) / W) + 1; // wave k starts after (k − 1)·W
    forTimeout = Math.ceil(n / maxWaves);
    if (forTimeout < n) {
      const waves = Math.ceil(n / forTimeout);
      message +=
        ` Fewer warm workers serve it in waves: a warm worker took up to ${fmtMs(W)} per ${one} (p90), so with ` +
        `${forTimeout} the last of ${waves} waves starts after ${fmtMs((waves - 1) * W)}, inside the ${fmtMs(timeoutMs)} timeout with 10% to spare: ` +
        `at least ${forTimeout} min workers avoid the timeouts even before the autoscaler adds any.`;
    }
  }
  return {
    message,
    recommended: n,
    data: {
      basis: 'burst',
      burst: n,
      stage: burst.stage,
      timeoutMs: timeoutMs === null ? null : round(timeoutMs, 3),
      wHigh: W === null ? null : round(W, 3),
      minWorkersForTimeout: forTimeout,
    },
  };
}

function rateAdvice(s: Summary, r: NonNullable<PlannedLoad['rate']>, unit: string, jobs: boolean, st: ServiceTime | null) {
  if (!st) return null;
  // λ in the target's unit: arrivals/s × requests (or jobs) per iteration, counted over the run
  const iterations = count(s, 'iterations');
  const work = count(s, jobs ? 'jobs' : 'http_reqs');
  const perIteration = iterations > 0 && work > 0 ? work / iterations : 1;
  const lambda = r.perSecond * perIteration;
  const L = (lambda * st.typical) / 1000;
  const recommended = Math.max(1, Math.ceil(round(L, 2)));
  const perIt = round(perIteration, 2) === 1 ? '' : ` × ${round(perIteration, 2)} ${unit} per iteration`;
  const message =
    `The plan offered ${round(r.perSecond, 2)} iterations/s (${r.description})${perIt} = ${round(lambda, 2)} ${unit}/s; × ${st.label} ` +
    `${fmtMs(st.typical)} = ${round(L, 2)} workers busy on average (Little's law, L = λW). Set min workers ≥ ${recommended} to serve this rate with no cold start.`;
  return {
    message,
    recommended,
    data: { basis: 'rate', lambda: round(lambda, 4), W: round(st.typical, 3), wSource: st.source, L: round(L, 3), stage: r.stage },
  };
}

export function minWorkers(s: Summary): Insight | null {
  if (!workerIdentity(s)) return null;
  const failures = (rate(s, 'http_req_failed')?.trues ?? 0) + (rate(s, 'job_failed')?.trues ?? 0);
  const cold = Math.max(
    count(s, 'cold_starts'),
    trend(s, 'http_req_duration{cold:true}')?.count ?? 0,
    trend(s, 'job_total_time{cold:true}')?.count ?? 0,
  );
  if (failures === 0 && cold === 0) return null; // every worker was warm and nothing failed: nothing to size
  const load = plannedLoad(s);
  if (!load) return null;
  const jobs = queueMode(s);
  const unit = jobs ? 'jobs' : 'requests';
  const st = serviceTime(s, jobs);
  const advice = load.burst ? burstAdvice(s, load.burst, unit, st) : load.rate ? rateAdvice(s, load.rate, unit, jobs, st) : null;
  const evidence = { failures, coldStarts: cold, W: st ? round(st.typical, 3) : null };
  if (advice) {
    return { kind: 'min-workers', severity: 'warn', message: advice.message, data: { recommended: advice.recommended, ...evidence, ...advice.data } };
  }
  if (!load.closedLoop || failures === 0) return null;
  return {
    kind: 'min-workers',
    severity: 'info',
    message:
      `This run cannot size min workers: its load was a closed loop (${load.closedLoop.description}), whose request rate follows the workers ` +
      `that answered. Offer the load as a burst or at an open-model rate to measure how many warm workers it needs.`,
    data: { recommended: null, basis: 'closed-loop', vus: load.closedLoop.vus, stage: load.closedLoop.stage, ...evidence },
  };
}
