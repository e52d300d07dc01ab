/**
 * compareSummaries: several runs' Summaries in, one plain-JSON Comparison out: per run the
 * numbers with 95% confidence intervals, and per run after the baseline the differences with
 * the test that decided whether each is significant. Pure and seeded: the same input gives
 * the same output.
 */
import { basename } from 'node:path';
import { decodeHistogram } from '../metrics/hdr.js';
import type { CounterSummary, MetricSummary, RateSummary, Summary, TrendSummary } from '../results/types.js';
import {
  bootstrapDifference,
  bootstrapInterval,
  bootstrapPercentile,
  compareProportions,
  histogramDistribution,
  percentileOf,
  percentileRank,
  seededRandom,
  wilsonInterval,
  type Interval,
} from './stats.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './defaults.js';

export const PERCENTILES = ['p50', 'p90', 'p95', 'p99'] as const;
export type PercentileName = (typeof PERCENTILES)[number];
const PERCENTILE_VALUES: Record<PercentileName, number> = { p50: 50, p90: 90, p95: 95, p99: 99 };

export { DEFAULT_RESAMPLES, DEFAULT_SEED };
export const CONFIDENCE = 0.95;
/**
 * Fewer requests than this above a percentile and its bootstrap CI can't be trusted: a
 * resample never exceeds the largest value seen, so p99 of 30 requests (the maximum) gets a
 * CI that is far too narrow. Such estimates carry `lowCount` and print with a dagger.
 */
export const MIN_TAIL_SAMPLES = 5;

/** A value with its 95% confidence interval. */
export interface Estimate {
  value: number;
  ci: Interval;
}

export interface PercentileEstimate extends Estimate {
  /** fewer than MIN_TAIL_SAMPLES requests lie above this percentile: the CI is too narrow to trust */
  lowCount: boolean;
}

export interface RunStats {
  label: string;
  scenario: string;
  profile: string | null;
  durationMs: number;
  /** http_reqs count (every attempt, retries included) */
  requests: number;
  /** http_reqs per second over the run */
  throughput: number | null;
  /** share of requests (or of calls, when retries were on) that succeeded; null when none ran */
  success: (Estimate & { metric: 'http_call_failed' | 'http_req_failed'; successes: number; total: number }) | null;
  /** http_req_duration percentiles in ms; null when the run recorded no duration */
  latency: ({ count: number } & Record<PercentileName, PercentileEstimate>) | null;
  coldStarts: { count: number | null; coldRequests: number | null };
  retries: { count: number | null; rescued: number | null };
  /** failed requests and exceptions by kind ('timeout', 'http 503', 'exception', ...), most first */
  failures: { kind: string; count: number }[];
  insights: { kind: string; severity: 'info' | 'warn' | 'fail'; message: string }[];
}

export interface SuccessDifference {
  /** run − baseline, as a fraction (×100 = percentage points) */
  difference: number;
  ci: Interval;
  test: 'fisher' | 'z-test';
  pValue: number;
  significant: boolean;
}

export interface PercentileDifference {
  /** run − baseline, ms */
  difference: number;
  /** difference / baseline value; null when the baseline is 0 */
  relative: number | null;
  /** bootstrap CI of the difference, ms */
  ci: Interval;
  pValue: number;
  /** the CI excludes 0 */
  significant: boolean;
  /** either run has too few requests above this percentile for its CI to be trusted */
  lowCount: boolean;
}

export interface RunDifference {
  run: number;
  label: string;
  baseline: number;
  success: SuccessDifference | null;
  latency: Record<PercentileName, PercentileDifference> | null;
  /** throughput difference (req/s) and relative change; no test: it is one number per run */
  throughput: { difference: number; relative: number | null } | null;
}

export interface Comparison {
  version: 1;
  confidence: number;
  seed: number;
  resamples: number;
  /** index into runs */
  baseline: number;
  runs: RunStats[];
  /** one entry per run other than the baseline, in run order */
  differences: RunDifference[];
}

export interface CompareOptions {
  /** PRNG seed for the bootstrap; default 1 */
  seed?: number;
  /** bootstrap resamples; default 1000 */
  resamples?: number;
  /** index (0-based) of the run the others are compared to; default 0 */
  baseline?: number;
}

function metric<T extends MetricSummary>(s: Summary, key: string, type: T['type']): T | undefined {
  const m = s.metrics[key];
  return m && m.type === type ? (m as T) : undefined;
}

/** Per-run numbers that don't need resampling. */
function describeRun(label: string, s: Summary): Omit<RunStats, 'latency' | 'success'> {
  const reqs = metric<CounterSummary>(s, 'http_reqs', 'counter');
  const failures = new Map<string, number>();
  for (const e of s.errors ?? []) {
    const kind = e.kind === 'http' && e.status !== undefined ? `http ${e.status}` : e.kind;
    failures.set(kind, (failures.get(kind) ?? 0) + e.count);
  }
  return {
    label,
    scenario: s.scenario?.name ?? '',
    profile: s.scenario?.profile ?? null,
    durationMs: s.durationMs,
    requests: reqs?.count ?? 0,
    throughput: reqs ? reqs.rate : null,
    coldStarts: {
      count: metric<CounterSummary>(s, 'cold_starts', 'counter')?.count ?? null,
      coldRequests: metric<TrendSummary>(s, 'http_req_duration{cold:true}', 'trend')?.count ?? null,
    },
    retries: {
      count: metric<CounterSummary>(s, 'http_retries', 'counter')?.count ?? null,
      rescued: metric<CounterSummary>(s, 'http_calls_rescued', 'counter')?.count ?? null,
    },
    failures: [...failures].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
    insights: (s.insights ?? []).map((i) => ({ kind: i.kind, severity: i.severity, message: i.message })),
  };
}

/** Calls after retries when retries were on (what a user sees), else single requests. */
function successCounts(s: Summary): { metric: 'http_call_failed' | 'http_req_failed'; successes: number; total: number } | null {
  for (const key of ['http_call_failed', 'http_req_failed'] as const) {
    const m = metric<RateSummary>(s, key, 'rate');
    if (m && m.trues + m.falses > 0) return { metric: key, successes: m.falses, total: m.trues + m.falses };
  }
  return null;
}

/** Bootstrap replicates of every percentile of one run; null when it has no duration histogram. */
function latencyReplicates(s: Summary, resamples: number, seed: number) {
  const trend = metric<TrendSummary>(s, 'http_req_duration', 'trend');
  if (!trend?.hdr) return null;
  const dist = histogramDistribution(decodeHistogram(trend.hdr));
  if (dist.total === 0) return null;
  const random = seededRandom(seed);
  const replicates = {} as Record<PercentileName, Float64Array>;
  const estimates = {} as Record<PercentileName, PercentileEstimate>;
  for (const name of PERCENTILES) {
    replicates[name] = bootstrapPercentile(dist, PERCENTILE_VALUES[name], resamples, random);
    estimates[name] = {
      value: percentileOf(dist, PERCENTILE_VALUES[name]) ?? 0,
      ci: bootstrapInterval(replicates[name], CONFIDENCE),
      lowCount: dist.total - percentileRank(PERCENTILE_VALUES[name], dist.total) < MIN_TAIL_SAMPLES,
    };
  }
  return { count: dist.total, replicates, estimates };
}

const relative = (diff: number, base: number | null | undefined) => (base ? diff / base : null);

export function compareSummaries(runs: { label: string; summary: Summary }[], options: CompareOptions = {}): Comparison {
  const seed = options.seed ?? DEFAULT_SEED;
  const resamples = Math.max(10, Math.floor(options.resamples ?? DEFAULT_RESAMPLES));
  const baseline = options.baseline ?? 0;
  if (runs.length === 0) throw new RangeError('compareSummaries needs at least one run');
  if (!Number.isInteger(baseline) || baseline < 0 || baseline >= runs.length) {
    throw new RangeError(`baseline ${baseline} is not a run index (0..${runs.length - 1})`);
  }

  // Each run gets its own stream (seed + index), so its CIs don't depend on the other runs.
  const latency = runs.map((r, i) => latencyReplicates(r.summary, resamples, (seed + i * 0x9e3779b9) >>> 0));
  const stats: RunStats[] = runs.map((r, i) => {
    const counts = successCounts(r.summary);
    const lat = latency[i];
    return {
      ...describeRun(r.label, r.summary),
      success: counts ? { ...counts, value: counts.successes / counts.total, ci: wilsonInterval(counts.successes, counts.total).ci } : null,
      latency: lat ? { count: lat.count, ...lat.estimates } : null,
    };
  });

  const base = stats[baseline];
  const baseLatency = latency[baseline];
  const differences: RunDifference[] = stats.flatMap((run, i) => {
    if (i === baseline) return [];
    const lat = latency[i];
    let latencyDiff: RunDifference['latency'] = null;
    if (lat && baseLatency) {
      latencyDiff = {} as Record<PercentileName, PercentileDifference>;
      for (const name of PERCENTILES) {
        const difference = lat.estimates[name].value - baseLatency.estimates[name].value;
        const test = bootstrapDifference(baseLatency.replicates[name], lat.replicates[name], CONFIDENCE);
        const lowCount = lat.estimates[name].lowCount || baseLatency.estimates[name].lowCount;
        latencyDiff[name] = { difference, relative: relative(difference, baseLatency.estimates[name].value), ...test, lowCount };
      }
    }
    const success =
      run.success && base.success
        ? compareProportions(base.success.successes, base.success.total, run.success.successes, run.success.total)
        : null;
    const throughput =
      run.throughput !== null && base.throughput !== null
        ? { difference: run.throughput - base.throughput, relative: relative(run.throughput - base.throughput, base.throughput) }
        : null;
    return [{ run: i, label: run.label, baseline, success, latency: latencyDiff, throughput }];
  });

  return { version: 1, confidence: CONFIDENCE, seed, resamples, baseline, runs: stats, differences };
}

/**
 * Labels for runs read from files: "scenario (profile)" or the scenario name; when two runs
 * would share a label, the file name tells them apart (and a number, if even that repeats).
 */
export function runLabels(runs: { file: string; summary: Summary }[]): string[] {
  const byScenario = runs.map(({ summary }) => {
    const name = summary.scenario?.name || 'run';
    return summary.scenario?.profile ? `${name} (${summary.scenario.profile})` : name;
  });
  const labels = byScenario.map((label, i) =>
    byScenario.indexOf(label) === byScenario.lastIndexOf(label) ? label : basename(runs[i].file),
  );
  return labels.map((label, i) => (labels.indexOf(label) === labels.lastIndexOf(label) ? label : `${label} #${i + 1}`));
}
