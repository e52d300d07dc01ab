import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Collector } from '../metrics/collector.js';
import { HttpEngine } from './client.js';

/**
 * A server of this thread's own on 127.0.0.1 and an HTTP engine aimed at it: what warm-up sends
 * its GETs to. Nothing reaches the target; the samples go to a collector thrown away.
 */
export interface WarmTarget {
  /** `requests` GETs through the thread's request path, `concurrency` at a time */
  send(requests: number): Promise<void>;
  close(): Promise<void>;
}

export async function openWarmTarget(concurrency = 8): Promise<WarmTarget> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const engine = new HttpEngine({ collector: new Collector(), target: url, timeoutMs: 5000, connections: concurrency });
  return {
    async send(requests) {
      let left = requests;
      await Promise.all(
        Array.from({ length: concurrency }, async (_, vu) => {
          const client = engine.client({ stage: 0, vu, iteration: 0, intendedAt: 0 });
          while (left-- > 0) await client.get('/');
        }),
      );
    },
    async close() {
      await engine.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * One GET to `target` (opened by openWarmTarget(1) while the thread waited for its run), before
 * the run's first request: undici's HTTP parser (llhttp, WebAssembly) is instantiated here, not in
 * the first measured request (1-3 ms). After the thread's V8 flags (engine/engine-flags.ts): they
 * decide when the parser is optimized, from its instantiation on.
 */
export async function primeParser(target: WarmTarget | undefined): Promise<void> {
  if (!target) return; // a thread that cannot listen on 127.0.0.1 only loses the head start
  await target.send(1).catch(() => {});
  void target.close().catch(() => {}); // it closes while the run starts
}

/**
 * Before t=0: sends `requests` GETs through this thread's request path (ctx.http, the exchange,
 * the timing and byte accounting, the collector) to a server of the thread's own on 127.0.0.1,
 * so that V8 has compiled that path before the first measured request. An open-model stage at
 * thousands of requests a second otherwise runs its first second on interpreted code and falls
 * behind its schedule.
 */
export async function warmCode(requests = 3000, concurrency = 8): Promise<void> {
  const target = await openWarmTarget(concurrency);
  try {
    await target.send(requests);
  } finally {
    await target.close();
  }
}
