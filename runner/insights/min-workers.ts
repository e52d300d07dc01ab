/**
 * min-workers: a min-workers recommendation from Little's law, L = λW.
 *
 * λ: the busiest window of the timeline (completions per second, failures included: they were
 * offered load too) over a window of max(5 s, W) rounded up to whole intervals; without a
 * timeline, http_reqs' run-wide rate. L is capped at the peak concurrency (requests in flight or
 * peak VUs): queued requests finishing together can make a window look busier than it was. W: a
 * warm worker's typical service time when the cold-start classifier learnt it and it is below
 * the warm p50 (requests also queued at the balancer), else warm p50 (`http_req_duration{cold:false}`), else
 * `job_execution_time` p50, else `http_req_duration` p50. Only for serverless-looking runs
 * (worker or job metrics, a serverless preset, or a median response ≥ 1 s): a sizing advice
 * in workers makes no sense for a plain API.
 *
 * When a gateway-timeout cluster at T was found and the peak concurrency N is known, also the
 * fewest warm workers M that start a burst of N within T with no scale-up: waves of W each,
 * the last wave must start by 90% of T (a 10% margin), so (ceil(N / M) − 1)·W ≤ 0.9·T.
 */
import type { Insight, Summary } from '../metrics/summary-types.js';
import { failureClusters } from './gateway-timeout.js';
import { count, fmtMs, gauge, intervalMs, peakConcurrency, percentiles, preset, rate, round, trend, warmService } from './util.js';

const MIN_WINDOW_MS = 5000;
/** the last wave of a burst must start by this share of the timeout */
const TIMEOUT_MARGIN = 0.9;

function serviceTime(s: Summary): { W: number; source: string; label: string } | null {
  // a worker is busy for its service time, not for the time a request also queued at the balancer
  const warm = warmService(s);
  const warmP50 = trend(s, 'http_req_duration{cold:false}')?.med;
  if (warm && warmP50 && warm.typical < warmP50) return { W: warm.typical, source: 'serviceTimes.typical', label: 'warm service time' };
  const sources: Array<[string, string]> = [
    ['http_req_duration{cold:false}', 'warm service time'],
    ['job_execution_time', 'execution time'],
    ['http_req_duration', 'median response time'],
  ];
  for (const [key, label] of sources) {
    const t = trend(s, key);
    const p50 = t ? percentiles(t, [50])?.[0] : null;
    if (p50 && p50 > 0) return { W: p50, source: key, label };
  }
  return null;
}

function offeredLoad(s: Summary, W: number): { lambda: number; windowMs: number; source: string } | null {
  // a queue API's offered load is its jobs, not the status polls that dominate http_reqs
  const jobs = s.metrics.jobs;
  if (jobs && jobs.type === 'counter' && jobs.count > 0 && jobs.rate > 0) return { lambda: jobs.rate, windowMs: s.durationMs, source: 'jobs.rate' };
  const tl = s.timeline;
  if (tl.length) {
    const wantMs = Math.max(MIN_WINDOW_MS, W);
    let best = 0;
    let bestWindow = 0;
    for (let i = 0; i < tl.length; i++) {
      let reqs = 0;
      let ms = 0;
      for (let j = i; j < tl.length && ms < wantMs; j++) {
        const dt = intervalMs(tl, j);
        reqs += (tl[j].rps * dt) / 1000;
        ms += dt;
      }
      const r = reqs / (ms / 1000);
      if (r > best) { best = r; bestWindow = ms; }
      if (ms < wantMs) break; // later windows are shorter still
    }
    if (best > 0) return { lambda: best, windowMs: bestWindow, source: 'timeline' };
  }
  const reqs = s.metrics.http_reqs;
  if (reqs && reqs.type === 'counter' && reqs.rate > 0) return { lambda: reqs.rate, windowMs: s.durationMs, source: 'http_reqs.rate' };
  return null;
}

function serverlessLooking(s: Summary, W: number, source: string): boolean {
  return source !== 'http_req_duration' || preset(s) !== null || s.meta?.serverless !== undefined ||
    count(s, 'cold_starts') > 0 || gauge(s, 'workers_seen') !== null || W >= 1000;
}

export function minWorkers(s: Summary): Insight | null {
  const st = serviceTime(s);
  if (!st || !serverlessLooking(s, st.W, st.source)) return null;
  const load = offeredLoad(s, st.W);
  if (!load) return null;
  const { lambda } = load;
  const W = st.W;
  const raw = (lambda * W) / 1000;
  const peak = peakConcurrency(s);
  // a closed loop never has more requests in flight than its peak concurrency: busy windows
  // where queued requests finish together can overstate λ
  const capped = peak !== null && raw > peak;
  const L = capped ? peak : raw;
  const recommended = Math.max(1, Math.ceil(round(L, 2)));

  let message =
    `Offered load ${round(lambda, lambda < 10 ? 2 : 1)} ${load.source === 'jobs.rate' ? 'jobs' : 'req'}/s (busiest ${fmtMs(load.windowMs)} window) × ${st.label} ${fmtMs(W)} = ` +
    `${round(raw, 1)} workers busy on average (Little's law, L = λW)` +
    `${capped ? `, but no more than ${peak} requests were ever in flight, so ${peak} at most` : ''}. ` +
    `Set min workers ≥ ${recommended} to serve this load with no cold start`;
  if (peak !== null && peak > recommended) {
    message += `; a burst of ${peak} concurrent requests needs ${peak} warm workers to start at once with no queue`;
  }
  message += '.';

  // the burst-within-timeout bound, only with a measured timeout
  let timeoutMs: number | null = null;
  let toBeatTimeout: number | null = null;
  const cluster = failureClusters(s).find((c) => c.status !== null);
  if (cluster && peak !== null && W < cluster.p50) {
    timeoutMs = cluster.p50;
    const maxWaves = Math.floor((TIMEOUT_MARGIN * timeoutMs) / W) + 1; // wave k starts at (k − 1)·W
    toBeatTimeout = Math.ceil(peak / maxWaves);
    if (toBeatTimeout < peak) {
      const waves = Math.ceil(peak / toBeatTimeout);
      message += ` With ${toBeatTimeout} warm workers and no scale-up, the burst of ${peak} runs in ${waves} waves of ${fmtMs(W)}: ` +
        `the last starts after ${fmtMs((waves - 1) * W)}, inside the ${fmtMs(timeoutMs)} timeout with 10% to spare, so at least ${toBeatTimeout} min workers avoid the timeouts even before the autoscaler adds any.`;
    }
  }

  const failures = rate(s, 'http_req_failed')?.trues ?? 0;
  const cold = (trend(s, 'http_req_duration{cold:true}')?.count ?? 0) || count(s, 'cold_starts');
  return {
    kind: 'min-workers',
    severity: failures > 0 || cold > 0 ? 'warn' : 'info',
    message,
    data: {
      lambda: round(lambda, 4),
      lambdaSource: load.source,
      windowMs: round(load.windowMs, 1),
      W: round(W, 3),
      wSource: st.source,
      L: round(L, 3),
      rawL: round(raw, 3),
      cappedAtPeak: capped,
      recommended,
      peakConcurrency: peak,
      timeoutMs: timeoutMs === null ? null : round(timeoutMs, 3),
      minWorkersForTimeout: toBeatTimeout,
    },
  };
}
