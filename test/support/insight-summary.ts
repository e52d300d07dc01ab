/**
 * Summaries for the insight tests, built from a list of requests (start, duration, outcome)
 * through real hdr-histogram-js histograms: http_req_duration and its status/error/cold
 * sub-metrics, http_reqs and http_req_failed, error groups and a per-second timeline whose
 * points count the requests that completed in each interval.
 */
import { trendOf } from './summary-fixture.js';
import { createHistogram, encodeHistogram } from '../../runner/metrics/hdr.js';
import type { ErrorGroup, MetricSummary, StageSummary, Summary, TimelinePoint, TrendSummary } from '../../runner/results/types.js';

export interface Req {
  /** ms since the run started */
  start: number;
  /** ms */
  duration: number;
  /** HTTP status; default 200, 0 when `error` is set */
  status?: number;
  error?: 'timeout' | 'reset' | 'connect';
  /** set when the scenario reported worker identity */
  cold?: boolean;
  /** ms waited for a free connection */
  blocked?: number;
}

export interface RunOptions {
  peakVUs?: number;
  /** extra metrics merged over the built ones */
  metrics?: Record<string, MetricSummary>;
  meta?: Record<string, unknown>;
  /** monitor gauges for the timeline point ending at t (ms) */
  gauges?: (t: number) => Record<string, number> | undefined;
  /** the plan's stages; default one closed burst of peakVUs sharing every request */
  stages?: StageSummary[];
}

/** Trend statistics (ms) and compressed HDR (µs) of values given in ms. */
export function trendMs(values: number[]): TrendSummary {
  const h = createHistogram();
  for (const v of values) h.recordValue(Math.round(v * 1000));
  // exact extremes, as a run records them (HDR's minNonZeroValue is no minimum when zeros were recorded)
  const exact = values.length ? { min: values.reduce((a, b) => Math.min(a, b)), max: values.reduce((a, b) => Math.max(a, b)) } : {};
  return { ...trendOf(h), ...exact };
}

const failedOf = (r: Req) => r.error !== undefined || (r.status ?? 200) >= 400;
const statusOf = (r: Req) => (r.error ? 0 : (r.status ?? 200));
const kindOf = (r: Req) => (r.error ? r.error : `http ${statusOf(r)}`);

export function buildRunSummary(reqs: Req[], options: RunOptions = {}): Summary {
  const end = (r: Req) => r.start + r.duration;
  const durationMs = Math.max(1000, ...reqs.map(end));
  const seconds = Math.ceil(durationMs / 1000);
  const metrics: Record<string, MetricSummary> = {};
  const groups = new Map<string, Req[]>();
  const add = (key: string, r: Req) => {
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  };
  for (const r of reqs) {
    add('', r);
    add(`{status:${statusOf(r)}}`, r);
    if (r.error) add(`{error:${r.error}}`, r);
    if (r.cold !== undefined) add(`{cold:${r.cold}}`, r);
  }
  const secs = durationMs / 1000;
  for (const [suffix, list] of groups) {
    metrics[`http_req_duration${suffix}`] = trendMs(list.map((r) => r.duration));
    metrics[`http_reqs${suffix}`] = { type: 'counter', count: list.length, rate: list.length / secs };
    const f = list.filter(failedOf).length;
    metrics[`http_req_failed${suffix}`] = { type: 'rate', trues: f, falses: list.length - f, rate: f / list.length };
  }
  metrics.http_req_blocked = trendMs(reqs.map((r) => r.blocked ?? 0));
  const peakVUs = options.peakVUs ?? 1;
  metrics.vus = { type: 'gauge', value: 0, min: 0, max: peakVUs };
  metrics.iterations = { type: 'counter', count: reqs.length, rate: reqs.length / secs };

  const timeline: TimelinePoint[] = [];
  for (let s = 1; s <= seconds; s++) {
    const t = s * 1000;
    const done = reqs.filter((r) => end(r) > t - 1000 && end(r) <= t);
    const h = createHistogram();
    for (const r of done) h.recordValue(Math.round(r.duration * 1000));
    const byKind: Record<string, number> = {};
    for (const r of done.filter(failedOf)) byKind[kindOf(r)] = (byKind[kindOf(r)] ?? 0) + 1;
    const inFlight = reqs.filter((r) => r.start <= t && end(r) > t).length;
    const p = (q: number) => (h.totalCount ? h.getValueAtPercentile(q) / 1000 : null);
    const point: TimelinePoint = {
      t,
      vus: inFlight,
      inFlight,
      rps: done.length,
      errors: done.filter(failedOf).length,
      p50: p(50),
      p95: p(95),
      p99: p(99),
      stage: 0,
      iterations: done.length,
      dropped: 0,
    };
    if (Object.keys(byKind).length) point.errorsByKind = byKind;
    const g = options.gauges?.(t);
    if (g) point.gauges = g;
    if (h.totalCount) point.hdr = encodeHistogram(h);
    timeline.push(point);
  }

  const errors: ErrorGroup[] = [];
  const failedByKind = new Map<string, Req[]>();
  for (const r of reqs.filter(failedOf)) failedByKind.set(kindOf(r), [...(failedByKind.get(kindOf(r)) ?? []), r]);
  for (const list of failedByKind.values()) {
    const r = list[0];
    errors.push(
      r.error
        ? { kind: r.error, message: `POST /: ${r.error}`, count: list.length }
        : { kind: 'http', status: statusOf(r), message: `POST /: HTTP ${statusOf(r)}`, count: list.length },
    );
  }

  Object.assign(metrics, options.metrics ?? {});
  const started = Date.parse('2026-01-01T12:00:00.000Z');
  return {
    version: 1,
    scenario: { name: 'insights', file: 'insights.ts', profile: null },
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + durationMs).toISOString(),
    durationMs,
    aborted: false,
    exitCode: 0,
    metrics,
    checks: {},
    thresholds: {},
    timeline,
    errors,
    insights: [],
    stages: options.stages ?? [
      {
        index: 0,
        kind: 'burst',
        description: `burst: ${peakVUs} VUs at once`,
        startMs: 0,
        durationMs,
        offered: { executor: 'shared-iterations', vus: peakVUs, iterations: reqs.length },
      },
    ],
    meta: { rampart: '0.1.0', workers: 1, peakVUs, connectionsPerOrigin: peakVUs, ...options.meta },
  };
}

/**
 * The field report's run: 15 VUs in a closed loop send 30 requests. The first wave meets few
 * warm workers: 4 wait in the balancer until it answers 400 at 120.0–120.8 s, 6 land on cold
 * workers (40–90 s), 5 on warm ones (25–35 s); the 15 later requests meet 8 cold and 7 warm
 * workers, 6 of them completing after the 400s. `scale` shrinks
 * every time (0.01 → the 400s at 1.2 s), like the simulator's time scaling.
 */
export function fieldReportRequests(scale = 1): Req[] {
  const first: Array<Omit<Req, 'start'>> = [
    ...[120_000, 120_300, 120_500, 120_800].map((d) => ({ duration: d, status: 400 })),
    ...[40_000, 52_000, 61_000, 70_000, 83_000, 90_000].map((d) => ({ duration: d, cold: true })),
    ...[25_000, 28_000, 30_000, 32_000, 35_000].map((d) => ({ duration: d, cold: false })),
  ];
  // the second wave: slots free up and meet workers still starting (cold) or warm ones
  const later: Array<Omit<Req, 'start'>> = [
    ...[85_000, 88_000, 90_000, 80_000, 75_000, 70_000, 66_000, 62_000].map((d) => ({ duration: d, cold: true })),
    ...[30_000, 27_000, 33_000, 29_000, 31_000, 34_000, 26_000].map((d) => ({ duration: d, cold: false })),
  ];
  const reqs: Req[] = [];
  const freeAt: number[] = [];
  first.forEach((r, vu) => {
    const start = vu * 20; // the burst leaves within a few ms
    reqs.push({ ...r, start });
    freeAt[vu] = start + r.duration;
  });
  for (const r of later) {
    const vu = freeAt.indexOf(Math.min(...freeAt));
    reqs.push({ ...r, start: freeAt[vu] });
    freeAt[vu] += r.duration;
  }
  return reqs.map((r) => ({ ...r, start: r.start * scale, duration: r.duration * scale }));
}
