import { parseHeaders, type Dispatcher } from './undici.js';
import type { HttpError, Timings } from '../../scenarios/types.js';
import { classifyError, TIMEOUT_REASON } from './errors.js';
import { contentEncoding, decodeBody } from './decode.js';
import type { Abortable } from './in-flight.js';
import { announceConnect, takeBytes, takeConnectTimes, type Bytes, type ConnectTimes, type SocketBound, type TimedSocket } from './timing.js';

const decoder = new TextDecoder();

/** Arms the request deadline without a closure per request. */
export function abortOnTimeout(exchange: Exchange): void {
  exchange.abort(TIMEOUT_REASON);
}

/**
 * One request on undici's dispatch API with a handler of our own: no body stream, no promise
 * per phase, no AbortSignal. Aborting (deadline, hard stop) goes through undici's abort
 * callback. Settles exactly once, never rejects. It is also the request's timing and byte
 * record, taken from its own callbacks and its own socket (one object per request).
 */
export class Exchange implements Dispatcher.DispatchHandler, SocketBound, ConnectTimes, Bytes, Abortable {
  private abortFn: ((err?: Error) => void) | null = null;
  private abortReason: unknown = undefined;
  private chunks: Buffer[] | null = null;
  private settled = false;
  private resolveFn!: (r: Exchange) => void;
  readonly done: Promise<Exchange>;
  // what came back
  status = 0;
  rawHeaders: Buffer[] | null = null;
  body = '';
  /** the exact body bytes, when asked for ('binary') */
  bytes: Uint8Array | undefined = undefined;
  /** bytes of the response as read from the connection (status line, headers, body) */
  received = 0;
  /** bytes of the request as written to the connection (request line, headers, body) */
  sent = 0;
  error: HttpError | undefined = undefined;
  /** performance.now() of the first response byte (headers), 0 if none */
  firstByteAt = 0;
  end = 0;
  /** performance.now() when undici began writing the request to a socket; 0 if it never did */
  sentAt = 0;
  /** performance.now() when the whole request (headers and body) was handed to the socket */
  sentDoneAt = 0;
  /** TCP connect and TLS handshake of the socket's new connection, 0 on a reused one */
  connectMs = 0;
  tlsMs = 0;
  private socket: TimedSocket | null = null;
  // the request's own record, set by HttpEngine.send: what its settle needs after the await
  /** performance.now() when it was dispatched */
  start = 0;
  url = '';
  name = '';
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** the Location of a redirect to follow, set when the response is settled */
  redirectTo: string | undefined = undefined;
  prevInFlight: Abortable | null = null;
  nextInFlight: Abortable | null = null;

  constructor(
    private readonly keepBody: boolean,
    private readonly timeoutMs: number,
    private readonly binary = false,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveFn = resolve;
    });
  }

  /** Ends the exchange now with `reason` (TIMEOUT_REASON or STOP_REASON). */
  abort(reason: unknown): void {
    if (this.settled) return;
    this.abortReason = reason;
    if (this.abortFn) this.abortFn(new Error('aborted'));
    else this.finish(new Error('aborted')); // not yet on a socket: undici drops it when it calls onConnect
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.settled) return abort(new Error('aborted'));
    this.abortFn = abort;
    this.sentAt = performance.now();
    announceConnect(this);
  }

  onSocket(socket: TimedSocket): void {
    this.socket = socket;
    takeConnectTimes(socket, this);
  }

  onRequestSent(): void {
    this.sentDoneAt = performance.now();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.firstByteAt = performance.now();
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.keepBody) (this.chunks ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    const c = this.chunks;
    if (c) {
      let buf = c.length === 1 ? c[0] : Buffer.concat(c);
      // gzip, deflate, br decoded here; sent/received stay the bytes on the wire
      const encoding = this.rawHeaders ? contentEncoding(this.rawHeaders) : undefined;
      if (encoding) {
        try {
          buf = decodeBody(buf, encoding);
        } catch (err) {
          return this.finish(Object.assign(err as Error, { code: (err as { code?: string }).code ?? 'RAMPART_DECODE' }));
        }
      }
      if (this.binary) this.bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
      else this.body = decoder.decode(buf);
    } else if (this.binary) this.bytes = new Uint8Array(0);
    this.finish(undefined);
  }

  onError(err: Error): void {
    this.finish(err);
  }

  private finish(err: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.end = performance.now();
    if (this.socket) {
      takeBytes(this.socket, this);
      this.socket = null;
    }
    if (err) this.error = classifyError(err, this.abortReason, this.timeoutMs);
    this.resolveFn(this);
  }
}

/**
 * The request's phases in ms, from its `start` (when it was dispatched) to its end. They add up:
 * blocked + connecting + tlsHandshaking + sending + waiting + receiving = duration.
 */
export function phaseTimings(x: Exchange): Timings {
  const { start, end } = x;
  const firstByteAt = x.firstByteAt;
  const sentAt = x.sentAt || end;
  const handed = x.sentDoneAt || (firstByteAt ? sentAt : end);
  const sentDoneAt = firstByteAt && handed > firstByteAt ? firstByteAt : handed; // an early answer ends the sending
  // a connection opened for an earlier demand can have started before this request did
  const tlsHandshaking = Math.min(x.tlsMs, sentAt - start);
  const connecting = Math.min(x.connectMs, sentAt - start - tlsHandshaking);
  return {
    blocked: sentAt - start - connecting - tlsHandshaking,
    connecting,
    tlsHandshaking,
    sending: sentDoneAt - sentAt,
    waiting: firstByteAt ? firstByteAt - sentDoneAt : 0,
    receiving: firstByteAt ? end - firstByteAt : 0,
    duration: end - start,
  };
}

/** Raw undici headers → a plain object with lower-case names (repeated headers as arrays). */
export function headersObject(raw: Buffer[] | null): Record<string, string | string[] | undefined> {
  return raw ? (parseHeaders(raw) as Record<string, string | string[] | undefined>) : {};
}
