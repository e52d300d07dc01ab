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
} from './stats.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './defaults.js';
import {
  CONFIDENCE,
  type CompareOptions,
  type Comparison,
  LLM_TRENDS,
  type LlmStats,
  type LlmTrend,
  MIN_TAIL_SAMPLES,
  PERCENTILE_VALUES,
  PERCENTILES,
  type PercentileDifference,
  type PercentileEstimate,
  type PercentileEstimates,
  type PercentileName,
  type RunDifference,
  type RunStats,
} from './types.js';

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

/** One run's bootstrap replicates: http_req_duration and each llm_* trend, and llm_goodput's counts. */
interface RunSamples {
  latency: Replicates | null;
  llm: Record<LlmTrend, Replicates | null>;
  goodput: { successes: number; total: number } | null;
}

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
  const samples: RunSamples[] = runs.map((r, i) => ({
    latency: trendReplicates(r.summary, 'http_req_duration', resamples, streamOf(i, 0)),
    llm: Object.fromEntries(LLM_TRENDS.map((key, k) => [key, trendReplicates(r.summary, key, resamples, streamOf(i, k + 1))])) as RunSamples['llm'],
    goodput: rateCounts(r.summary, 'llm_goodput', 'trues'),
  }));
  const stats = runs.map((r, i) => runStats(r.label, r.summary, samples[i]));
  const differences = stats.flatMap((run, i) =>
    i === baseline
      ? []
      : [runDifference({ index: i, run, samples: samples[i] }, { index: baseline, run: stats[baseline], samples: samples[baseline] })],
  );
  return { version: 1, confidence: CONFIDENCE, seed, resamples, baseline, runs: stats, differences };
}

const asEstimate = <C extends { successes: number; total: number }>(c: C) => ({
  ...c,
  value: c.successes / c.total,
  ci: wilsonInterval(c.successes, c.total).ci,
});

function runStats(label: string, summary: Summary, { latency, llm, goodput }: RunSamples): RunStats {
  const counts = successCounts(summary);
  const hasLlm = goodput !== null || LLM_TRENDS.some((key) => llm[key] !== null);
  return {
    ...describeRun(label, summary),
    success: counts ? asEstimate(counts) : null,
    latency: withCount(latency),
    llm: hasLlm
      ? {
          trends: Object.fromEntries(LLM_TRENDS.map((key) => [key, withCount(llm[key])])) as LlmStats['trends'],
          goodput: goodput && asEstimate(goodput),
        }
      : null,
  };
}

interface RunSide {
  index: number;
  run: RunStats;
  samples: RunSamples;
}

/** A run against the baseline: success, latency percentiles, throughput and, when both have them, the llm_* numbers. */
function runDifference(r: RunSide, b: RunSide): RunDifference {
  const { run } = r;
  const base = b.run;
  const latency = r.samples.latency && b.samples.latency ? percentileDifferences(b.samples.latency, r.samples.latency) : null;
  const g = r.samples.goodput;
  const gBase = b.samples.goodput;
  const llm: RunDifference['llm'] =
    run.llm !== null && base.llm !== null
      ? {
          trends: Object.fromEntries(
            LLM_TRENDS.map((key) => {
              const [bs, rs] = [b.samples.llm[key], r.samples.llm[key]];
              return [key, bs && rs ? percentileDifferences(bs, rs) : null];
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
  return { run: r.index, label: run.label, baseline: b.index, success, latency, throughput, llm };
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
