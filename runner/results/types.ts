/**
 * The Summary: what one run measured, as plain JSON. It is also the results file
 * (`--out json=PATH`, schema in docs/results-schema.json, validated by test/results-schema.test.ts),
 * and what every reporter receives. Add fields freely; never rename the ones docs/results-schema.md lists.
 */

import type { Timings } from '../../scenarios/types.js';
import type { SweepStepInfo } from '../plan/types.js';

export type MetricType = 'counter' | 'rate' | 'trend' | 'gauge';

/** Trend statistics in milliseconds; `hdr` is the compressed base64 HDR histogram in microseconds. */
export interface TrendSummary {
  type: 'trend';
  count: number;
  min: number;
  max: number;
  avg: number;
  med: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  hdr: string;
}

export interface CounterSummary {
  type: 'counter';
  count: number;
  /** per second over the run's duration */
  rate: number;
}

export interface RateSummary {
  type: 'rate';
  trues: number;
  falses: number;
  /** trues / (trues + falses); 0 when no sample */
  rate: number;
}

export interface GaugeSummary {
  type: 'gauge';
  value: number;
  min: number;
  max: number;
}

export type MetricSummary = TrendSummary | CounterSummary | RateSummary | GaugeSummary;

export interface CheckSummary {
  passes: number;
  fails: number;
}

export interface ThresholdResult {
  expression: string;
  ok: boolean;
  /** the value the expression was evaluated on (ms for trends); null when the metric had no sample */
  actual: number | null;
  abortOnFail?: boolean;
  /** set when the metric never received a sample: the threshold is not passed silently */
  noData?: boolean;
}

/** One point per engine interval (1 s); latencies in ms over that interval only. */
export interface TimelinePoint {
  /** ms since the run started (end of the interval) */
  t: number;
  vus: number;
  inFlight: number;
  /** requests completed per second in the interval */
  rps: number;
  /** failed requests (http_req_failed trues) in the interval */
  errors: number;
  p50: number | null;
  p95: number | null;
  p99?: number | null;
  /** the stage index running at the end of the interval */
  stage?: number;
  iterations?: number;
  dropped?: number;
  /** failed requests in the interval by error kind or status, e.g. { timeout: 2, 'http 400': 4 } */
  errorsByKind?: Record<string, number>;
  /** extra per-interval gauges (serverless monitor: workers_idle, jobs_in_queue, ...) */
  gauges?: Record<string, number>;
  /** http_req_duration of this interval only: compressed base64 HDR in microseconds (for hdrlog) */
  hdr?: string;
  /** ctx.llm's token timings of this interval, ms (null: none ended in it); absent when the run made no LLM request */
  llm?: TimelineLlm;
}

export interface TimelineLlm {
  ttftP50: number | null;
  ttftP95: number | null;
  itlP50: number | null;
  itlP95: number | null;
}

export interface ErrorGroup {
  /** 'exception' | a network error kind ('timeout', 'connect', ...) | 'http' */
  kind: string;
  message: string;
  /** TypeScript source location of an exception (file:line:col) */
  location?: string;
  status?: number;
  /** an HTTP failure: the first line of the first such response's body (at most 120 characters) */
  sample?: string;
  count: number;
}

export interface Insight {
  kind: string;
  severity: 'info' | 'warn' | 'fail';
  message: string;
  data: Record<string, unknown>;
}

/**
 * Present when the run measured nothing about its target (runner/verdict.ts): then it is
 * never "passed", whatever the thresholds say.
 */
export interface Verdict {
  /**
   * no-response: requests were sent and none got an HTTP response; iterations-failed: every
   * iteration threw; nothing-ran: no request was sent and no iteration completed
   */
  kind: 'no-response' | 'iterations-failed' | 'nothing-ran';
  /** the headline, e.g. "target unreachable: ECONNREFUSED 127.0.0.1:1, all 4,477 requests" */
  message: string;
  /** whether it set the exit code (3); false with --no-fail-unmeasured or failUnmeasured: false */
  failsRun: boolean;
  /** of the load (setup and teardown excluded) */
  requests: number;
  iterations: number;
  failedIterations: number;
  /** no-response: requests by network error kind, e.g. { connect: 4477 } */
  errorKinds?: Record<string, number>;
  /** no-response: the scenario's target origin, credentials shown as ***@ */
  target?: string;
}

export interface StageSummary {
  index: number;
  kind: string;
  description: string;
  startMs: number;
  durationMs: number;
  /** the load the plan offered in this stage (results files written before it have none) */
  offered?: OfferedLoad;
  /** the workload the stage belongs to, in a scenario with `workloads` (their stages overlap in time) */
  workload?: string;
}

/**
 * What a stage offered, from the plan: VUs in the closed model (their throughput follows the
 * target's), iterations per second or at once in the open model.
 */
export type OfferedLoad =
  | { executor: 'vu-levels'; fromVUs: number; toVUs: number }
  | { executor: 'shared-iterations'; vus: number; iterations: number }
  | { executor: 'arrival-rate'; fromRate: number; toRate: number; maxVUs: number; sweep?: SweepStepInfo }
  | { executor: 'arrival-burst'; iterations: number; overMs: number; maxVUs: number }
  | { executor: 'idle' };

export interface Summary {
  version: 1;
  scenario: { name: string; file: string; profile: string | null };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  aborted: boolean;
  /** why the run stopped early, when aborted: 'signal' | 'threshold' | 'scenario' | 'worker' */
  abortReason?: string;
  exitCode: number;
  /** only when the run measured nothing (see Verdict) */
  verdict?: Verdict;
  metrics: Record<string, MetricSummary>;
  checks: Record<string, CheckSummary>;
  thresholds: Record<string, ThresholdResult[]>;
  timeline: TimelinePoint[];
  errors: ErrorGroup[];
  insights: Insight[];
  stages?: StageSummary[];
  /** how the run was made (rampart and Node versions, threads, pool, retry policy, serverless preset) */
  meta?: RunMeta;
}

/** The retry policy in force, for the findings. */
export interface RetryMeta {
  configured: boolean;
  attempts?: number;
  statuses?: number[];
  errors?: string[];
}

/** The serverless preset, and what the cold-start classifier learnt of a warm worker's service time (ms by trend). */
export interface ServerlessMeta {
  preset: string;
  serviceTimes?: Record<string, { bound: number; typical: number; high?: number }>;
  /** no serverless field, but responses carried a known worker header: which, and the field that configures it */
  detected?: { header: string; configure: string };
}

/**
 * Run metadata. buildSummary writes every named field; results files of older versions may
 * lack some, so readers check. Other keys may appear (a user reporter's own notes).
 */
export interface RunMeta {
  rampart?: string;
  /** worker threads, summed over the segments of a merged distributed run */
  workers?: number;
  node?: string;
  peakVUs?: number;
  /** connections per origin in force (http.connections, else 6 per VU of the plan's pool size: plan/pool.ts), all threads */
  connectionsPerOrigin?: number;
  retry?: RetryMeta;
  serverless?: ServerlessMeta;
  [key: string]: unknown;
}

/**
 * One request, as `--out ndjson=PATH` writes it (one JSON object per line). Times are epoch ms;
 * the phases are the response's Timings, ms (blocked + connecting + tlsHandshaking + sending +
 * waiting + receiving = duration).
 */
export interface RequestRecord extends Timings {
  /** when the request started */
  t: number;
  /** when its open-model iteration should have started (null in the closed model) */
  intended: number | null;
  status: number;
  error: string | null;
  worker: string | null;
  attempt: number;
  vu: number;
  iteration: number;
  stage: number;
  name: string;
  method: string;
}
