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
  /** ctx.llm's token timings (ms) and the share of requests that met the SLOs; null when the run made no LLM request */
  llm: LlmStats | null;
}

/** The llm_* trends compare compares, as http_req_duration's percentiles. */
export const LLM_TRENDS = ['llm_ttft', 'llm_tpot', 'llm_itl'] as const;
export type LlmTrend = (typeof LLM_TRENDS)[number];
export type PercentileEstimates = { count: number } & Record<PercentileName, PercentileEstimate>;

export interface LlmStats {
  trends: Record<LlmTrend, PercentileEstimates | null>;
  /** llm_goodput: requests that met every SLO, as a rate like success */
  goodput: (Estimate & { successes: number; total: number }) | null;
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
  /** the llm_* trends' percentiles and llm_goodput, when both runs have them */
  llm: { trends: Record<LlmTrend, Record<PercentileName, PercentileDifference> | null>; goodput: SuccessDifference | null } | null;
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
function describeRun(label: string, s: Summary): Omit<RunStats, 'latency' | 'success' | 'llm'> {
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

/** A rate metric's falses as successes (http_req_failed) or its trues (llm_goodput: met the SLOs). */
function rateCounts(s: Summary, key: string, success: 'trues' | 'falses'): { successes: number; total: number } | null {
  const m = metric<RateSummary>(s, key, 'rate');
  return m && m.trues + m.falses > 0 ? { successes: m[success], total: m.trues + m.falses } : null;
}

/** Calls after retries when retries were on (what a user sees), else single requests. */
function successCounts(s: Summary): { metric: 'http_call_failed' | 'http_req_failed'; successes: number; total: number } | null {
  for (const key of ['http_call_failed', 'http_req_failed'] as const) {
    const counts = rateCounts(s, key, 'falses');
    if (counts) return { metric: key, ...counts };
  }
  return null;
}

type Replicates = { count: number; replicates: Record<PercentileName, Float64Array>; estimates: Record<PercentileName, PercentileEstimate> };

/** Bootstrap replicates of every percentile of one run's trend; null when it has no histogram. */
function trendReplicates(s: Summary, key: string, resamples: number, seed: number): Replicates | null {
  const trend = metric<TrendSummary>(s, key, 'trend');
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

/** Every percentile of a run against the baseline's: the difference and its bootstrap test. */
function percentileDifferences(base: Replicates, run: Replicates): Record<PercentileName, PercentileDifference> {
  const out = {} as Record<PercentileName, PercentileDifference>;
  for (const name of PERCENTILES) {
    const difference = run.estimates[name].value - base.estimates[name].value;
    const test = bootstrapDifference(base.replicates[name], run.replicates[name], CONFIDENCE);
    const lowCount = run.estimates[name].lowCount || base.estimates[name].lowCount;
    out[name] = { difference, relative: relative(difference, base.estimates[name].value), ...test, lowCount };
  }
  return out;
}

const withCount = (r: Replicates | null): PercentileEstimates | null => (r ? { count: r.count, ...r.estimates } : null);

export function compareSummaries(runs: { label: string; summary: Summary }[], options: CompareOptions = {}): Comparison {
  const seed = options.seed ?? DEFAULT_SEED;
  const resamples = Math.max(10, Math.floor(options.resamples ?? DEFAULT_RESAMPLES));
  const baseline = options.baseline ?? 0;
  if (runs.length === 0) throw new RangeError('compareSummaries needs at least one run');
  if (!Number.isInteger(baseline) || baseline < 0 || baseline >= runs.length) {
    throw new RangeError(`baseline ${baseline} is not a run index (0..${runs.length - 1})`);
  }

  // Each run gets its own stream (seed + index), so its CIs don't depend on the other runs.
  const streamOf = (i: number, k: number) => (seed + i * 0x9e3779b9 + k * 0x85ebca6b) >>> 0;
  const latency = runs.map((r, i) => trendReplicates(r.summary, 'http_req_duration', resamples, streamOf(i, 0)));
  const llm = runs.map(
    (r, i) =>
      Object.fromEntries(LLM_TRENDS.map((key, k) => [key, trendReplicates(r.summary, key, resamples, streamOf(i, k + 1))])) as Record<
        LlmTrend,
        Replicates | null
      >,
  );
  const goodput = runs.map((r) => rateCounts(r.summary, 'llm_goodput', 'trues'));
  const asEstimate = <C extends { successes: number; total: number }>(c: C) => ({
    ...c,
    value: c.successes / c.total,
    ci: wilsonInterval(c.successes, c.total).ci,
  });
  const stats: RunStats[] = runs.map((r, i) => {
    const counts = successCounts(r.summary);
    const hasLlm = goodput[i] !== null || LLM_TRENDS.some((key) => llm[i][key] !== null);
    return {
      ...describeRun(r.label, r.summary),
      success: counts ? asEstimate(counts) : null,
      latency: withCount(latency[i]),
      llm: hasLlm
        ? {
            trends: Object.fromEntries(LLM_TRENDS.map((key) => [key, withCount(llm[i][key])])) as LlmStats['trends'],
            goodput: goodput[i] && asEstimate(goodput[i]!),
          }
        : null,
    };
  });

  const base = stats[baseline];
  const baseLatency = latency[baseline];
  const differences: RunDifference[] = stats.flatMap((run, i) => {
    if (i === baseline) return [];
    const lat = latency[i];
    const latencyDiff: RunDifference['latency'] = lat && baseLatency ? percentileDifferences(baseLatency, lat) : null;
    const bothLlm = run.llm !== null && base.llm !== null;
    const g = goodput[i];
    const gBase = goodput[baseline];
    const llmDiff: RunDifference['llm'] = bothLlm
      ? {
          trends: Object.fromEntries(
            LLM_TRENDS.map((key) => {
              const [b, r] = [llm[baseline][key], llm[i][key]];
              return [key, b && r ? percentileDifferences(b, r) : null];
            }),
          ) as Record<LlmTrend, Record<PercentileName, PercentileDifference> | null>,
          goodput: g && gBase ? compareProportions(gBase.successes, gBase.total, g.successes, g.total) : null,
        }
      : null;
    const success =
      run.success && base.success ? compareProportions(base.success.successes, base.success.total, run.success.successes, run.success.total) : null;
    const throughput =
      run.throughput !== null && base.throughput !== null
        ? { difference: run.throughput - base.throughput, relative: relative(run.throughput - base.throughput, base.throughput) }
        : null;
    return [{ run: i, label: run.label, baseline, success, latency: latencyDiff, throughput, llm: llmDiff }];
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
  const labels = byScenario.map((label, i) => (byScenario.indexOf(label) === byScenario.lastIndexOf(label) ? label : basename(runs[i].file)));
  return labels.map((label, i) => (labels.indexOf(label) === labels.lastIndexOf(label) ? label : `${label} #${i + 1}`));
}
