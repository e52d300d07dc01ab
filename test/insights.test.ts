import { describe, expect, it } from 'vitest';
import {
  clientQueueing,
  coldStarts,
  deriveInsights,
  droppedIterations,
  gatewayTimeout,
  minWorkers,
  rateLimited,
  retries,
  supplyDemand,
} from '../runner/insights/index.js';
import { fmtMs, fmtRange } from '../runner/insights/util.js';
import type { Insight, StageSummary, Summary, TrendSummary } from '../runner/results/types.js';
import { buildRunSummary, fieldReportRequests, trendMs, type Req } from './support/insight-summary.js';

const NO_RETRY = { retry: { configured: false, attempts: 1, statuses: [], errors: [] } };
const byKind = (list: Insight[], kind: string) => list.filter((i) => i.kind === kind);
const one = (list: Insight[], kind: string) => {
  const found = byKind(list, kind);
  expect(found, `one ${kind} finding`).toHaveLength(1);
  return found[0];
};
const severities = (list: Insight[]) => list.map((i) => i.severity);

/** n warm, successful requests in a closed loop of `vus`, each taking `ms`. */
function warmRun(n: number, vus: number, ms: number, extra: Partial<Req> = {}): Req[] {
  return Array.from({ length: n }, (_, i) => ({
    start: Math.floor(i / vus) * (ms + 100) + (i % vus),
    duration: ms + (i % 7) * 10,
    cold: false,
    ...extra,
  }));
}

describe('formatting', () => {
  it('turns ms into seconds from 1 s, rounded sensibly', () => {
    expect(fmtMs(85.4)).toBe('85 ms');
    expect(fmtMs(4.26)).toBe('4.3 ms');
    expect(fmtMs(1203)).toBe('1.2 s');
    expect(fmtMs(68_240)).toBe('68.2 s');
    expect(fmtMs(120_324)).toBe('120.3 s');
    expect(fmtRange(120_000, 120_800)).toBe('120.0–120.8 s');
    expect(fmtRange(1200, 1208)).toBe('1.200–1.208 s');
  });
});

describe('the field report (30 requests, 15 at once, 4 × 400 at 120.0–120.8 s)', () => {
  const summary = buildRunSummary(fieldReportRequests(), { peakVUs: 15, meta: NO_RETRY });
  const insights = deriveInsights(summary);

  it('orders findings fail, warn, info', () => {
    const rank = { fail: 0, warn: 1, info: 2 };
    const ranks = insights.map((i) => rank[i.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(insights[0].kind).toBe('gateway-timeout');
  });

  it('gateway-timeout: 4 × HTTP 400 clustered near 120 s, with the RunPod 2-minute rule', () => {
    const g = one(insights, 'gateway-timeout');
    expect(g.severity).toBe('fail');
    expect(g.message).toMatch(/^4 requests failed with HTTP 400 after 120\.\d s \(all within 120\.0–120\.8 s\)/);
    expect(g.message).toContain("RunPod's load balancer answers 400 when no worker took a request within 2 minutes");
    expect(g.data).toMatchObject({ status: 400, count: 4, knownLimit: 'runpod-lb-2min' });
    const d = g.data as { p10: number; p50: number; p90: number; clusterMs: number };
    expect(d.p50).toBeGreaterThan(119_900);
    expect(d.p50).toBeLessThan(121_000);
    expect(d.clusterMs).toBeCloseTo(d.p90 - d.p10, 1);
    expect(d.clusterMs).toBeLessThan(1000);
  });

  it('cold-starts: the share of cold responses and the penalty against warm p50', () => {
    const c = one(insights, 'cold-starts');
    expect(c.severity).toBe('warn');
    expect(c.message).toMatch(
      /^14 of 26 responses \(53\.8%\) came from a cold worker; cold p50 70\.\d s vs warm p50 30(\.0)? s: a cold start costs about 40(\.\d)? s\.$/,
    );
    const d = c.data as { coldCount: number; warmCount: number; share: number; coldP50: number; warmP50: number; penaltyMs: number };
    expect(d).toMatchObject({ coldCount: 14, warmCount: 12, share: 0.5385 });
    expect(d.penaltyMs).toBeCloseTo(d.coldP50 - d.warmP50, 1);
    expect(d.warmP50).toBeGreaterThan(29_000);
    expect(d.warmP50).toBeLessThan(31_000);
  });

  it('cold-starts: against the warm service time when warm responses queued at the balancer', () => {
    const summary = buildRunSummary(fieldReportRequests(), {
      peakVUs: 15,
      meta: { ...NO_RETRY, serverless: { preset: 'runpod', serviceTimes: { http_req_duration: { bound: 20_000, typical: 24_000 } } } },
    });
    const c = one(deriveInsights(summary), 'cold-starts');
    expect(c.message).toMatch(
      /cold p50 70\.\d s against a warm worker's service time of about 20(\.0)? s \(its fastest answers\): a cold start costs up to 5\d(\.\d)? s\./,
    );
    expect(c.message).toMatch(/Warm responses took p50 30(\.0)? s because they also waited at the balancer/);
    expect((c.data as { warmServiceMs: number }).warmServiceMs).toBe(20_000);
  });

  it('min-workers: the burst the plan offered, and the fewest warm workers that beat the timeout', () => {
    const m = one(insights, 'min-workers');
    expect(m.severity).toBe('warn');
    expect(m.data).toMatchObject({ basis: 'burst', burst: 15, recommended: 15 });
    expect(m.message).toMatch(/^The plan started a burst \(burst: 15 VUs at once\): 15 requests in flight at once need 15 warm workers/);
    expect(m.message).toContain('set min workers ≥ 15 for bursts this size');
    // waves of W_high (warm p90, ~34 s) must start within 90% of the 120 s timeout: 4 waves, so 4 workers
    const d = m.data as { wHigh: number; timeoutMs: number; minWorkersForTimeout: number };
    expect(d.wHigh).toBeGreaterThan(33_000);
    expect(d.wHigh).toBeLessThan(36_000);
    expect(d.minWorkersForTimeout).toBe(4);
    expect(m.message).toContain('at least 4 min workers avoid the timeouts');
  });

  it('min-workers: the advice follows the plan, not the throughput the workers allowed', () => {
    // the same burst, its requests finishing twice as fast: λ doubles, the advice does not move
    const fast = fieldReportRequests().map((r) => ({ ...r, duration: r.status === 400 ? r.duration : r.duration / 2 }));
    const m = one(deriveInsights(buildRunSummary(fast, { peakVUs: 15, meta: NO_RETRY })), 'min-workers');
    expect(m.data).toMatchObject({ recommended: 15, minWorkersForTimeout: 3 }); // the timeout bound moves with W, as it should
  });

  it('retries: suggests a retry because later requests succeeded', () => {
    const r = one(insights, 'retries');
    expect(r.severity).toBe('warn');
    expect(r.message).toMatch(/^4 requests failed with retryable errors \(http 400\) and retries were not configured/);
    expect(r.message).toContain("http: { retry: { statuses: [400, 429, 503], attempts: 3, backoff: '10s' } }");
    expect((r.data as { successesAfter: number }).successesAfter).toBeGreaterThan(0);
  });

  it('supply-demand: supply met demand after the last failure', () => {
    const s = one(insights, 'supply-demand');
    expect(s.severity).toBe('warn');
    expect(s.message).toMatch(/^Supply met demand 121 s into the run: from then on no request failed/);
    expect(s.data).toMatchObject({ tMs: 121_000 });
  });

  it('finds no client-side bottleneck, 429 or dropped iteration', () => {
    for (const kind of ['client-queueing', 'rate-limited', 'dropped-iterations']) expect(byKind(insights, kind)).toEqual([]);
  });
});

describe('the field report scaled by 0.01 (400s at 1.2 s)', () => {
  const insights = deriveInsights(buildRunSummary(fieldReportRequests(0.01), { peakVUs: 15, meta: NO_RETRY }));

  it('still finds the cluster, without the RunPod 2-minute sentence', () => {
    const g = one(insights, 'gateway-timeout');
    expect(g.severity).toBe('fail');
    expect(g.message).toMatch(/^4 requests failed with HTTP 400 after 1\.2 s \(all within 1\.200–1\.208 s\)/);
    expect(g.message).not.toContain('RunPod');
    expect(g.message).not.toContain('2 minutes');
    expect(g.data).toMatchObject({ status: 400, count: 4, knownLimit: null });
  });

  it('does not claim that later requests succeeded when 1 s intervals cannot tell', () => {
    const r = one(insights, 'retries');
    expect(r.severity).toBe('info');
    expect(r.message).toContain('does not show whether a retry would have succeeded');
  });
});

describe('quiet runs', () => {
  it('all warm, no failures: no fail or warn finding', () => {
    const insights = deriveInsights(buildRunSummary(warmRun(60, 10, 300), { peakVUs: 10 }));
    expect(severities(insights).filter((s) => s !== 'info')).toEqual([]);
    expect(one(insights, 'cold-starts').message).toMatch(/^No response came from a cold worker: all 60 responses/);
  });

  it('a plain fast API gets no min-workers advice', () => {
    const reqs = warmRun(200, 10, 20).map(({ cold: _, ...r }) => r);
    expect(minWorkers(buildRunSummary(reqs, { peakVUs: 10 }))).toBeNull();
    expect(deriveInsights(buildRunSummary(reqs, { peakVUs: 10 }))).toEqual([]);
  });
});

describe('gateway-timeout', () => {
  it('states the RunPod rule directly when the run used the RunPod preset', () => {
    const g = gatewayTimeout(buildRunSummary(fieldReportRequests(), { peakVUs: 15, meta: { serverless: { preset: 'runpod' } } }))!;
    expect(g[0].message).toMatch(/ not the backend's own latency \(successful responses took p50 [\d.]+ s\)\. RunPod's load balancer answers 400/);
    expect(g[0].message).not.toContain('If the target is');
  });

  it('spread-out failures are not a timeout cluster', () => {
    const reqs: Req[] = [
      ...warmRun(20, 5, 1000),
      ...[5_000, 30_000, 60_000, 100_000].map((d, i) => ({ start: i * 100, duration: d, status: 400 })),
      ...[800, 2_500, 9_000].map((d, i) => ({ start: i * 100, duration: d, status: 503 })),
    ];
    const summary = buildRunSummary(reqs, { peakVUs: 5 });
    expect(gatewayTimeout(summary)).toBeNull();
    expect(byKind(deriveInsights(summary), 'gateway-timeout')).toEqual([]);
  });

  it('client timeouts at the same elapsed time are a cluster of their own', () => {
    const reqs: Req[] = [...warmRun(10, 5, 500), ...[0, 1, 2].map((i) => ({ start: i, duration: 10_000 + i * 3, error: 'timeout' as const }))];
    const found = gatewayTimeout(buildRunSummary(reqs, { peakVUs: 5 }));
    expect(found).toHaveLength(1);
    expect(found![0].message).toMatch(/^3 requests timed out after 10(\.0)? s .*rampart's request timeout or a gateway's/);
    expect(found![0].data).toMatchObject({ status: null, error: 'timeout', count: 3 });
  });

  it('a single failure is not a cluster', () => {
    expect(gatewayTimeout(buildRunSummary([...warmRun(5, 5, 500), { start: 0, duration: 120_000, status: 400 }]))).toBeNull();
  });

  it('fast errors near zero are not a cut-off (a 401 in 0.2 ms), with or without successes', () => {
    const fast401 = Array.from({ length: 500 }, (_, i) => ({ start: i * 2, duration: 0.1 + (i % 5) * 0.05, status: 401 }));
    expect(gatewayTimeout(buildRunSummary(fast401, { peakVUs: 2 }))).toBeNull();
    const fast503 = Array.from({ length: 50 }, (_, i) => ({ start: i * 20, duration: 5 + (i % 3), status: 503 }));
    expect(gatewayTimeout(buildRunSummary([...warmRun(50, 5, 200), ...fast503], { peakVUs: 5 }))).toBeNull();
  });

  it('a tight cluster faster than the successful responses is not a cut-off', () => {
    // an app that rejects in a constant 300 ms while its successes take 1 s
    const rejects = Array.from({ length: 20 }, (_, i) => ({ start: i * 50, duration: 300 + (i % 4), status: 429 }));
    expect(gatewayTimeout(buildRunSummary([...warmRun(40, 5, 1000), ...rejects], { peakVUs: 5 }))).toBeNull();
  });

  it('a 504 at 1 s with no success at all is a cut-off; the message names the successes when there are some', () => {
    const cut = Array.from({ length: 6 }, (_, i) => ({ start: i * 10, duration: 1000 + i * 3, status: 504 }));
    const alone = gatewayTimeout(buildRunSummary(cut, { peakVUs: 3 }))!;
    expect(alone[0].message).toMatch(/^6 requests failed with HTTP 504 after 1(\.0\d)? s .*not the backend's own latency\.$/);
    expect(alone[0].data).toMatchObject({ status: 504, count: 6, successP50: null });
    const mixed = gatewayTimeout(buildRunSummary([...warmRun(20, 5, 200), ...cut], { peakVUs: 5 }))!;
    expect(mixed[0].message).toMatch(/\(successful responses took p50 2\d\d ms\)\.$/);
  });

  it("rampart's own timeout is a limit whatever its value (50 ms)", () => {
    const reqs: Req[] = [...warmRun(10, 5, 500), ...[0, 1, 2].map((i) => ({ start: i, duration: 50 + i, error: 'timeout' as const }))];
    expect(gatewayTimeout(buildRunSummary(reqs, { peakVUs: 5 }))).toHaveLength(1);
  });
});

describe('rate-limited', () => {
  it('reports 429s with their share and the retry advice', () => {
    const reqs: Req[] = [...warmRun(90, 10, 200), ...Array.from({ length: 10 }, (_, i) => ({ start: 1000 + i * 10, duration: 15, status: 429 }))];
    const insights = deriveInsights(buildRunSummary(reqs, { peakVUs: 10, meta: NO_RETRY }));
    const r = one(insights, 'rate-limited');
    expect(r.severity).toBe('warn');
    expect(r.message).toMatch(/^10 requests of 100 \(10%\) were rate-limited with HTTP 429, the first 2 s into the run\./);
    expect(r.message).toContain('Retries were not configured');
    expect(r.data).toMatchObject({ count: 10, total: 100, share: 0.1, retryConfigured: false, retried429: false });
  });

  it('says when retries covered 429', () => {
    const reqs: Req[] = [...warmRun(18, 6, 200), { start: 0, duration: 10, status: 429 }, { start: 5, duration: 10, status: 429 }];
    const summary = buildRunSummary(reqs, {
      peakVUs: 6,
      meta: { retry: { configured: true, attempts: 3, statuses: [429, 503], errors: ['timeout'] } },
      metrics: { http_calls_rescued: { type: 'counter', count: 2, rate: 0.5 } },
    });
    const r = rateLimited(summary)!;
    expect(r.message).toContain('Retries were configured for 429');
    expect(r.message).toContain('2 calls succeeded thanks to a retry');
  });
});

describe('client-queueing', () => {
  it('flags requests that waited for a free connection inside rampart', () => {
    const reqs = warmRun(100, 10, 200).map((r, i) => ({ ...r, blocked: i % 10 < 8 ? 1 : 85 }));
    const insights = deriveInsights(buildRunSummary(reqs, { peakVUs: 10 }));
    const c = one(insights, 'client-queueing');
    expect(c.severity).toBe('warn');
    expect(c.message).toMatch(/^Requests waited up to 85 ms \(p95; max 85 ms\) for a free connection inside rampart \(10 connections per origin\)/);
    expect(c.message).toContain('http_req_waiting');
    // the limit is max(10 ms, 5% of the median request)
    const d = c.data as { causes: string[]; blockedLimitMs: number };
    expect(d.causes).toEqual(['http_req_blocked']);
    const median = (buildRunSummary(reqs).metrics.http_req_duration as TrendSummary).med;
    expect(d.blockedLimitMs).toBeCloseTo(Math.max(10, 0.05 * median), 1);
  });

  it('one slow interval (start-up) is not event-loop lag; two of three are', () => {
    const run = (lags: number[]) =>
      clientQueueing(buildRunSummary(warmRun(20, 5, 100), { peakVUs: 5, metrics: { event_loop_delay: trendMs(lags) } }));
    expect(run([120, 3, 2])).toBeNull();
    expect(run([Array(30).fill(2), 120].flat())).toBeNull();
    expect(run([120, 80, 2])!.data).toMatchObject({ causes: ['event_loop_delay'], laggingIntervals: 2, intervals: 3 });
  });

  it('15 VUs on 15 connections: start-up waits of 11 ms are not queueing', () => {
    // the first request of each VU waited 11 ms (p95 of 200 requests), never more VUs than connections
    const reqs = warmRun(200, 15, 40).map((r, i) => ({ ...r, blocked: i < 15 ? 11 : 0.1 }));
    const summary = buildRunSummary(reqs, { peakVUs: 15 });
    expect(summary.meta).toMatchObject({ peakVUs: 15, connectionsPerOrigin: 15 });
    expect(clientQueueing(summary)).toBeNull();
  });

  it('more requests in flight than connections: a 12 ms wait is queueing', () => {
    const reqs = warmRun(200, 15, 100).map((r, i) => ({ ...r, blocked: i % 4 === 0 ? 12 : 0.1 }));
    const c = clientQueueing(buildRunSummary(reqs, { peakVUs: 15, meta: { connectionsPerOrigin: 5 } }))!;
    expect(c.message).toMatch(
      /^Requests waited up to 12 ms \(p95; max 12 ms\) for a free connection inside rampart \(5 connections per origin, up to 15 requests or VUs at once\)/,
    );
    expect(c.data).toMatchObject({ causes: ['http_req_blocked'], connectionsPerOrigin: 5, peakConcurrency: 15 });
  });

  it('a short wait against slow requests is not a bottleneck (5% of p50)', () => {
    const reqs = warmRun(50, 10, 30_000).map((r) => ({ ...r, blocked: 200 }));
    expect(clientQueueing(buildRunSummary(reqs, { peakVUs: 10 }))).toBeNull();
  });

  it('names event-loop lag and a saturated S3 pool', () => {
    const summary = buildRunSummary(warmRun(20, 5, 100), {
      peakVUs: 5,
      metrics: {
        event_loop_delay: trendMs([...Array(85).fill(12), ...Array(3).fill([180, 190, 200, 210, 220]).flat()]),
        s3_pool_saturated: { type: 'counter', count: 37, rate: 1 },
        s3_pool_wait: trendMs(Array(37).fill(40)),
      },
    });
    const c = clientQueueing(summary)!;
    expect(c.data).toMatchObject({ causes: ['event_loop_delay', 's3_pool_saturated'], s3PoolSaturated: 37 });
    expect(c.message).toMatch(/^Rampart's event loop lagged 2\d\d ms \(p99; over 50 ms in 15 of 100 interval samples\)/);
    expect(c.message).toContain("The S3 client's connection pool was full 37 times (p95 wait 40 ms).");
  });
});

describe('retries', () => {
  it('rescued calls are an info finding', () => {
    const summary = buildRunSummary(warmRun(40, 10, 300), {
      peakVUs: 10,
      meta: { retry: { configured: true, attempts: 3, statuses: [503], errors: [] } },
      metrics: {
        http_retries: { type: 'counter', count: 12, rate: 1 },
        http_calls_rescued: { type: 'counter', count: 7, rate: 1 },
        http_call_failed: { type: 'rate', trues: 1, falses: 39, rate: 0.025 },
      },
    });
    const r = retries(summary)!;
    expect(r).toMatchObject({ kind: 'retries', severity: 'info' });
    expect(r.message).toBe('7 calls succeeded only thanks to a retry (12 extra attempts); 1 call still failed after every attempt.');
    expect(r.data).toMatchObject({ rescued: 7, extraAttempts: 12, callsFailed: 1 });
  });

  it('a retry policy that does not cover the gateway 400 gets the status added', () => {
    const meta = { retry: { configured: true, attempts: 4, statuses: [429, 502, 503, 504], errors: ['timeout'] } };
    const r = retries(buildRunSummary(fieldReportRequests(), { peakVUs: 15, meta }))!;
    expect(r.severity).toBe('warn');
    expect(r.message).toContain('(http 400) and the retry policy does not cover them');
    expect(r.message).toContain("http: { retry: { statuses: [400, 429, 502, 503, 504], errors: ['timeout'], attempts: 4, backoff: '10s' } }");
  });

  it('failures the policy covers, never retried, are left alone', () => {
    const reqs: Req[] = [...warmRun(20, 5, 300), { start: 0, duration: 30, status: 503 }, { start: 2000, duration: 30, status: 503 }];
    const meta = { retry: { configured: true, attempts: 1, statuses: [503], errors: [] } };
    expect(retries(buildRunSummary(reqs, { peakVUs: 5, meta }))).toBeNull();
  });

  it('no success at all (a closed port): no claim about retries', () => {
    const refused: Req[] = Array.from({ length: 3000 }, (_, i) => ({ start: i, duration: 0.3, error: 'connect' as const }));
    expect(retries(buildRunSummary(refused, { peakVUs: 2, meta: NO_RETRY }))).toBeNull();
  });

  it('counts successes exactly, not from the rounded rps of a partial interval', () => {
    // the last interval: 7 failures and no success, its rps read one too high (rounded to 0.1/s over a short interval)
    const reqs: Req[] = [
      ...warmRun(20, 5, 100),
      { start: 0, duration: 30, status: 503 },
      ...Array.from({ length: 7 }, (_, i) => ({ start: 1100 + i * 30, duration: 40, status: 503 })),
    ];
    const summary = buildRunSummary(reqs, { peakVUs: 5, meta: NO_RETRY });
    summary.timeline[summary.timeline.length - 1].rps = 8;
    const r = retries(summary)!;
    expect((r.data as { successesAfter: number }).successesAfter).toBe(0);
    expect(r.message).not.toMatch(/succeeded \(/);
  });

  it("says which of http_req_failed's failures it counts", () => {
    const reqs: Req[] = [
      ...warmRun(20, 5, 100),
      ...[0, 1].map((i) => ({ start: i, duration: 30, status: 503 })),
      ...[0, 1, 2].map((i) => ({ start: 10 + i, duration: 20, status: 404 })),
    ];
    const r = retries(buildRunSummary(reqs, { peakVUs: 5, meta: NO_RETRY }))!;
    expect(r.message).toMatch(/^2 of the 5 failed requests \(http_req_failed\) had retryable errors \(http 503\)/);
    expect(r.data).toMatchObject({ failed: 2, failedAll: 5 });
  });

  it('retries that rescued nothing name the failed attempts http_req_failed counts', () => {
    const reqs: Req[] = Array.from({ length: 30 }, (_, i) => ({ start: i * 30, duration: 1, status: 503 }));
    const summary = buildRunSummary(reqs, {
      peakVUs: 2,
      meta: { retry: { configured: true, attempts: 3, statuses: [503], errors: [] } },
      metrics: {
        http_retries: { type: 'counter', count: 20, rate: 1 },
        http_call_failed: { type: 'rate', trues: 10, falses: 0, rate: 1 },
      },
    });
    const r = retries(summary)!;
    expect(r.message).toBe(
      'Retries made 20 extra attempts but rescued no call: 10 calls failed after every attempt ' +
        '(http_req_failed counts each failed attempt: 30 in all); the failures were not transient within the backoff.',
    );
    expect(r.message).not.toMatch(/succe(ss|eded) \(/);
  });

  it('non-retryable failures get no suggestion', () => {
    const reqs: Req[] = [...warmRun(20, 5, 300), { start: 0, duration: 30, status: 404 }, { start: 2000, duration: 30, status: 404 }];
    expect(retries(buildRunSummary(reqs, { peakVUs: 5, meta: NO_RETRY }))).toBeNull();
  });
});

describe('serverless jobs and the monitor', () => {
  it('splits job time into queue and execution', () => {
    const summary: Summary = buildRunSummary(warmRun(20, 5, 1000), {
      peakVUs: 5,
      metrics: {
        job_queue_time: trendMs([...Array(10).fill(45_000), ...Array(10).fill(2_000)]),
        job_execution_time: trendMs(Array(20).fill(8_000)),
      },
    });
    const jobs = (coldStarts(summary) ?? []).find((i) => i.data.variant === 'jobs')!;
    expect(jobs.severity).toBe('info');
    expect(jobs.message).toMatch(/^Jobs waited p50 2(\.0)? s \(p95 45(\.0)? s\) in the queue and ran p50 8(\.0)? s/);
    expect(jobs.message).toContain('the model is the slow part');
  });

  it('uses jobs_in_queue and workers_seen from the monitor', () => {
    const reqs = warmRun(40, 4, 1000);
    const summary = buildRunSummary(reqs, {
      peakVUs: 4,
      gauges: (t) => ({ jobs_in_queue: t <= 4000 ? 3 : 0, workers_seen: Math.min(4, Math.ceil(t / 2000)) }),
    });
    const s = supplyDemand(summary)!;
    expect(s.severity).toBe('info'); // requests waited, none failed
    expect(s.message).toMatch(/^Supply met demand 4 s into the run: from then on no request failed or waited at the balancer/);
    expect(s.message).toContain('The last new worker appeared 7 s in (4 workers seen in all).');
    expect(s.data).toMatchObject({ tMs: 4000, workersSeen: 4, workersStableMs: 7000, queueMonitored: true });
  });
});

describe('dropped-iterations', () => {
  it('explains dropped arrivals with the in-flight need', () => {
    const summary = buildRunSummary(warmRun(100, 20, 2000), {
      peakVUs: 20,
      metrics: {
        dropped_iterations: { type: 'counter', count: 25, rate: 2 },
        iteration_duration: trendMs(Array(100).fill(2000)),
      },
    });
    summary.timeline[2].dropped = 25;
    const d = droppedIterations(summary)!;
    expect(d.severity).toBe('warn');
    expect(d.message).toMatch(
      /^25 iterations of 125 planned \(20%\) were dropped, the first 3 s into the run \(mostly in stage 0: burst: 20 VUs at once\)/,
    );
    expect(d.data).toMatchObject({ dropped: 25, planned: 125, share: 0.2, peakVUs: 20 });
  });

  /** A soak at `rate`/s with `maxVUs`, iterations of `iterMs` (p95 `iterP95`), `dropped` of them dropped. */
  function openSoak(rate: number, maxVUs: number, iterMs: number, iterP95: number, done: number, dropped: number): Summary {
    const summary = buildRunSummary(warmRun(done, maxVUs, iterMs), {
      peakVUs: maxVUs,
      metrics: {
        dropped_iterations: { type: 'counter', count: dropped, rate: 1 },
        iterations: { type: 'counter', count: done, rate: 1 },
        iteration_duration: trendMs(Array.from({ length: 100 }, (_, i) => (i < 90 ? iterMs : iterP95))),
      },
    });
    summary.timeline[0].dropped = dropped;
    summary.stages = [
      {
        index: 0,
        kind: 'soak',
        description: `soak ${rate} it/s (maxVUs ${maxVUs})`,
        startMs: 0,
        durationMs: summary.durationMs,
        offered: { executor: 'arrival-rate', fromRate: rate, toRate: rate, maxVUs },
      } as NonNullable<Summary['stages']>[number],
    ];
    return summary;
  }

  it('maxVUs 1 with an average need of 0.9: never "raise maxVUs above 0.9"', () => {
    const d = droppedIterations(openSoak(50, 1, 18, 30, 90, 10))!;
    expect(d.message).toContain("The plan's 50 arrivals/s × iteration p50 18 ms ≈ 0.9 in flight on average");
    expect(d.message).toContain('within maxVUs 1, but the slower iterations (p95 30 ms) need ≈ 1.5: raise maxVUs to at least 2');
    expect(d.message).not.toMatch(/above (that|0\.9)/);
    expect(d.data).toMatchObject({ maxVUs: 1, recommendedMaxVUs: 2, rateSource: 'plan' });
  });

  it('a need above maxVUs advises a number above maxVUs', () => {
    const d = droppedIterations(openSoak(50, 1, 100, 110, 18, 82))!;
    expect(d.message).toContain("≈ 5 in flight on average (Little's law, L = λW), more than maxVUs 1: raise maxVUs to at least 6");
    expect((d.data as { recommendedMaxVUs: number }).recommendedMaxVUs).toBeGreaterThan(1);
  });

  it('an open burst at once needs as many VUs as arrivals', () => {
    const summary = openSoak(10, 5, 100, 200, 5, 15);
    summary.stages![0] = { ...summary.stages![0], offered: { executor: 'arrival-burst', iterations: 20, overMs: 0, maxVUs: 5 } } as NonNullable<
      Summary['stages']
    >[number];
    const d = droppedIterations(summary)!;
    expect(d.message).toContain('A burst of 20 arrivals at once needs 20 VUs at once: raise maxVUs to 20');
    expect(d.data).toMatchObject({ maxVUs: 5, recommendedMaxVUs: 20 });
  });

  it('a need within maxVUs even at p95 advises no number', () => {
    const d = droppedIterations(openSoak(10, 5, 100, 200, 95, 5))!;
    expect(d.message).toContain('both within maxVUs 5');
    expect(d.message).toContain('the run does not support a number');
    expect(d.data).toMatchObject({ recommendedMaxVUs: null });
  });
});

describe('serverless findings hold their premises', () => {
  const RAMP: StageSummary[] = [
    {
      index: 0,
      kind: 'ramp',
      description: 'ramp 0 → 15 VUs over 6s',
      startMs: 0,
      durationMs: 6000,
      offered: { executor: 'vu-levels', fromVUs: 0, toVUs: 15 },
    },
    {
      index: 1,
      kind: 'soak',
      description: 'soak 15 VUs for 3s',
      startMs: 6000,
      durationMs: 3000,
      offered: { executor: 'vu-levels', fromVUs: 15, toVUs: 15 },
    },
  ];

  it('a closed port (no worker identity): no supply or worker-count talk, even with the RunPod preset', () => {
    const refused = Array.from({ length: 400 }, (_, i) => ({ start: i * 5, duration: 0.3, error: 'connect' as const }));
    const summary = buildRunSummary(refused, { peakVUs: 2, meta: { ...NO_RETRY, serverless: { preset: 'runpod', serviceTimes: {} } } });
    expect(supplyDemand(summary)).toBeNull();
    expect(minWorkers(summary)).toBeNull();
  });

  it('plain nginx with slow answers (no worker identity): no supply or min-workers finding', () => {
    const reqs = warmRun(60, 10, 1500).map(({ cold: _, ...r }, i) => (i % 10 === 0 ? { ...r, status: 504 } : r));
    const summary = buildRunSummary(reqs, { peakVUs: 10, meta: NO_RETRY });
    expect(supplyDemand(summary)).toBeNull();
    expect(minWorkers(summary)).toBeNull();
  });

  it('a ramp with failures: no number from a closed loop, and no talk of a burst', () => {
    const reqs = fieldReportRequests(); // same requests, but offered as a ramp
    const m = minWorkers(buildRunSummary(reqs, { peakVUs: 15, meta: NO_RETRY, stages: RAMP }))!;
    expect(m.severity).toBe('info');
    expect(m.data).toMatchObject({ basis: 'closed-loop', recommended: null, vus: 15 });
    expect(m.message).toMatch(/^This run cannot size min workers: its load was a closed loop \(ramp 0 → 15 VUs over 6s\)/);
    expect(m.message).not.toMatch(/burst of|≥ \d/);
  });

  it('a healthy ramp (cold starts, no failure): no min-workers finding, and supply-demand only informs', () => {
    const reqs = warmRun(80, 8, 1000).map((r, i) => ({ ...r, cold: i < 5 }));
    const summary = buildRunSummary(reqs, {
      peakVUs: 8,
      stages: RAMP,
      metrics: { cold_starts: { type: 'counter', count: 5, rate: 0.5 } },
      gauges: () => ({ jobs_in_queue: 3, workers_seen: 5 }),
    });
    expect(minWorkers(summary)).toBeNull();
    const s = supplyDemand(summary)!;
    expect(s.severity).toBe('info');
    expect(s.message).toMatch(/^No request failed, but requests waited at the balancer for a worker until the run's last interval with traffic/);
    expect(s.message).not.toMatch(/\bjobs?\b/);
  });

  it('an open-model rate: Little’s law on the planned rate', () => {
    const reqs = warmRun(60, 4, 2000);
    const stages: StageSummary[] = [
      {
        index: 0,
        kind: 'soak',
        description: 'soak 2 it/s for 30s (maxVUs 10)',
        startMs: 0,
        durationMs: 30_000,
        offered: { executor: 'arrival-rate', fromRate: 2, toRate: 2, maxVUs: 10 },
      },
    ];
    const summary = buildRunSummary(
      reqs.map((r, i) => ({ ...r, cold: i < 2 })),
      { peakVUs: 10, stages, metrics: { cold_starts: { type: 'counter', count: 2, rate: 0.1 } } },
    );
    const m = minWorkers(summary)!;
    expect(m.data).toMatchObject({ basis: 'rate', lambda: 2 });
    const d = m.data as { L: number; W: number; recommended: number };
    expect(d.L).toBeCloseTo((2 * d.W) / 1000, 2);
    expect(d.recommended).toBe(Math.ceil(d.L));
    expect(m.message).toMatch(
      /^The plan offered 2 iterations\/s \(soak 2 it\/s for 30s \(maxVUs 10\)\) = 2 requests\/s; × warm response time 2\.\d+ s = 4\.\d+ workers busy/,
    );
  });

  it('all warm and nothing failed: nothing to size', () => {
    expect(minWorkers(buildRunSummary(warmRun(60, 10, 300), { peakVUs: 10 }))).toBeNull();
  });

  it('queue mode: cold and warm jobs come from the job trends, in jobs', () => {
    const summary = buildRunSummary(warmRun(20, 5, 300), {
      peakVUs: 5,
      metrics: {
        jobs: { type: 'counter', count: 20, rate: 2 },
        cold_starts: { type: 'counter', count: 5, rate: 0.5 },
        'job_total_time{cold:true}': trendMs([900, 950, 1000, 1100, 1200]),
        'job_total_time{cold:false}': trendMs(Array(15).fill(400)),
      },
      gauges: (t) => ({ jobs_in_queue: t <= 1000 ? 5 : 0, workers_seen: 5 }),
    });
    const c = (coldStarts(summary) ?? []).filter((i) => i.data.unit === 'jobs');
    expect(c).toHaveLength(1);
    expect(c[0].message).toMatch(
      /^5 of 20 jobs \(25%\) came from a cold worker; cold p50 1(\.0)? s vs warm p50 400 ms: a cold start costs about 600 ms\.$/,
    );
    expect(JSON.stringify(coldStarts(summary))).not.toContain('did not tag');
    const s = supplyDemand(summary)!;
    expect(s.message).toContain('no job waited in the queue');
  });
});

describe('a capacity sweep holds the premises of min-workers and dropped-iterations', () => {
  const LIMITS = { errorRate: 0.01, goodput: 0.95, dropped: 0.01 };
  /** a sweep of 4 rates (2, 4, 6, 8 /s) that stopped after the 2nd (it dropped arrivals); `extra` stages after it */
  function stoppedSweep(extra: StageSummary[] = []): Summary {
    const rates = [2, 4, 6, 8];
    const stages: StageSummary[] = rates.map((r, i) => ({
      index: i,
      kind: 'sweep',
      description: `sweep ${r} it/s for 15s (maxVUs 10)`,
      startMs: i * 15_000,
      durationMs: 15_000,
      offered: { executor: 'arrival-rate', fromRate: r, toRate: r, maxVUs: 10, sweep: { step: i + 1, of: 4, first: 0, limits: LIMITS } },
    }));
    const reqs = warmRun(60, 4, 2000).map((r, i) => ({ ...r, cold: i < 2 }));
    const summary = buildRunSummary(reqs, {
      peakVUs: 10,
      stages: [...stages, ...extra],
      metrics: { cold_starts: { type: 'counter', count: 2, rate: 0.1 }, dropped_iterations: { type: 'counter', count: 12, rate: 0.4 } },
    });
    const half = Math.floor(summary.timeline.length / 2);
    summary.timeline.forEach((p, i) => {
      p.stage = i < half ? 0 : 1;
    });
    summary.timeline[half + 1].dropped = 12; // the 2nd rate dropped, so the sweep stopped: rates 6 and 8 never ran
    return summary;
  }

  it('min-workers sizes for the highest rate that ran, never a planned step that did not', () => {
    const m = minWorkers(stoppedSweep())!;
    expect(m.data).toMatchObject({ basis: 'rate', lambda: 4, stage: 1 });
    expect(m.message).toMatch(/^The plan offered 4 iterations\/s \(sweep 4 it\/s/);
    expect(m.message).not.toMatch(/\b[68] iterations\/s/);
  });

  it('dropped-iterations leaves drops past the knee to sweep-capacity', () => {
    expect(droppedIterations(stoppedSweep())).toBeNull();
  });

  it('drops outside the sweep are still explained, counted without the sweep’s', () => {
    const soak: StageSummary = {
      index: 4,
      kind: 'soak',
      description: 'soak 3 it/s for 10s (maxVUs 2)',
      startMs: 60_000,
      durationMs: 10_000,
      offered: { executor: 'arrival-rate', fromRate: 3, toRate: 3, maxVUs: 2 },
    };
    const summary = stoppedSweep([soak]);
    (summary.metrics.dropped_iterations as { count: number }).count = 17;
    const last = summary.timeline[summary.timeline.length - 1];
    last.stage = 4;
    last.dropped = 5;
    const d = droppedIterations(summary)!;
    expect(d.data).toMatchObject({ dropped: 5, stage: 4, maxVUs: 2, rateSource: 'plan', rate: 3 });
    expect(d.message).toContain('(mostly in stage 4: soak 3 it/s');
  });
});
