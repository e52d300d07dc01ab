/**
 * client-queueing (warn): the load generator itself was a bottleneck.
 *
 * Any of: `http_req_blocked` p95 > max(10 ms, 5% of http_req_duration p50) with a reason to
 * wait: more requests in flight (or VUs) than connections per origin at some point, or waits
 * too long to be start-up jitter (p95 > max(50 ms, 25% of p50)) (requests waited for a free
 * connection inside rampart); `event_loop_delay` (each thread's p99 lag per interval) above
 * 50 ms in at least 2 intervals and 10% of them (rampart's threads were too busy to send and
 * time requests promptly; one slow interval is start-up, not load); `s3_pool_saturated`
 * count > 0 (the S3 client's connection pool was full).
 */
import type { Insight, Summary } from '../results/types.js';
import { count, fmtMs, peakConcurrency, percentiles, plural, round, shareAbove, trend } from './util.js';

export const BLOCKED_MIN_MS = 10;
export const BLOCKED_SHARE_OF_P50 = 0.05;
/** Waits this long are real even when the run never had more requests than connections. */
export const REAL_WAIT_MIN_MS = 50;
export const REAL_WAIT_SHARE_OF_P50 = 0.25;
export const LOOP_DELAY_P99_MS = 50;
/** Lag must last: in this many intervals at least, and this share of them. */
export const LOOP_LAGGING_MIN_INTERVALS = 2;
export const LOOP_LAGGING_MIN_SHARE = 0.1;

/** What each cause adds: a sentence, its data, its name. */
interface Findings {
  parts: string[];
  data: Record<string, unknown>;
  causes: string[];
}

export function clientQueueing(s: Summary): Insight | null {
  const causes: string[] = [];
  const f: Findings = { parts: [], data: { causes }, causes };
  blockedCause(s, f);
  loopCause(s, f);
  s3Cause(s, f);
  if (!causes.length) return null;
  const sound = causes.includes('event_loop_delay')
    ? 'Latencies of the target are over-stated: lower the load per thread (more --workers) before trusting them.'
    : causes.includes('http_req_blocked')
      ? "http_req_duration includes this wait, so it over-states the target; http_req_waiting (time to first byte) is still the target's own. Raise the connection limit or lower concurrency."
      : 'The HTTP measurements are unaffected, but S3 operations queued in the client: raise the S3 pool size (maxSockets).';
  const [first, ...rest] = f.parts;
  return {
    kind: 'client-queueing',
    severity: 'warn',
    message: [first.charAt(0).toUpperCase() + first.slice(1), ...rest, sound].join(' '),
    data: f.data,
  };
}

/** Requests waited for a free connection inside rampart. */
function blockedCause(s: Summary, { parts, data, causes }: Findings): void {
  const blocked = trend(s, 'http_req_blocked');
  if (!blocked) return;
  const duration = trend(s, 'http_req_duration');
  const [b95, bMax] = percentiles(blocked, [95, 100]) ?? [blocked.p95, blocked.max];
  const d50 = duration ? (percentiles(duration, [50])?.[0] ?? duration.med) : null;
  const limit = Math.max(BLOCKED_MIN_MS, d50 !== null ? BLOCKED_SHARE_OF_P50 * d50 : 0);
  const realWait = Math.max(REAL_WAIT_MIN_MS, d50 !== null ? REAL_WAIT_SHARE_OF_P50 * d50 : 0);
  const connections = typeof s.meta?.connectionsPerOrigin === 'number' ? (s.meta.connectionsPerOrigin as number) : null;
  const peak = peakConcurrency(s);
  // a request waits for a connection only when more were in flight than the pool holds
  const oversubscribed = connections !== null && peak !== null && peak > connections;
  data.blockedP95 = round(b95, 3);
  data.blockedLimitMs = round(limit, 3);
  data.realWaitMs = round(realWait, 3);
  data.peakConcurrency = peak;
  data.connectionsPerOrigin = connections;
  if (!(b95 > limit && (oversubscribed || b95 > realWait))) return;
  causes.push('http_req_blocked');
  const conns =
    connections !== null
      ? ` (${plural(connections, 'connection')} per origin` + `${oversubscribed ? `, up to ${peak} requests or VUs at once` : ''})`
      : '';
  parts.push(
    `Requests waited up to ${fmtMs(b95)} (p95; max ${fmtMs(bMax)}) for a free connection inside rampart${conns}` +
      `${d50 !== null ? `, against a median request of ${fmtMs(d50)}` : ''}.`,
  );
}

/** rampart's event loop lagged in enough intervals to be load, not start-up. */
function loopCause(s: Summary, { parts, data, causes }: Findings): void {
  const loop = trend(s, 'event_loop_delay');
  if (!loop) return;
  const l99 = percentiles(loop, [99])?.[0] ?? loop.p99;
  const share = shareAbove(loop, LOOP_DELAY_P99_MS) ?? (l99 > LOOP_DELAY_P99_MS ? 1 : 0);
  const lagging = Math.round(share * loop.count);
  data.eventLoopP99 = round(l99, 3);
  data.laggingIntervals = lagging;
  data.intervals = loop.count;
  if (!(l99 > LOOP_DELAY_P99_MS && lagging >= LOOP_LAGGING_MIN_INTERVALS && share >= LOOP_LAGGING_MIN_SHARE)) return;
  causes.push('event_loop_delay');
  parts.push(
    `rampart's event loop lagged ${fmtMs(l99)} (p99; over ${fmtMs(LOOP_DELAY_P99_MS)} in ${lagging} of ${loop.count} interval samples), ` +
      'so requests went out late and timings include that lag.',
  );
}

/** The S3 client's connection pool was full. */
function s3Cause(s: Summary, { parts, data, causes }: Findings): void {
  const saturated = count(s, 's3_pool_saturated');
  if (saturated <= 0) return;
  causes.push('s3_pool_saturated');
  data.s3PoolSaturated = saturated;
  const wait = trend(s, 's3_pool_wait');
  const w95 = wait ? (percentiles(wait, [95])?.[0] ?? wait.p95) : null;
  if (w95 !== null) data.s3PoolWaitP95 = round(w95, 3);
  parts.push(`The S3 client's connection pool was full ${plural(saturated, 'time')}${w95 !== null ? ` (p95 wait ${fmtMs(w95)})` : ''}.`);
}
