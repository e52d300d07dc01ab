/** Types of the authoring API: what a scenario file sees when it imports 'rampart'. */
import type { S3Helper } from '../runner/s3/types.js';
import type { HttpClient, HttpOptions } from './http-types.js';
import type { Llm, LlmOptions, SloOptions } from './llm-types.js';
import type { Jobs, ServerlessOptions } from './serverless-types.js';
import type { Duration, Stage, ThresholdSpec } from './stage-types.js';

// The one public entry: the topic files are re-exported so `from './types.js'` and `rampart` see every type.
export type * from './http-types.js';
export type * from './llm-types.js';
export type * from './serverless-types.js';
export type * from './stage-types.js';
export type { S3Helper, S3Result, S3GetResult } from '../runner/s3/types.js';

export type Tags = Record<string, string>;

export interface S3Options {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface CustomMetrics {
  counter(name: string): { add(value?: number, tags?: Tags): void };
  rate(name: string): { add(value: boolean, tags?: Tags): void };
  /** values in ms */
  trend(name: string): { add(valueMs: number, tags?: Tags): void };
  gauge(name: string): { set(value: number, tags?: Tags): void };
}

export interface Context {
  http: HttpClient;
  /** the VU's id, unique across worker threads (1-based) */
  vu: number;
  /** this VU's iteration number (0-based) */
  iteration: number;
  /** this iteration's number in the whole test, across every workload: unique and dense across worker threads (0-based) */
  iterationInTest: number;
  /** the index of the stage that started this iteration (numbered across workloads, as `rampart inspect` shows) */
  stage: number;
  /** the workload running this iteration ('default' for a file with top-level `stages`) */
  workload: string;
  /** this iteration's number in its workload, unique and dense across worker threads (0-based) */
  iterationInWorkload: number;
  env: Record<string, string | undefined>;
  sleep(duration: Duration): Promise<void>;
  log(...args: unknown[]): void;
  /** aborted when the graceful stop runs out: stop what you are doing */
  signal: AbortSignal;
  metrics: CustomMetrics;
  /** submit-then-poll jobs on a serverless queue API (scenario `serverless`) */
  jobs: Jobs;
  /** an S3 client whose pool is sized to the run, its operations measured (scenario `s3`) */
  s3: S3Helper;
  /** OpenAI-compatible chat and completion calls with TTFT, ITL, TPOT and tokens measured (scenario `llm`, `slo`; docs/llm.md) */
  llm: Llm;
  /**
   * Runs `fn` as group `name`: its requests carry the tag group:<name> (nested groups join
   * with '::', e.g. 'checkout::pay') and its time is recorded as group_duration{group:<name>}.
   */
  group<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
}

/** setup() and teardown() see the same context, without a VU. */
export type LifecycleContext = Omit<Context, 'vu' | 'iteration' | 'iterationInTest' | 'stage' | 'workload' | 'iterationInWorkload'>;

export interface ScenarioDefinition<Data = unknown> {
  name: string;
  /** base URL for relative request paths */
  target?: string;
  stages?: Stage[];
  /** named stage lists, chosen with --profile */
  profiles?: Record<string, Stage[]>;
  thresholds?: Record<string, ThresholdSpec[] | ThresholdSpec>;
  /** custom metrics used in thresholds: { my_metric: 'trend' } */
  metrics?: Record<string, 'counter' | 'rate' | 'trend' | 'gauge'>;
  http?: HttpOptions;
  /** a serverless platform's API: worker identity, cold starts, jobs, health monitor ('runpod' or options); false: none, not even the detected worker headers */
  serverless?: ServerlessOptions | 'runpod' | 'replicate' | 'beam' | false;
  /** S3 for ctx.s3 (defaults from rampart.yaml `s3:` and the AWS_* variables) */
  s3?: S3Options;
  /** where ctx.llm sends its requests: { baseURL, apiKey, model } (docs/llm.md) */
  llm?: LlmOptions;
  /** targets for llm_goodput: { ttft: '500ms', tpot: '50ms', e2e } */
  slo?: SloOptions;
  /** time in-flight iterations get to finish at the end of the run (default '30s') */
  gracefulStop?: Duration;
  setup?(ctx: LifecycleContext): Data | Promise<Data>;
  iteration(ctx: Context, data: Data): void | Promise<void>;
  teardown?(ctx: LifecycleContext, data: Data): void | Promise<void>;
  /** several workloads at once (k6's scenarios); then `stages`, `profiles` and `iteration` belong in each workload */
  workloads?: Record<string, Workload<Data>>;
}

/** One workload of a scenario: its own load shape and iteration, running alongside the others. */
export interface Workload<Data = unknown> {
  stages?: Stage[];
  /** named stage lists, chosen with --profile (a workload without one keeps its `stages`) */
  profiles?: Record<string, Stage[]>;
  /** when the workload starts, from the start of the run (default 0) */
  startAfter?: Duration;
  /** tags every sample of this workload carries, besides `workload:<name>` */
  tags?: Tags;
  iteration(ctx: Context, data: Data): void | Promise<void>;
}

/** A scenario made of workloads: each brings its own stages and iteration. */
export type WorkloadsScenario<Data = unknown> = Omit<ScenarioDefinition<Data>, 'stages' | 'profiles' | 'iteration' | 'workloads'> & {
  workloads: Record<string, Workload<Data>>;
};

export type Checks<T> = Record<string, (value: T) => boolean>;

/** Read-only rows shared by every VU and worker thread (k6's SharedArray); see dataset(). */
export interface Dataset<T> extends Iterable<T> {
  readonly name: string;
  readonly length: number;
  /** a fresh copy of row `index` (negative counts from the end); undefined out of range */
  at(index: number): T | undefined;
  /** row `n` modulo the length, e.g. rows.pick(ctx.vu) or rows.pick(ctx.iterationInTest) */
  pick(n: number): T;
  readonly [index: number]: T | undefined;
}

export interface DatasetOptions {
  /** default: from the file's extension (.json, .csv) */
  format?: 'json' | 'csv';
  /** CSV: true (default) makes objects keyed by the header row; false gives string[] rows */
  columns?: boolean;
  /** CSV field delimiter (default ',') */
  delimiter?: string;
}
