import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Collector } from '../metrics/collector.js';
import { HttpEngine } from './client.js';

/**
 * One GET to a server of this thread's own, before the run's first request: undici's HTTP parser
 * (llhttp, WebAssembly) is instantiated here, not in the first measured request (1-3 ms). After
 * the thread's V8 flags (engine/engine-flags.ts): they decide when the parser is optimized.
 */
export async function primeParser(): Promise<void> {
  await warmCode(1, 1).catch(() => {}); // a thread that cannot listen on 127.0.0.1 only loses the head start
}

/**
 * Before t=0: sends `requests` GETs through this thread's request path (ctx.http, the exchange,
 * the timing and byte accounting, the collector) to a server of the thread's own on 127.0.0.1,
 * so that V8 has compiled that path before the first measured request. An open-model stage at
 * thousands of requests a second otherwise runs its first second on interpreted code and falls
 * behind its schedule. Nothing reaches the target; the samples go to a collector thrown away.
 */
export async function warmCode(requests = 3000, concurrency = 8): Promise<void> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const engine = new HttpEngine({ collector: new Collector(), target: url, timeoutMs: 5000, connections: concurrency });
  let left = requests;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, vu) => {
        const client = engine.client({ stage: 0, vu, iteration: 0, intendedAt: 0 });
        while (left-- > 0) await client.get('/');
      }),
    );
  } finally {
    await engine.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
