/** ctx.http's types: request options, responses, streams, cookies (re-exported by scenarios/types.ts). */
import type { Duration } from './stage-types.js';

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
