/**
 * `rampart merge`: the segments of a distributed run become one Summary, as if one process had
 * run the whole plan. Histograms are added (percentiles exact to HDR's resolution, the same as
 * one histogram of every sample), counters and rates summed, gauges merged by their meaning,
 * timelines aligned on the store's clock; thresholds, verdict and findings are computed again
 * over the merged data (buildSummary derives the findings).
 */
import { ExitCode } from '../errors.js';
import { Collector } from '../metrics/collector.js';
import { createHistogram, decodeHistogram, encodeHistogram, clampedPercentileUs } from '../metrics/hdr.js';
import type { SerializedMetric } from '../metrics/metric.js';
import type { MetricSummary, Summary, TimelinePoint } from '../results/types.js';
import { allPassed, evaluateThresholds } from '../metrics/thresholds.js';
import { buildSummary } from '../results/build.js';
import { decideVerdict, runExitCode } from '../verdict.js';
import type { SegmentManifest } from './manifest.js';
import { segmentLabel } from './segment-source.js';
import { IncompleteRunError } from './session.js';

export interface SegmentResult {
  /** where it came from, for messages */
  source: string;
  manifest: SegmentManifest;
  summary: Summary;
}

/** Gauges whose segments' values add up (VUs in flight); the others keep min of mins, max of maxes. */
const SUMMED_GAUGES = new Set(['vus']);

/** Names every missing, doubled or foreign segment in one line; IncompleteRunError (exit 4). */
export function checkComplete(results: SegmentResult[]): void {
  if (!results.length) throw new IncompleteRunError('nothing to merge: no segment results found');
  const hashes = new Map<string, SegmentResult[]>();
  for (const r of results) hashes.set(r.manifest.scenarioHash, [...(hashes.get(r.manifest.scenarioHash) ?? []), r]);
  if (hashes.size > 1) {
    const groups = [...hashes.entries()]
      .sort((a, b) => b[1].length - a[1].length)
      .map(
        ([hash, rs]) =>
          `${rs.map((r) => segmentLabel({ index: r.manifest.segment, count: r.manifest.segments })).join(', ')} (${rs[0].manifest.scenario.file}, hash ${hash.slice(0, 12)})`,
      );
    throw new IncompleteRunError(`segments of different scenarios, profiles or --workers must not merge: ${groups.join(' vs ')}`);
  }
  const count = results[0].manifest.segments;
  const seen = new Map<number, string>();
  for (const r of results) {
    const label = segmentLabel({ index: r.manifest.segment, count });
    const before = seen.get(r.manifest.segment);
    if (before) throw new IncompleteRunError(`segment ${label} appears twice: ${before} and ${r.source}`);
    seen.set(r.manifest.segment, r.source);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) {
    throw new IncompleteRunError(
      `incomplete run: segment(s) ${missing.map((i) => segmentLabel({ index: i, count })).join(', ')} of ${count} missing (found ${results.length})`,
    );
  }
}

/** A results file's metric, back to the data it was summarised from (trend extremes: µs). */
function serialized(m: MetricSummary): SerializedMetric | null {
  switch (m.type) {
    case 'trend':
      return m.hdr ? { type: 'trend', hdr: m.hdr, min: Math.round(m.min * 1000), max: Math.round(m.max * 1000) } : null;
    case 'counter':
      return { type: 'counter', count: m.count };
    case 'rate':
      return { type: 'rate', trues: m.trues, falses: m.falses };
    case 'gauge':
      return { type: 'gauge', value: m.value, min: m.min, max: m.max };
  }
}

/**
 * Where each segment's load began (ms since the epoch): after a common instant, that instant plus
 * how late the segment says it began by its own clock (no clock estimate in it); else its start on
 * the store's clock.
 */
function loadStart(r: SegmentResult): number {
  const m = r.manifest;
  if (m.startAt && m.startLateMs !== undefined) return Date.parse(m.startAt) + m.startLateMs;
  return Date.parse(r.summary.startedAt) + m.clockSkewMs;
}

export function mergeSegments(results: SegmentResult[]): Summary {
  checkComplete(results);
  const ordered = [...results].sort((a, b) => a.manifest.segment - b.manifest.segment);
  const first = ordered[0].manifest;
  const starts = ordered.map(loadStart);
  const ends = ordered.map((r, i) => starts[i] + r.summary.durationMs);
  const collector = mergedCollector(ordered, ends);
  const t0 = first.startAt ? Date.parse(first.startAt) : Math.min(...starts);
  const timeline = mergeTimelines(ordered, starts, t0, first.intervalMs);
  sumGauges(ordered, collector, timeline);
  if (collector.metrics.has('vus_max')) collector.gauge('vus_max').set(first.plan.peakVUs);

  // a single run's rule: from the start of the load to the end of its last part (teardown not
  // included), so a segment that started late lengthens the run and lowers its rates
  const durationMs = Math.max(...ends) - t0;

  const thresholds = evaluateThresholds(first.thresholds, collector, durationMs);
  const verdict = decideVerdict(collector, first.target, first.failUnmeasured);
  const abortedOne =
    ordered.find((r) => r.summary.aborted && !r.summary.abortReason?.startsWith('store: ')) ?? ordered.find((r) => r.summary.aborted);
  const abortReason = abortedOne
    ? `segment ${segmentLabel({ index: abortedOne.manifest.segment, count: first.segments })}: ${abortedOne.summary.abortReason ?? 'aborted'}`
    : undefined;
  const scenarioFailed = ordered.some((r) => r.summary.exitCode === ExitCode.scenario);
  const exitCode = runExitCode({ scenarioFailed, aborted: Boolean(abortedOne), abortReason, thresholdsPassed: allPassed(thresholds), verdict });
  const meta = ordered[0].summary.meta; // what the merged run carries on of a segment's
  return buildSummary({
    scenario: ordered[0].summary.scenario,
    startedAt: new Date(t0),
    durationMs,
    aborted: Boolean(abortedOne),
    abortReason,
    exitCode,
    verdict,
    collector,
    thresholds,
    timeline,
    plan: first.plan,
    workers: ordered.reduce((s, r) => s + r.manifest.workers, 0),
    connections: meta?.connectionsPerOrigin, // every segment's threads share the plan's pool, as one run's would
    retry: meta?.retry,
    serverless: meta?.serverless ?? null,
  });
}

/** Every segment's metrics, checks and errors in one Collector, but the gauges sumGauges adds up. */
function mergedCollector(ordered: SegmentResult[], ends: number[]): Collector {
  const collector = new Collector([], ordered[0].manifest.customTypes);
  // gauges set last win their value: merge in the order the segments ended
  const byEnd = ordered.map((r, i) => ({ r, end: ends[i] })).sort((a, b) => a.end - b.end);
  for (const { r } of byEnd) {
    const metrics: Record<string, SerializedMetric> = {};
    for (const [key, m] of Object.entries(r.summary.metrics)) {
      const name = key.split('{')[0];
      if (m.type === 'gauge' && SUMMED_GAUGES.has(name)) continue;
      const s = serialized(m);
      if (s) metrics[key] = s;
    }
    collector.merge({ metrics, checks: r.summary.checks, errors: r.summary.errors });
  }
  return collector;
}

/** Gauges of what the segments hold together (SUMMED_GAUGES): their values add up. */
function sumGauges(ordered: SegmentResult[], collector: Collector, timeline: TimelinePoint[]): void {
  for (const [key] of Object.entries(ordered[0].summary.metrics)) {
    if (!SUMMED_GAUGES.has(key.split('{')[0]) || ordered[0].summary.metrics[key].type !== 'gauge') continue;
    const sum = (f: (m: Extract<MetricSummary, { type: 'gauge' }>) => number) =>
      ordered.reduce((s, r) => {
        const m = r.summary.metrics[key];
        return s + (m?.type === 'gauge' ? f(m) : 0);
      }, 0);
    const g = collector.gauge(key);
    g.set(sum((m) => m.min));
    g.set(sum((m) => m.value));
    // at most every segment's own peak at once; the merged timeline saw at least its busiest interval
    g.notePeak(key === 'vus' ? Math.max(...timeline.map((p) => p.vus), 0) : sum((m) => m.max));
  }
}

/** The segments' timelines on one clock: points that fall in the same interval add up. */
function mergeTimelines(ordered: SegmentResult[], starts: number[], t0: number, intervalMs: number): TimelinePoint[] {
  const buckets = new Map<number, { point: TimelinePoint; hdr: ReturnType<typeof createHistogram> | null }>();
  ordered.forEach((r, i) => {
    for (const p of r.summary.timeline) {
      const slot = Math.max(1, Math.round((starts[i] - t0 + p.t) / intervalMs));
      let b = buckets.get(slot);
      if (!b) {
        b = {
          point: {
            t: slot * intervalMs,
            vus: 0,
            inFlight: 0,
            rps: 0,
            errors: 0,
            p50: null,
            p95: null,
            p99: null,
            stage: 0,
            iterations: 0,
            dropped: 0,
          },
          hdr: null,
        };
        buckets.set(slot, b);
      }
      const q = b.point;
      q.vus += p.vus;
      q.inFlight += p.inFlight;
      q.rps = Math.round((q.rps + p.rps) * 10) / 10;
      q.errors += p.errors;
      q.iterations = (q.iterations ?? 0) + (p.iterations ?? 0);
      q.dropped = (q.dropped ?? 0) + (p.dropped ?? 0);
      q.stage = Math.max(q.stage ?? 0, p.stage ?? 0);
      for (const [k, n] of Object.entries(p.errorsByKind ?? {})) (q.errorsByKind ??= {})[k] = (q.errorsByKind[k] ?? 0) + n;
      for (const [k, n] of Object.entries(p.gauges ?? {})) (q.gauges ??= {})[k] = Math.max(q.gauges[k] ?? -Infinity, n);
      if (p.hdr) (b.hdr ??= createHistogram()).add(decodeHistogram(p.hdr));
    }
  });
  const round = (us: number) => Math.round(us) / 1000;
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, b]) => {
      if (b.hdr && b.hdr.totalCount > 0) {
        const lo = b.hdr.minNonZeroValue || 0;
        const hi = b.hdr.maxValue;
        b.point.p50 = round(clampedPercentileUs(b.hdr, 50, lo, hi));
        b.point.p95 = round(clampedPercentileUs(b.hdr, 95, lo, hi));
        b.point.p99 = round(clampedPercentileUs(b.hdr, 99, lo, hi));
        b.point.hdr = encodeHistogram(b.hdr);
      }
      return b.point;
    });
}
