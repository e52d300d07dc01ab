// Load-balancer mode: every path is a request that waits in the balancer's FIFO queue
// until a worker takes it. No worker within queueTimeoutMs → HTTP 400 (the field
// report's failure); longer than requestMaxMs since arrival → HTTP 524.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerHandle } from './clock.js';
import type { SimContext } from './context.js';
import { groundTruthHeaders, inputOf, sendJson } from './http-util.js';
import type { Assignment, WorkItem } from './workers.js';

export const QUEUE_TIMEOUT_BODY = { status: 400, title: 'Bad Request', detail: 'timed out waiting for worker' };
export const REQUEST_MAX_BODY = { status: 524, title: 'A Timeout Occurred', detail: 'request exceeded the maximum run time' };

export function handleLbRequest(ctx: SimContext, req: IncomingMessage, res: ServerResponse, json: unknown): void {
  const { clock, pool, opts, counters } = ctx;
  const arrivedAt = clock.now();
  let phase: 'queued' | 'running' | 'answered' = 'queued';
  let assignment: Assignment | undefined;
  let startedAt = 0;
  let queueTimer: TimerHandle | undefined;
  let maxTimer: TimerHandle | undefined;

  const pin = req.headers['x-runpod-worker-id'];
  const item: WorkItem = {
    enqueuedAt: arrivedAt,
    pinnedTo: typeof pin === 'string' && pin !== '' ? pin : undefined,
    start(a) {
      phase = 'running';
      assignment = a;
      startedAt = clock.now();
      clock.cancel(queueTimer);
      if (a.cold) counters.cold++;
      // Drawn for every request so the failure stream stays aligned across runs.
      const fail = ctx.rng.failure() < opts.fail5xxFraction;
      // The worker stays busy for its whole execution, even if the client is gone or cut.
      clock.after(a.execMs, () => {
        pool.finish(a.worker);
        if (phase !== 'running') return;
        answer(
          fail ? 500 : 200,
          fail
            ? { error: 'simulated handler failure', workerId: a.worker.id }
            : {
                output: inputOf(json) ?? {},
                workerId: a.worker.id,
              },
        );
        counters.served++;
        if (fail) counters.failed5xx++;
      });
    },
  };

  const workerHeaders = (): Record<string, string> => {
    if (!assignment) return {};
    const now = clock.now();
    return {
      'x-runpod-worker-id': assignment.worker.id,
      ...groundTruthHeaders({
        cold: assignment.cold,
        queueMs: startedAt - arrivedAt,
        execMs: now - startedAt,
        workerId: assignment.worker.id,
      }),
    };
  };

  const answer = (status: number, body: unknown) => {
    phase = 'answered';
    clock.cancel(queueTimer);
    clock.cancel(maxTimer);
    sendJson(res, status, body, workerHeaders());
  };

  queueTimer = clock.after(opts.queueTimeoutMs, () => {
    if (phase !== 'queued' || !pool.remove(item)) return;
    counters.queueTimeouts++;
    answer(400, QUEUE_TIMEOUT_BODY);
  });
  maxTimer = clock.after(opts.requestMaxMs, () => {
    if (phase === 'answered') return;
    if (phase === 'queued') pool.remove(item);
    counters.cut524++;
    answer(524, REQUEST_MAX_BODY);
  });
  // A client that gives up while queued leaves the queue; a running request keeps its worker busy.
  res.on('close', () => {
    if (phase !== 'queued') return;
    pool.remove(item);
    phase = 'answered';
    clock.cancel(queueTimer);
    clock.cancel(maxTimer);
  });

  pool.enqueue(item);
}
