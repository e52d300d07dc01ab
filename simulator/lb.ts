// Load-balancer mode: every path is a request that waits in the balancer's FIFO queue
// until a worker takes it (balanced.ts), which runs it for its execution time.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BalancedRequest } from './balanced.js';
import type { SimContext } from './context.js';
import { inputOf, sendJson } from './http-util.js';
import type { Assignment } from './workers.js';

export { QUEUE_TIMEOUT_BODY, REQUEST_MAX_BODY } from './balanced.js';

export function handleLbRequest(ctx: SimContext, req: IncomingMessage, res: ServerResponse, json: unknown): void {
  new LbRequest(ctx, req, res, json).serve();
}

class LbRequest extends BalancedRequest {
  constructor(
    ctx: SimContext,
    req: IncomingMessage,
    res: ServerResponse,
    private readonly json: unknown,
  ) {
    super(ctx, req, res);
  }

  protected run(a: Assignment, fail: boolean): void {
    const { clock, pool, counters } = this.ctx;
    // The worker stays busy for its whole execution, even if the client is gone or cut.
    clock.after(a.execMs, () => {
      pool.finish(a.worker);
      if (this.phase !== 'running') return;
      this.end();
      const body = fail ? { error: 'simulated handler failure', workerId: a.worker.id } : { output: inputOf(this.json) ?? {}, workerId: a.worker.id };
      sendJson(this.res, fail ? 500 : 200, body, this.headers());
      counters.served++;
      if (fail) counters.failed5xx++;
    });
  }

  /** a running request keeps its worker busy: nothing to do */
  protected clientGone(): void {}
}
