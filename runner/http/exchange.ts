import { util, type Dispatcher } from 'undici';
import type { HttpError } from '../../scenarios/types.js';
import { classifyError } from './errors.js';

const decoder = new TextDecoder();

/** What one request/response exchange produced, before it becomes metrics and a Response. */
export interface ExchangeResult {
  status: number;
  rawHeaders: Buffer[] | null;
  body: string;
  received: number;
  error: HttpError | undefined;
  /** performance.now() of the first response byte (headers), 0 if none */
  firstByteAt: number;
  end: number;
}

/**
 * One request on undici's dispatch API with a handler of our own: no body stream, no promise
 * per phase, no AbortSignal. Aborting (deadline, hard stop) goes through undici's abort
 * callback. Settles exactly once, never rejects.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  private abortFn: ((err?: Error) => void) | null = null;
  private abortReason: unknown = undefined;
  private chunks: Buffer[] | null = null;
  private settled = false;
  private resolveFn!: (r: ExchangeResult) => void;
  readonly done: Promise<ExchangeResult>;
  readonly result: ExchangeResult = { status: 0, rawHeaders: null, body: '', received: 0, error: undefined, firstByteAt: 0, end: 0 };

  constructor(private readonly keepBody: boolean, private readonly timeoutMs: number) {
    this.done = new Promise((resolve) => { this.resolveFn = resolve; });
  }

  /** Ends the exchange now with `reason` (TIMEOUT_REASON or STOP_REASON). */
  abort(reason: unknown): void {
    if (this.settled) return;
    this.abortReason = reason;
    if (this.abortFn) this.abortFn(new Error('aborted'));
    else this.finish(new Error('aborted')); // not yet on a socket: undici drops it when it calls onConnect
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.settled) abort(new Error('aborted'));
    else this.abortFn = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    const r = this.result;
    r.firstByteAt = performance.now();
    r.status = statusCode;
    r.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.result.received += chunk.length;
    if (this.keepBody) (this.chunks ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    const c = this.chunks;
    if (c) this.result.body = c.length === 1 ? decoder.decode(c[0]) : decoder.decode(Buffer.concat(c));
    this.finish(undefined);
  }

  onError(err: Error): void {
    this.finish(err);
  }

  private finish(err: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    const r = this.result;
    r.end = performance.now();
    if (err) r.error = classifyError(err, this.abortReason, this.timeoutMs);
    this.resolveFn(r);
  }
}

/** Raw undici headers → a plain object with lower-case names (repeated headers as arrays). */
export function headersObject(raw: Buffer[] | null): Record<string, string | string[] | undefined> {
  return raw ? (util.parseHeaders(raw) as Record<string, string | string[] | undefined>) : {};
}
