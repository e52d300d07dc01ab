/** The Comparison's types: what `rampart compare` writes (`--out json=`) and its renderers read. */
import type { Interval } from './stats.js';

export const PERCENTILES = ['p50', 'p90', 'p95', 'p99'] as const;
export type PercentileName = (typeof PERCENTILES)[number];
export const PERCENTILE_VALUES: Record<PercentileName, number> = { p50: 50, p90: 90, p95: 95, p99: 99 };

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
