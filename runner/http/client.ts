import { newAgent, type Agent } from './undici.js';
import type { HttpClient, RequestOptions, Response, RetryOptions } from '../../scenarios/types.js';
import { parseDuration } from '../duration.js';
import { msToUs } from '../metrics/hdr.js';
import type { Collector, TagList } from '../metrics/collector.js';
import type { SecretMask } from '../secrets.js';
import type { RequestRecord } from '../results/types.js';
import type { RateMetric, TrendMetric } from '../metrics/metric.js';
import { STOP_REASON } from './errors.js';
import { abortOnTimeout, Exchange, phaseTimings } from './exchange.js';
import { HttpResponse } from './response.js';
import { backoffMs, retryPolicy, shouldRetry, type RetryPolicy } from './retry.js';
import { timedConnector } from './timing.js';
import type { ConnectionSettings } from './tls.js';
import { UrlResolver } from './url-cache.js';
import { RequestNames, RequestSinks } from './request-sinks.js';
import { openStream } from './stream.js';
import { cookieAccess, type CookieJar } from './cookies.js';
import { Features, storeCookies, type ClientFeatures } from './features.js';
import { checkRequestOptions } from './options.js';
import { isRedirect, locationOf, nextHop, tooManyRedirects } from './redirects.js';
import { bodySample, requestRecord } from './request-record.js';
import { InFlight, type Abortable } from './in-flight.js';
import { RequestBuilder } from './request-parts.js';

export interface HttpEngineOptions {
  collector: Collector;
  /** base URL for relative paths */
  target?: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** connections per origin for each VU's first request in flight: the plan's peak concurrency (this thread's share), or http.connections */
  connections: number;
  /**
   * connections per origin for a VU's further requests in flight (Promise.all), in a pool of
   * their own, so that a VU's requests one after another keep one connection (runner/plan/pool.ts)
   */
  fanOutConnections?: number;
  /** TLS and HTTP/2 (connectionSettings of the scenario's http options) */
  tls?: ConnectionSettings;
  retry?: RetryOptions | false;
  /** redirects, compression, cookies and basic auth of the scenario's http options */
  features?: ClientFeatures;
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
  /** the VU's cookie jar (set by client(); null when cookies are off) */
  jar?: CookieJar | null;
  /** the ctx.group() the VU is in, 'outer::inner' (runner/engine/groups.ts) */
  group?: string;
  /** the VU's requests in flight: the first goes to the main pool, the others to the fan-out pool */
  inFlight?: number;
}

/** Makes the handler of one attempt: a plain Exchange, or a StreamExchange for ctx.http.stream. */
export type ExchangeFactory = (keepBody: boolean, timeoutMs: number, binary: boolean) => Exchange;
const plainExchange: ExchangeFactory = (keepBody, timeoutMs, binary) => new Exchange(keepBody, timeoutMs, binary);

/** Sees every response before its metrics are recorded (serverless worker identity). */
export type ResponseObserver = (res: HttpResponse) => void;

/** One per thread: the undici agent, the in-flight requests, and the metrics they feed. */
export class HttpEngine {
  readonly agent: Agent;
  private fanOut: Agent | null = null;
  /** requests in flight and retry back-offs, for the hard stop */
  private readonly inflight = new InFlight();
  private readonly names = new RequestNames();
  private readonly retry: RetryPolicy | null;
  private stopped = false;
  observer: ResponseObserver | null = null;

  private readonly urls: UrlResolver;
  private readonly sinks: RequestSinks;
  private readonly requests: RequestBuilder;
  private readonly features: Features;

  constructor(private readonly options: HttpEngineOptions) {
    this.urls = new UrlResolver(options.target);
    this.sinks = new RequestSinks(options.collector);
    this.features = new Features(options.features, options.mask);
    const defaults = { 'user-agent': 'rampart/0.1', ...Features.defaultHeaders(options.features, options.mask), ...options.headers };
    this.requests = new RequestBuilder(this.features, options.mask, defaults);
    const { allowH2, ...tls } = options.tls ?? { allowH2: false };
    // the request's own deadline (timeoutMs, opts.timeout) is the only one: undici's 300 s
    // headers and body timeouts would cut a longer one short, and cost a timer per request
    const common = { allowH2, headersTimeout: 0, bodyTimeout: 0 };
    this.agent = newAgent({ ...common, connections: Math.max(1, options.connections), connect: timedConnector({ ...tls, allowH2 }) });
    if (options.fanOutConnections) {
      // undici marks a connection free a tick after its response ends: a VU's next request would
      // find the main pool busy and, had it room, open a connection more than the VU needs
      this.fanOut = newAgent({ ...common, connections: options.fanOutConnections, connect: timedConnector({ ...tls, allowH2 }) });
    }
    this.retry = retryPolicy(options.retry);
    options.mask?.addHeaders(options.headers);
  }

  client(vu: VuRef): HttpClient {
    const jar = (vu.jar = this.features.newJar());
    // options are checked before anything is sent: esbuild strips types, so a typo would pass silently
    const send = (call: string, method: string, url: string, opts: RequestOptions | undefined, extra: unknown) => {
      if (opts !== undefined || extra !== undefined) checkRequestOptions(call, opts, extra !== undefined);
      return this.call(method, url, opts ?? NO_OPTIONS, vu);
    };
    return {
      request: (method, url, o, p?: unknown) => send('request', method, url, o, p),
      get: (url, o, p?: unknown) => send('get', 'GET', url, o, p),
      head: (url, o, p?: unknown) => send('head', 'HEAD', url, o, p),
      post: (url, o, p?: unknown) => send('post', 'POST', url, o, p),
      put: (url, o, p?: unknown) => send('put', 'PUT', url, o, p),
      patch: (url, o, p?: unknown) => send('patch', 'PATCH', url, o, p),
      delete: (url, o, p?: unknown) => send('delete', 'DELETE', url, o, p),
      stream: (method, url, o, p?: unknown) => openStream(this, vu, method, url, o, p),
      cookies: cookieAccess(
        jar,
        () => jar?.sync(vu.iteration),
        (url) => new URL(this.urls.resolve(url).href),
      ),
    };
  }

  get collector(): Collector {
    return this.options.collector;
  }

  /** the base URL of relative paths (the scenario's target after overrides) */
  get target(): string | undefined {
    return this.options.target;
  }

  /** One attempt whose handler `make` builds (ctx.http.stream: no retry; redirects are followed with the same kind of handler). */
  attemptWith(method: string, url: string, opts: RequestOptions, vu: VuRef, make: ExchangeFactory): Promise<HttpResponse> {
    return this.attempt(method, url, opts, vu, 1, 0, make);
  }

  /** Aborts every request in flight (the run's hard stop); later requests fail at once as 'aborted'. */
  abortAll(): void {
    this.stopped = true;
    this.inflight.abortAll(STOP_REASON);
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  async close(): Promise<void> {
    await Promise.all([this.agent.destroy().catch(() => {}), this.fanOut?.destroy().catch(() => {})]);
  }

  /** A logical call: one attempt, or several under a retry policy. */
  private call(method: string, url: string, opts: RequestOptions, vu: VuRef): Promise<Response> {
    const policy = opts.retry === undefined ? this.retry : retryPolicy(opts.retry);
    // no retry: the attempt's own promise, without an async wrapper around it
    return policy ? this.retried(method, url, opts, vu, policy) : this.attempt(method, url, opts, vu, 1);
  }

  private async retried(method: string, url: string, opts: RequestOptions, vu: VuRef, policy: RetryPolicy): Promise<Response> {
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
    const us = msToUs(performance.now() - started); // one value for the metric and its sub-metrics
    for (const m of c.tagged('http_call_duration', 'trend', tags, tagKey)) (m as TrendMetric).record(us);
    for (const m of c.tagged('http_call_failed', 'rate', tags, tagKey)) (m as RateMetric).add(!res.ok);
    if (res.ok && res.attempt > 1) c.counter('http_calls_rescued').add();
    return res;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake: Abortable = {
        prevInFlight: null,
        nextInFlight: null,
        abort: () => {
          clearTimeout(timer);
          this.inflight.delete(wake);
          resolve();
        },
      };
      const timer = setTimeout(wake.abort, ms);
      this.inflight.add(wake);
    });
  }

  /**
   * One attempt: sent, awaited, settled. The async frame holds only what crosses the await
   * (V8 allocates every local of an async function per call); the rest is in send/settle.
   */
  private async attempt(
    method: string,
    url: string,
    opts: RequestOptions,
    vu: VuRef,
    attempt: number,
    hop = 0,
    make = plainExchange,
  ): Promise<HttpResponse> {
    const exchange = this.send(method, url, opts, vu, make);
    await exchange.done;
    const res = this.settle(exchange, method, opts, vu, attempt, hop);
    const location = exchange.redirectTo;
    if (location !== undefined && !res.error && !this.stopped) {
      const next = nextHop(res.status, method, res.url, location, opts);
      return this.attempt(next.method, next.url, next.opts, vu, attempt, hop + 1, make);
    }
    return res;
  }

  /** Builds the request and hands it to undici; the exchange carries what settle() needs. */
  private send(method: string, url: string, opts: RequestOptions, vu: VuRef, make: ExchangeFactory): Exchange {
    const timeoutMs = opts.timeout !== undefined ? parseDuration(opts.timeout) : this.options.timeoutMs;
    if (!(timeoutMs > 0)) throw new TypeError(`ctx.http: timeout ${JSON.stringify(opts.timeout)} is not a positive duration such as '5s'`);
    const full = this.urls.resolve(url, opts.query);
    const { headers, body } = this.requests.parts(opts, full, vu);
    const exchange = make(opts.responseType !== 'none' && method !== 'HEAD', timeoutMs, opts.responseType === 'binary');
    exchange.url = full.href;
    exchange.name = this.names.of(full.pathname, opts.name);
    if (this.stopped) exchange.abort(STOP_REASON);
    exchange.timer = setTimeout(abortOnTimeout, timeoutMs, exchange);
    this.inflight.add(exchange);
    const inFlight = vu.inFlight ?? 0;
    const pool = inFlight > 0 && this.fanOut ? this.fanOut : this.agent;
    vu.inFlight = inFlight + 1;
    exchange.start = performance.now();
    try {
      pool.dispatch({ origin: full.origin, path: full.path, method, headers, body }, exchange);
    } catch (err) {
      exchange.onError(err as Error); // invalid arguments are reported like any other failure
    }
    return exchange;
  }

  /** The settled exchange as a response, its sample recorded; a redirect to follow is left in exchange.redirectTo. */
  private settle(exchange: Exchange, method: string, opts: RequestOptions, vu: VuRef, attempt: number, hop: number): HttpResponse {
    vu.inFlight = (vu.inFlight ?? 1) - 1;
    clearTimeout(exchange.timer);
    this.inflight.delete(exchange);
    const { status, rawHeaders, start, url } = exchange;
    const timings = phaseTimings(exchange);
    if (vu.jar && rawHeaders) storeCookies(vu.jar, rawHeaders, url);
    // a redirect to follow: this hop is a sample of its own, then the next hop is requested
    const limit = isRedirect(status) && !exchange.error ? (opts.redirects ?? this.features.redirects) : 0;
    const location = limit > 0 ? locationOf(rawHeaders) : undefined;
    const error = location !== undefined && hop >= limit ? tooManyRedirects(limit, location) : exchange.error;
    if (location !== undefined && !error) exchange.redirectTo = location;
    const failed = error !== undefined || (status >= 400 && !(opts.expect?.includes(status) ?? false));
    const res = new HttpResponse(status, rawHeaders, exchange.body, timings, error, url, method, exchange.name, attempt, failed);
    if (exchange.bytes) res.bytes = exchange.bytes;

    this.observer?.(res);
    if (this.options.record) this.options.record(requestRecord(res, start, vu));
    this.recordSample(res, exchange, vu, opts);
    return res;
  }

  /** The attempt's metrics and, when it failed, its error group. */
  private recordSample(res: HttpResponse, exchange: Exchange, vu: VuRef, opts: RequestOptions): void {
    const { collector } = this.options;
    const { status, error, name, method, timings: t } = res;
    const tags = vu.group === undefined ? opts.tags : { ...opts.tags, group: vu.group };
    const sink = this.sinks.find(name, method, status, vu.stage, error, res.attempt, tags, res.ok);
    const us = msToUs;
    collector.recordRequest(
      sink,
      us(t.duration),
      us(t.waiting),
      us(t.connecting),
      us(t.tlsHandshaking),
      us(t.sending),
      us(t.blocked),
      us(t.receiving),
      !res.ok,
      exchange.sent,
      exchange.received,
    );
    if (error) collector.recordError({ kind: error.kind, message: `${method} ${name}: ${error.message}` });
    else if (!res.ok) collector.recordError({ kind: 'http', status, message: `${method} ${name}: HTTP ${status}`, ...bodySample(res.body) });
  }
}

/** a request without options: one object for all of them, not one per request */
const NO_OPTIONS: RequestOptions = Object.freeze({});
