import { Agent } from 'undici';
import type { HttpClient, RequestOptions, Response, RetryOptions, Tags } from '../../scenarios/types.js';
import { parseDuration } from '../duration.js';
import { msToUs } from '../metrics/hdr.js';
import type { Collector, TagList } from '../metrics/collector.js';
import type { SecretMask } from '../secrets.js';
import type { RateMetric, TrendMetric } from '../metrics/metric.js';
import type { RequestRecord } from '../metrics/summary-types.js';
import { STOP_REASON, TIMEOUT_REASON } from './errors.js';
import { Exchange } from './exchange.js';
import { HttpResponse } from './response.js';
import { backoffMs, retryPolicy, shouldRetry, type RetryPolicy } from './retry.js';
import { timedConnector, withTiming, type PhaseTiming } from './timing.js';

export interface HttpEngineOptions {
  collector: Collector;
  /** base URL for relative paths */
  target?: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** connections per origin: the run's peak concurrency (this thread's share) */
  connections: number;
  retry?: RetryOptions | false;
  /** learns the values of credential headers, so that they are masked in every output */
  mask?: SecretMask;
  /** receives one record per request when per-request output (ndjson) was asked for */
  record?: (r: RequestRecord) => void;
}

/** What the engine knows about the VU making a request. */
export interface VuRef {
  stage: number;
  vu: number;
  iteration: number;
  /** epoch ms the open-model iteration should have started, 0 in the closed model */
  intendedAt: number;
}

/** Sees every response before its metrics are recorded (serverless worker identity). */
export type ResponseObserver = (res: HttpResponse) => void;

const MAX_NAMES = 200;
const OTHER_NAME = '(other)';

/** One per thread: the undici agent, the in-flight requests, and the metrics they feed. */
export class HttpEngine {
  readonly agent: Agent;
  /** requests in flight and retry back-offs, for the hard stop */
  private readonly inflight = new Set<{ abort(reason: unknown): void }>();
  private readonly names = new Set<string>();
  private readonly retry: RetryPolicy | null;
  private stopped = false;
  observer: ResponseObserver | null = null;

  constructor(private readonly options: HttpEngineOptions) {
    this.agent = new Agent({ connections: Math.max(1, options.connections), connect: timedConnector() });
    this.retry = retryPolicy(options.retry);
    options.mask?.addHeaders(options.headers);
  }

  client(vu: VuRef): HttpClient {
    const send = (method: string, url: string, opts?: RequestOptions) => this.call(method, url, opts ?? {}, vu);
    return {
      request: send,
      get: (url, o) => send('GET', url, o),
      head: (url, o) => send('HEAD', url, o),
      post: (url, o) => send('POST', url, o),
      put: (url, o) => send('PUT', url, o),
      patch: (url, o) => send('PATCH', url, o),
      delete: (url, o) => send('DELETE', url, o),
    };
  }

  /** Aborts every request in flight (the run's hard stop); later requests fail at once as 'aborted'. */
  abortAll(): void {
    this.stopped = true;
    for (const x of this.inflight) x.abort(STOP_REASON);
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => {});
  }

  /** A logical call: one attempt, or several under a retry policy. */
  private async call(method: string, url: string, opts: RequestOptions, vu: VuRef): Promise<Response> {
    const policy = opts.retry === undefined ? this.retry : retryPolicy(opts.retry);
    if (!policy) return this.attempt(method, url, opts, vu, 1);
    const c = this.options.collector;
    const started = performance.now();
    let res = await this.attempt(method, url, opts, vu, 1);
    while (res.attempt < policy.attempts && shouldRetry(policy, res) && !this.stopped) {
      await this.sleep(backoffMs(policy, res.attempt, res));
      if (this.stopped) break;
      c.counter('http_retries').add();
      res = await this.attempt(method, url, opts, vu, res.attempt + 1);
    }
    const tags: TagList = [['name', res.name]];
    const tagKey = res.name;
    for (const m of c.tagged('http_call_duration', 'trend', tags, tagKey)) (m as TrendMetric).record(msToUs(performance.now() - started));
    for (const m of c.tagged('http_call_failed', 'rate', tags, tagKey)) (m as RateMetric).add(!res.ok);
    if (res.ok && res.attempt > 1) c.counter('http_calls_rescued').add();
    return res;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = { abort: () => { clearTimeout(timer); this.inflight.delete(wake); resolve(); } };
      const timer = setTimeout(wake.abort, ms);
      this.inflight.add(wake);
    });
  }

  private nameFor(path: string, explicit: string | undefined): string {
    const name = explicit ?? path;
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_NAMES) return OTHER_NAME; // unbounded names would mean unbounded sub-metrics
    this.names.add(name);
    return name;
  }

  private async attempt(method: string, url: string, opts: RequestOptions, vu: VuRef, attempt: number): Promise<HttpResponse> {
    const { collector, target, headers: defaultHeaders } = this.options;
    const timeoutMs = opts.timeout !== undefined ? parseDuration(opts.timeout) : this.options.timeoutMs;
    if (!(timeoutMs > 0)) throw new TypeError(`ctx.http: timeout ${JSON.stringify(opts.timeout)} is not a positive duration such as '5s'`);
    let full: URL;
    try {
      full = target ? new URL(url, target) : new URL(url);
    } catch {
      throw new TypeError(`ctx.http: '${url}' is not a URL${target ? '' : ' (relative paths need the scenario\'s target)'}`);
    }
    if (opts.query) for (const [k, v] of Object.entries(opts.query)) full.searchParams.append(k, String(v));
    const headers: Record<string, string> = { 'user-agent': 'rampart/0.1', ...defaultHeaders, ...opts.headers };
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] ??= 'application/json';
    }
    if (opts.headers) this.options.mask?.addHeaders(opts.headers);
    const name = this.nameFor(full.pathname, opts.name);

    const exchange = new Exchange(opts.responseType !== 'none' && method !== 'HEAD', timeoutMs);
    if (this.stopped) exchange.abort(STOP_REASON);
    const timer = setTimeout(() => exchange.abort(TIMEOUT_REASON), timeoutMs);
    this.inflight.add(exchange);
    const timing: PhaseTiming = { sentAt: 0, connectMs: 0, headerBytes: 0 };
    const start = performance.now();
    try {
      withTiming(timing, () => this.agent.dispatch({ origin: full.origin, path: full.pathname + full.search, method, headers, body }, exchange));
    } catch (err) {
      exchange.onError(err as Error); // invalid arguments are reported like any other failure
    }
    const { status, rawHeaders, body: text, received, error, firstByteAt, end } = await exchange.done;
    clearTimeout(timer);
    this.inflight.delete(exchange);
    const sentAt = timing.sentAt || end;
    const timings = {
      blocked: Math.max(0, sentAt - start - timing.connectMs),
      connecting: timing.connectMs,
      waiting: firstByteAt ? firstByteAt - sentAt : 0,
      receiving: firstByteAt ? end - firstByteAt : 0,
      duration: end - start,
    };
    const failed = error !== undefined || (status >= 400 && !(opts.expect?.includes(status) ?? false));
    const res = new HttpResponse(status, rawHeaders, text, timings, error, full.href, method, name, attempt, failed);

    const tags: TagList = [['name', name], ['method', method], ['status', String(status)], ['stage', String(vu.stage)]];
    if (error) tags.push(['error', error.kind]);
    if (attempt > 1) tags.push(['retry', 'true']);
    addTags(tags, opts.tags);
    this.observer?.(res);
    this.options.record?.({
      t: round3(performance.timeOrigin + start), intended: vu.intendedAt ? round3(vu.intendedAt) : null,
      duration: round3(timings.duration), waiting: round3(timings.waiting),
      status, error: error?.kind ?? null, worker: res.worker ?? null, attempt, vu: vu.vu, iteration: vu.iteration,
      stage: vu.stage, name, method,
    });
    collector.recordRequest({
      tags, tagKey: tags.map((t) => t[1]).join('\u0001') + (opts.tags ? tagNames(tags) : ''),
      durationUs: msToUs(timings.duration), waitingUs: msToUs(timings.waiting), connectingUs: msToUs(timings.connecting),
      blockedUs: msToUs(timings.blocked), receivingUs: msToUs(timings.receiving),
      failed, sent: timing.headerBytes + (body ? (typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) : 0),
      received,
    });
    if (error) collector.recordError({ kind: error.kind, message: `${method} ${name}: ${error.message}` });
    else if (failed) collector.recordError({ kind: 'http', status, message: `${method} ${name}: HTTP ${status}` });
    return res;
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function addTags(list: TagList, tags: Tags | undefined): void {
  if (tags) for (const k of Object.keys(tags)) list.push([k, String(tags[k])]);
}

function tagNames(tags: TagList): string {
  let s = '\u0002';
  for (let i = 4; i < tags.length; i++) s += tags[i][0] + '\u0001';
  return s;
}
