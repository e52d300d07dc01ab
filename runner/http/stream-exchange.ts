import { createParser, type EventSourceParser } from 'eventsource-parser';
import { Exchange } from './exchange.js';

/** One piece of a streamed response: a server-sent event, or a raw chunk (format 'raw'). */
export interface StreamItem {
  /** the event's data (lines joined by '\n'), or the chunk as text */
  data: string;
  /** the SSE `event:` field, when the server sent one */
  event?: string;
  /** the SSE `id:` field, when the server sent one */
  id?: string;
  /** ms from the request's start to the arrival of the bytes that completed this item */
  at: number;
}

/** Items queued before undici is paused; it resumes when the reader has taken half of them. */
const HIGH_WATER = 256;
const LOW_WATER = HIGH_WATER / 2;

/**
 * An Exchange whose 2xx body is handed out as it arrives instead of kept: each chunk is parsed
 * into events (or passed on whole) and queued with its arrival time for an async iterator.
 * Backpressure is undici's own: onData returns false when the queue is full, and the resume
 * callback of onHeaders restarts the socket once the reader catches up. Any other status keeps
 * its body, as a plain request does (a 400 with a JSON error is read, not streamed).
 *
 * The sample's timings stay the Exchange's: one http_reqs sample whose duration ends at the last byte.
 */
export class StreamExchange extends Exchange {
  /** arrival times (performance.now()) of each item, for the stream metrics */
  readonly arrivals: number[] = [];
  /** true once the reader left early (break out of for-await): the request is aborted, not failed */
  cancelled = false;
  streaming = false;
  private readonly queue: StreamItem[] = [];
  private head = 0;
  private ended = false;
  private waiter: (() => void) | null = null;
  private resume: (() => void) | null = null;
  private paused = false;
  private parser: EventSourceParser | null = null;
  private readonly text = new TextDecoder();
  private chunkAt = 0;

  constructor(
    timeoutMs: number,
    private readonly format: 'sse' | 'raw',
  ) {
    super(true, timeoutMs, false);
    void this.done.then(() => this.close());
  }

  override onHeaders(statusCode: number, rawHeaders: Buffer[], resume?: () => void): boolean {
    super.onHeaders(statusCode, rawHeaders);
    this.resume = resume ?? null;
    this.streaming = statusCode >= 200 && statusCode < 300;
    if (this.streaming && this.format === 'sse') {
      this.parser = createParser({
        onEvent: (ev) => this.push({ data: ev.data, event: ev.event, id: ev.id, at: this.chunkAt - this.start }),
      });
    }
    return true;
  }

  override onData(chunk: Buffer): boolean {
    if (!this.streaming) return super.onData(chunk);
    this.chunkAt = performance.now();
    if (this.parser) this.parser.feed(this.text.decode(chunk, { stream: true }));
    else this.push({ data: this.text.decode(chunk, { stream: true }), at: this.chunkAt - this.start });
    if (this.queue.length - this.head >= HIGH_WATER) this.paused = true;
    return !this.paused;
  }

  override onComplete(): void {
    // a last event without its blank line is still an event (the parser holds it until reset)
    this.parser?.reset({ consume: true });
    super.onComplete();
  }

  override onError(err: Error): void {
    // the reader's own break is an ending, not a failure of the server
    if (this.cancelled) return super.onComplete();
    super.onError(err);
  }

  /** Stops the request because the reader stopped reading. */
  cancel(): void {
    if (this.ended) return;
    this.cancelled = true;
    this.abort(CANCELLED);
  }

  /** The next item, or null at the end of the stream (whatever its cause: see `done`). */
  async next(): Promise<StreamItem | null> {
    for (;;) {
      if (this.head < this.queue.length) {
        const item = this.queue[this.head++];
        if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact();
        if (this.paused && this.queue.length - this.head <= LOW_WATER) {
          this.paused = false;
          this.resume?.();
        }
        return item;
      }
      if (this.ended) return null;
      await new Promise<void>((wake) => {
        this.waiter = wake;
      });
    }
  }

  private push(item: StreamItem): void {
    this.queue.push(item);
    this.arrivals.push(this.chunkAt);
    this.wake();
  }

  private close(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private compact(): void {
    this.queue.splice(0, this.head);
    this.head = 0;
  }
}

const CANCELLED = Object.freeze({ rampart: 'cancelled' });
