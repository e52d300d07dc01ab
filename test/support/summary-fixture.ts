import { clampedPercentileUs, createHistogram } from '../../runner/metrics/hdr.js';
import { mulberry32 } from '../../shared/random.js';
/**
 * A realistic Summary built from real hdr-histogram-js histograms, for reporter tests (and
 * anyone else who needs a results file): a serverless-style run where the first seconds hit
 * cold workers (multi-second latencies), then warm ones answer in tens of ms. It has a failing
 * and a passing threshold, checks (one failing), insights, gauges, errors by kind and one
 * interval HDR per timeline point whose sum equals the whole-run histogram.
 *
 * Deterministic: a seeded generator, so every call returns the same numbers.
 */
import * as hdr from 'hdr-histogram-js';
import type { Summary, TimelinePoint, TrendSummary, ThresholdResult } from '../../runner/results/types.js';

export interface FixtureOptions {
  /** timeline length in seconds (one point per second); default 12 */
  seconds?: number;
  /** requests per second; default 40 */
  rps?: number;
  /** first seconds whose requests hit cold workers; default 3 */
  coldSeconds?: number;
  /** replace the thresholds (default: one failing p(95), passing others) */
  thresholds?: Summary['thresholds'];
  /** replace the checks */
  checks?: Summary['checks'];
  scenarioName?: string;
  profile?: string | null;
}

export type Histogram = hdr.Histogram;

export const newHistogram = createHistogram;

/**
 * Trend statistics (ms) and compressed HDR (µs) of a histogram recorded in integer µs, computed
 * as the runner does: min and max are the extremes (p0 and the recorded max, zeros included),
 * and every percentile and the mean lie within them.
 */
export function trendOf(h: Histogram): TrendSummary {
  const ms = (us: number) => Math.round(us) / 1000;
  const empty = h.totalCount === 0;
  const minUs = empty ? 0 : h.getValueAtPercentile(0);
  const maxUs = empty ? 0 : h.maxValue;
  const at = (p: number) => (empty ? 0 : ms(clampedPercentileUs(h, p, minUs, maxUs)));
  return {
    type: 'trend',
    count: h.totalCount,
    min: ms(minUs),
    max: ms(maxUs),
    avg: empty ? 0 : Math.round(Math.min(maxUs, Math.max(minUs, h.mean))) / 1000,
    med: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    hdr: hdr.encodeIntoCompressedBase64(h),
  };
}

/** A small seeded PRNG, so fixtures are reproducible. */
const rng = mulberry32;

export function buildSummaryFixture(options: FixtureOptions = {}): Summary {
  const seconds = options.seconds ?? 12;
  const rps = options.rps ?? 40;
  const coldSeconds = options.coldSeconds ?? 3;
  const random = rng(42);
  const lognormal = (medianUs: number, sigma: number) => {
    const u = Math.max(random(), 1e-9);
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(1, Math.round(medianUs * Math.exp(sigma * z)));
  };

  const all = newHistogram();
  const cold = newHistogram();
  const warm = newHistogram();
  const submit = newHistogram();
  const waiting = newHistogram();
  const iteration = newHistogram();
  const timeline: TimelinePoint[] = [];
  let failed = 0;
  let timeouts = 0;
  let status503 = 0;
  let dropped = 0;

  for (let s = 1; s <= seconds; s++) {
    const interval = newHistogram();
    const isCold = s <= coldSeconds;
    const count = isCold ? Math.round(rps / 2) : rps;
    const byKind: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const us = isCold ? lognormal(2_800_000, 0.5) : lognormal(45_000, 0.35);
      all.recordValue(us);
      interval.recordValue(us);
      (isCold ? cold : warm).recordValue(us);
      if (i % 2 === 0) submit.recordValue(us);
      waiting.recordValue(Math.max(1, Math.round(us * 0.9)));
      iteration.recordValue(us + 1_500);
      const kind = isCold && i % 9 === 0 ? 'timeout' : !isCold && i % 37 === 5 ? 'http 503' : null;
      if (kind) {
        byKind[kind] = (byKind[kind] ?? 0) + 1;
        failed++;
        if (kind === 'timeout') timeouts++;
        else status503++;
      }
    }
    const droppedNow = isCold ? 3 : 0;
    dropped += droppedNow;
    const ms = (p: number) => interval.getValueAtPercentile(p) / 1000;
    const workersReady = isCold ? s - 1 : 4;
    timeline.push({
      t: s * 1000,
      vus: Math.min(20, 5 * s),
      inFlight: isCold ? Math.min(20, 5 * s) : 3 + (s % 3),
      rps: count,
      errors: Object.values(byKind).reduce((a, b) => a + b, 0),
      p50: ms(50),
      p95: ms(95),
      p99: ms(99),
      stage: isCold ? 0 : 1,
      iterations: count,
      dropped: droppedNow,
      errorsByKind: byKind,
      gauges: {
        workers_running: workersReady,
        workers_idle: isCold ? 0 : 1 + (s % 2),
        workers_initializing: isCold ? 4 - workersReady : 0,
        jobs_in_queue: isCold ? 12 - 3 * s : 0,
      },
      hdr: hdr.encodeIntoCompressedBase64(interval),
    });
  }

  const total = all.totalCount;
  const durationMs = seconds * 1000 + 123.4;
  const started = Date.parse('2026-01-01T12:00:00.000Z');
  const duration = trendOf(all);
  const checks = options.checks ?? {
    'status is 200': { passes: total - failed, fails: failed },
    'body has an id': { passes: total, fails: 0 },
  };
  const thresholds: Record<string, ThresholdResult[]> = options.thresholds ?? {
    http_req_duration: [
      { expression: 'p(95)<500', ok: false, actual: duration.p95 },
      { expression: 'p(99)<20000', ok: true, actual: duration.p99 },
    ],
    http_req_failed: [{ expression: 'rate<0.05', ok: true, actual: failed / total }],
  };
  const thresholdFailed = Object.values(thresholds).some((list) => list.some((t) => !t.ok));

  return {
    version: 1,
    scenario: { name: options.scenarioName ?? 'inference', file: 'examples/inference.ts', profile: options.profile ?? 'burst' },
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + durationMs).toISOString(),
    durationMs,
    aborted: false,
    exitCode: thresholdFailed ? 99 : 0,
    metrics: {
      http_req_duration: duration,
      'http_req_duration{name:submit}': trendOf(submit),
      'http_req_duration{cold:true}': trendOf(cold),
      'http_req_duration{cold:false}': trendOf(warm),
      http_req_waiting: trendOf(waiting),
      iteration_duration: trendOf(iteration),
      http_reqs: { type: 'counter', count: total, rate: total / (durationMs / 1000) },
      http_req_failed: { type: 'rate', trues: failed, falses: total - failed, rate: failed / total },
      iterations: { type: 'counter', count: total, rate: total / (durationMs / 1000) },
      dropped_iterations: { type: 'counter', count: dropped, rate: dropped / (durationMs / 1000) },
      checks: { type: 'rate', trues: 2 * total - failed, falses: failed, rate: (2 * total - failed) / (2 * total) },
      vus: { type: 'gauge', value: 20, min: 5, max: 20 },
      data_received: { type: 'counter', count: total * 512, rate: (total * 512) / (durationMs / 1000) },
    },
    checks,
    thresholds,
    timeline,
    errors: [
      { kind: 'timeout', message: 'request timed out after 60s', count: timeouts },
      { kind: 'http', status: 503, message: 'HTTP 503 Service Unavailable', count: status503 },
      {
        kind: 'exception',
        message: "TypeError: Cannot read properties of undefined (reading 'id')",
        location: 'examples/inference.ts:21:30',
        count: 2,
      },
    ],
    insights: [
      {
        kind: 'cold-start',
        severity: 'warn',
        message: `The first ${coldSeconds} s hit cold workers: p50 ${trendOf(cold).med.toFixed(0)} ms cold vs ${trendOf(warm).med.toFixed(0)} ms warm.`,
        data: { coldCount: cold.totalCount, warmCount: warm.totalCount },
      },
      { kind: 'gateway-timeout', severity: 'fail', message: `${timeouts} requests timed out while workers were initializing.`, data: { timeouts } },
      { kind: 'queue-drained', severity: 'info', message: 'The job queue drained once 4 workers were running.', data: {} },
    ],
    stages: [
      { index: 0, kind: 'burst', description: 'burst: 20 VUs at once', startMs: 0, durationMs: coldSeconds * 1000 },
      {
        index: 1,
        kind: 'soak',
        description: `soak: 20 VUs for ${seconds - coldSeconds}s`,
        startMs: coldSeconds * 1000,
        durationMs: (seconds - coldSeconds) * 1000,
      },
    ],
    meta: { rampart: '0.1.0', node: 'v20.20.0', workers: 2, host: 'ci-runner' },
  };
}
