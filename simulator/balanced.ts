// A request behind the balancer (lb and openai modes): it waits in the FIFO queue until a worker
// takes it. No worker within queueTimeoutMs → HTTP 400 (the field report's failure); longer
// than requestMaxMs since arrival → HTTP 524. Each mode says what running on the worker is.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerHandle } from './clock.js';
import type { SimContext } from './context.js';
import { groundTruthHeaders, sendJson } from './http-util.js';
import type { Assignment, WorkItem } from './workers.js';

export const QUEUE_TIMEOUT_BODY = { status: 400, title: 'Bad Request', detail: 'timed out waiting for worker' };
export const REQUEST_MAX_BODY = { status: 524, title: 'A Timeout Occurred', detail: 'request exceeded the maximum run time' };

export abstract class BalancedRequest {
  protected phase: 'queued' | 'running' | 'answered' = 'queued';
  protected assignment: Assignment | undefined;
  protected startedAt = 0;
  protected readonly arrivedAt: number;
  private readonly item: WorkItem;
  private queueTimer: TimerHandle | undefined;
  private maxTimer: TimerHandle | undefined;

  constructor(
    protected readonly ctx: SimContext,
    req: IncomingMessage,
    protected readonly res: ServerResponse,
  ) {
    this.arrivedAt = ctx.clock.now();
    const pin = req.headers['x-runpod-worker-id'];
    this.item = { enqueuedAt: this.arrivedAt, pinnedTo: typeof pin === 'string' && pin !== '' ? pin : undefined, start: (a) => this.begin(a) };
  }

  /** Queues the request, with its queue timeout and its maximum run time. */
  serve(): void {
    const { clock, opts, pool, counters } = this.ctx;
    this.queueTimer = clock.after(opts.queueTimeoutMs, () => {
      if (this.phase !== 'queued' || !pool.remove(this.item)) return;
      counters.queueTimeouts++;
      this.end();
      sendJson(this.res, 400, QUEUE_TIMEOUT_BODY, this.headers());
    });
    this.maxTimer = clock.after(opts.requestMaxMs, () => {
      if (this.phase === 'answered') return;
      if (this.phase === 'queued') pool.remove(this.item);
      counters.cut524++;
      this.release();
      this.end();
      // a stream already answered 200: the balancer can only cut it
      if (this.res.headersSent) this.res.destroy();
      else sendJson(this.res, 524, REQUEST_MAX_BODY, this.headers());
    });
    // A client that gives up while queued leaves the queue; what a running one leaves is the mode's.
    this.res.on('close', () => {
      if (this.phase === 'answered') return;
      if (this.phase !== 'queued') return this.clientGone();
      pool.remove(this.item);
      this.end();
    });
    pool.enqueue(this.item);
  }

  private begin(a: Assignment): void {
    const { clock, opts, counters } = this.ctx;
    this.phase = 'running';
    this.assignment = a;
    this.startedAt = clock.now();
    clock.cancel(this.queueTimer);
    if (a.cold) counters.cold++;
    // Drawn for every request so the failure stream stays aligned across runs.
    const fail = this.ctx.rng.failure() < opts.fail5xxFraction;
    this.run(a, fail);
  }

  /** Answered (or given up): no timer of the balancer's fires any more. */
  protected end(): void {
    this.phase = 'answered';
    this.ctx.clock.cancel(this.queueTimer);
    this.ctx.clock.cancel(this.maxTimer);
  }

  /** The worker and what really happened to the request so far (ground truth), once a worker took it. */
  protected headers(): Record<string, string> {
    const { assignment, startedAt } = this;
    if (!assignment) return {};
    const now = this.ctx.clock.now();
    return {
      'x-runpod-worker-id': assignment.worker.id,
      ...groundTruthHeaders({ cold: assignment.cold, queueMs: startedAt - this.arrivedAt, execMs: now - startedAt, workerId: assignment.worker.id }),
    };
  }

  /** A worker took the request; `fail`: it answers 500. */
  protected abstract run(a: Assignment, fail: boolean): void;
  /** Frees what the request holds on its worker when it is cut (the default holds nothing). */
  protected release(): void {}
  /** The client left while the request ran on a worker. */
  protected abstract clientGone(): void;
}
