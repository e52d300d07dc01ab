/** Types of the authoring API: what a scenario file sees when it imports 'rampart'. */
import type { S3Helper } from '../runner/s3/client.js';

export type { S3Helper, S3Result, S3GetResult } from '../runner/s3/client.js';

/** A duration: a number of milliseconds, or a string such as '250ms', '30s', '2m', '1h', '1m30s'. */
export type Duration = number | string;

/** Closed model: VUs ramp linearly from the previous stage's level to `to` over `over`. */
export interface ClosedRamp {
  kind: 'ramp';
  to: number;
  over: Duration;
}
/**
 * Open model: the arrival rate (iterations/s) ramps linearly to `rate`, from `startRate` when
 * given, else from the previous open stage's rate (0 when there is none).
 */
export interface OpenRamp {
  kind: 'ramp';
  startRate?: number;
  rate: number;
  over: Duration;
  maxVUs: number;
}
/** Closed model: `vus` VUs loop for `for`. */
export interface ClosedSoak {
  kind: 'soak';
  vus: number;
  for: Duration;
}
/** Open model: `rate` iterations/s for `for`, at most `maxVUs` in flight. */
export interface OpenSoak {
  kind: 'soak';
  rate: number;
  for: Duration;
  maxVUs: number;
}
/** Closed model: `vus` slots start at once and share `iterations` (default: one each). */
export interface ClosedBurst {
  kind: 'burst';
  vus: number;
  iterations?: number;
  maxDuration?: Duration;
}
/** Open model: `iterations` arrive at once (or evenly over `over`); beyond `maxVUs` in flight they are dropped. */
export interface OpenBurst {
  kind: 'burst';
  iterations: number;
  maxVUs: number;
  over?: Duration;
  maxDuration?: Duration;
}
/** No load for `for`. */
export interface Pause {
  kind: 'pause';
  for: Duration;
}

/**
 * A capacity search: the open-model rate climbs from `from` to `to` in `steps` steps of `each`.
 * A step holds while its error rate ≤ limits.errorRate (0.01), llm_goodput ≥ limits.goodput
 * (0.95, when it made LLM requests), dropped arrivals ≤ limits.dropped (0.01) and, if given,
 * http_req_duration p95 ≤ limits.p95; the sweep-capacity finding names the highest rate that held.
 */
export interface Sweep {
  kind: 'sweep';
  from: number;
  to: number;
  steps: number;
  each: Duration;
  maxVUs: number;
  limits?: { errorRate?: number; goodput?: number; dropped?: number; p95?: Duration };
}

export type Stage = ClosedRamp | OpenRamp | ClosedSoak | OpenSoak | ClosedBurst | OpenBurst | Pause | Sweep;

/** delayAbortEval (k6's): abortOnFail is not judged before this much load has run, e.g. '30s' */
export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: Duration };

export type HttpErrorKind =
  | 'timeout'
  | 'connect'
  | 'reset'
  | 'dns'
  | 'aborted'
  | 'tls'
  | 'protocol'
  | 'unknown'
  /** the redirect limit was reached: the response is the last 3xx */
  | 'redirect';

export interface HttpError {
  kind: HttpErrorKind;
  /** the underlying code, e.g. ECONNREFUSED, UND_ERR_SOCKET */
  code: string;
  message: string;
}

export interface RetryOptions {
  /** total attempts including the first (default 3) */
  attempts?: number;
  /** statuses to retry (default [429, 502, 503, 504]) */
  statuses?: number[];
  /** error kinds to retry (default ['timeout', 'connect', 'reset']) */
  errors?: HttpErrorKind[];
  /** first backoff (default '500ms'); doubles each attempt, full jitter */
  backoff?: Duration;
  /** cap on one backoff (default '30s') */
  maxBackoff?: Duration;
  /** honour Retry-After on 429/503 (default true) */
  respectRetryAfter?: boolean;
}

export interface HttpOptions {
  /** request deadline (default '60s'); on expiry the response has status 0 and error.kind 'timeout' */
  timeout?: Duration;
  headers?: Record<string, string>;
  /** connections per origin (default: the run's peak concurrency) */
  connections?: number;
  retry?: RetryOptions | false;
  /** redirects followed per request (default 10); 0 returns the 3xx as it is */
  redirects?: number;
  /** send `Accept-Encoding: gzip, deflate, br` (default false); compressed responses are decoded either way */
  compression?: boolean;
  /** one cookie jar per VU, emptied at each iteration's start (default true); 'keep' keeps it across iterations; false turns it off */
  cookies?: boolean | 'keep';
  /** HTTP basic authentication on every request */
  auth?: BasicAuth;
  /** TLS of https targets: a self-signed target fails with error.kind 'tls' unless `insecure` or its `ca` is given */
  tls?: TlsOptions;
  /** 1 (default): HTTP/1.1; 2 or 'auto': offer HTTP/2 by ALPN on https targets (plain http stays 1.1) */
  version?: 1 | 2 | 'auto';
  /** open the pool's connections to the target before the load starts, unmeasured (default: true when a stage is open-model); false: connect under load */
  warmup?: boolean;
}

export interface TlsOptions {
  /** accept any certificate (self-signed, expired, another host's) */
  insecure?: boolean;
  /** CA certificate(s) to trust: PEM text, or a path relative to the scenario file */
  ca?: string;
  /** client certificate and its key (mutual TLS): PEM text or paths */
  cert?: string;
  key?: string;
  /** SNI name and the name the certificate must carry (default: the URL's host) */
  servername?: string;
}

export interface BasicAuth {
  username: string;
  password: string;
}

/** A file for a multipart body, made by `file()`. */
export interface FileData {
  readonly filename: string;
  readonly contentType: string;
  /** the file's bytes (a path is read once, relative to the scenario file) */
  readonly bytes: Uint8Array;
}

export interface CookieOptions {
  domain?: string;
  path?: string;
  secure?: boolean;
  /** seconds from now; 0 or less deletes */
  maxAge?: number;
  /** epoch ms or a Date */
  expires?: number | Date;
}

/** The VU's cookie jar (ctx.http.cookies). */
export interface Cookies {
  /** name → value of the cookies a request to `url` would send */
  get(url: string): Record<string, string>;
  /** stores a cookie as if `url` had set it */
  set(url: string, name: string, value: string, options?: CookieOptions): void;
  /** empties the jar */
  clear(): void;
}

export interface RequestOptions {
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  /** the request's name tag (default: the URL path); groups sub-metrics such as http_req_duration{name:submit} */
  name?: string;
  tags?: Record<string, string>;
  timeout?: Duration;
  /** statuses that do not count as failed although they are >= 400 */
  expect?: number[];
  /** 'text' (default) keeps the body as a string; 'binary' gives `bytes` (exact bytes); 'none' discards it (still read to the end) */
  responseType?: 'text' | 'binary' | 'none';
  retry?: RetryOptions | false;
  /** redirects to follow (default: http.redirects, 10); 0 returns the 3xx */
  redirects?: number;
  /** an urlencoded form body (application/x-www-form-urlencoded) */
  form?: Record<string, string | number | boolean>;
  /** a multipart/form-data body: text fields and files made by `file()` */
  multipart?: Record<string, string | number | boolean | FileData>;
  /** HTTP basic authentication (the header is masked in every output) */
  auth?: BasicAuth;
}

export interface Timings {
  /** waiting for a free socket inside the client (ms) */
  blocked: number;
  /** TCP connect of a new connection; 0 on a reused one (ms) */
  connecting: number;
  /** TLS handshake of a new https connection; 0 otherwise (ms) */
  tlsHandshaking: number;
  /** handing the request (headers and body) to the connection (ms) */
  sending: number;
  /** request sent to first response byte (ms) */
  waiting: number;
  /** first byte to last byte (ms) */
  receiving: number;
  /** request start to last byte (ms) */
  duration: number;
}

export interface Response {
  /** HTTP status; 0 when no response arrived (see `error`) */
  status: number;
  ok: boolean;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** the exact body bytes, with `responseType: 'binary'` (then `body` is '') */
  bytes?: Uint8Array;
  json<T = any>(): T;
  timings: Timings;
  error?: HttpError;
  url: string;
  method: string;
  name: string;
  /** 1 for the first attempt; higher when retried */
  attempt: number;
  /** the worker that served it, when the scenario's `serverless` settings name a header or field */
  worker?: string;
}

/** Options of ctx.http.stream: a request's options, without retries or redirects (a stream is read once). */
export interface StreamOptions extends Omit<RequestOptions, 'responseType' | 'retry' | 'redirects'> {
  /** 'sse' (default): the body is parsed as server-sent events; 'raw': each chunk as it arrives */
  format?: 'sse' | 'raw';
}

/** One server-sent event (or one raw chunk) of a streamed response. */
export interface StreamEvent {
  /** the event's data (its data: lines joined by a newline), or the chunk's text */
  data: string;
  /** the SSE `event:` field, when sent */
  event?: string;
  /** the SSE `id:` field, when sent */
  id?: string;
  /** ms from the request's start to this event's arrival */
  at: number;
}

/**
 * A response read as it arrives: iterate it with for await. Leaving the loop early aborts the
 * request (not counted as failed). A status other than 2xx yields no events; its body is in
 * `response`.
 */
export interface ResponseStream extends AsyncIterable<StreamEvent> {
  /** the request's sample, once the stream ended (status, error, timings; body only when not 2xx) */
  readonly response: Promise<Response>;
  /** events read so far */
  readonly events: number;
}

export interface HttpClient {
  /** a request whose response is read as it arrives (server-sent events or raw chunks) */
  stream(method: string, url: string, options?: StreamOptions): ResponseStream;
  request(method: string, url: string, options?: RequestOptions): Promise<Response>;
  get(url: string, options?: RequestOptions): Promise<Response>;
  head(url: string, options?: RequestOptions): Promise<Response>;
  post(url: string, options?: RequestOptions): Promise<Response>;
  put(url: string, options?: RequestOptions): Promise<Response>;
  patch(url: string, options?: RequestOptions): Promise<Response>;
  delete(url: string, options?: RequestOptions): Promise<Response>;
  /** this VU's cookie jar */
  cookies: Cookies;
}

export type Tags = Record<string, string>;

/** Where ctx.llm sends its requests (docs/llm.md). */
export interface LlmOptions {
  /** the API's base URL, as OpenAI's clients take it, e.g. 'http://127.0.0.1:8000/v1' (default: the scenario's target + '/v1') */
  baseURL?: string;
  /** sent as 'Authorization: Bearer KEY', masked in every output */
  apiKey?: string;
  /** the model of a request body that names none */
  model?: string;
  /** headers of every ctx.llm request */
  headers?: Record<string, string>;
}

/** Targets a ctx.llm request must meet to count in llm_goodput (all that are given, as vLLM's --goodput). */
export interface SloOptions {
  /** time to the first token */
  ttft?: Duration;
  /** time per output token after the first */
  tpot?: Duration;
  /** request start to the last token */
  e2e?: Duration;
}

export interface LlmCallOptions {
  /** the name tag of the request and of its llm_* samples (default: the URL path) */
  name?: string;
  tags?: Record<string, string>;
  timeout?: Duration;
  headers?: Record<string, string>;
}

/** What ctx.llm.chat and ctx.llm.complete answer; they never throw for the server's failures. */
export interface LlmResult {
  ok: boolean;
  /** HTTP status; 0 when no response arrived */
  status: number;
  /** why it failed: 'http' (status >= 400), a network kind ('reset', 'timeout', ...), 'malformed', 'stream-error' or 'incomplete' */
  error?: { kind: string; message: string };
  /** the generated text (all content deltas joined) */
  text: string;
  finishReason?: string;
  streamed: boolean;
  /** from the response's usage */
  inputTokens?: number;
  /** from the response's usage; counted from the token events when the server sent no usage (then `estimated`) */
  outputTokens: number;
  estimated: boolean;
  /** ms to the first token (streamed only) */
  ttft?: number;
  /** ms per output token after the first: (e2e - ttft) / (outputTokens - 1) (streamed, 2 tokens or more) */
  tpot?: number;
  /** ms from the request's start to the last token (the whole response when not streamed) */
  e2e: number;
  /** ms between consecutive token events */
  itl: number[];
  /** true when the request succeeded and met every SLO of the scenario's `slo` */
  good: boolean;
  /** the HTTP sample (status, headers, timings; the body when it was not a stream) */
  response: Response;
}

/** ctx.llm: OpenAI-compatible chat and completion calls, measured (docs/llm.md). */
export interface Llm {
  /** POST {baseURL}/chat/completions with `body` as written for OpenAI's API (model, messages, max_tokens, stream, ...) */
  chat(body: Record<string, unknown>, options?: LlmCallOptions): Promise<LlmResult>;
  /** POST {baseURL}/completions (model, prompt, max_tokens, stream, ...) */
  complete(body: Record<string, unknown>, options?: LlmCallOptions): Promise<LlmResult>;
}

/** How a serverless platform's API looks: routes, fields, statuses (docs/serverless.md). RunPod is the preset. */
export interface ServerlessOptions {
  preset?: 'runpod' | 'replicate' | 'beam' | 'none';
  /** response header carrying the worker's id, e.g. 'x-runpod-worker-id' */
  workerHeader?: string;
  /** JSON body field carrying the worker's id, e.g. 'workerId' */
  workerField?: string;
  routes?: { submit?: string; status?: string; cancel?: string; health?: string };
  idField?: string;
  statusField?: string;
  finalStatuses?: string[];
  successStatuses?: string[];
  /** ms the job waited in the platform's queue, cold start included (RunPod: delayTime) */
  queueTimeField?: string;
  /** ms the job ran on its worker (RunPod: executionTime) */
  executionTimeField?: string;
  outputField?: string;
  errorField?: string;
  poll?: { interval?: Duration; max?: Duration; factor?: number; timeout?: Duration };
  /** sample the health route into timeline gauges while the load runs; false to turn off */
  monitor?: false | { route?: string; every?: Duration };
  /** cold-start rule knobs */
  cold?: { minDelay?: Duration; factor?: number };
}

export interface JobOptions {
  /** name tag of the job's requests and metrics (default 'job') */
  name?: string;
  /** extra fields of the submit body next to `input` (e.g. policy, webhook) */
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** first poll interval in ms (default from serverless.poll.interval, 1 s) */
  pollInterval?: number;
  /** give up polling after this many ms (default serverless.poll.timeout, 10 min) */
  timeoutMs?: number;
}

export interface JobResult {
  id?: string;
  /** the platform's final status, or SUBMIT_FAILED, LOST (404 on status), POLL_TIMEOUT, ABORTED */
  status: string;
  ok: boolean;
  output?: unknown;
  error?: string;
  /** the platform's queue time (RunPod delayTime), ms */
  queueMs?: number;
  /** the platform's execution time, ms */
  executionMs?: number;
  /** submit to final status as seen by polling, ms */
  totalMs: number;
  workerId?: string;
  polls: number;
}

export interface Jobs {
  /** submit `input`, poll until a final status; never throws for the platform's failures */
  run(input: unknown, options?: JobOptions): Promise<JobResult>;
}

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
