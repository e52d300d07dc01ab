import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Collector } from '../metrics/collector.js';
import { HttpEngine, type VuRef } from './client.js';
import type { Connector } from './undici.js';
import { closeSpares, openSpares } from './warm-pool.js';

/**
 * A server of this thread's own on 127.0.0.1 and an HTTP engine aimed at it: what warm-up sends
 * its GETs to. Nothing reaches the target; the samples go to a collector thrown away.
 */
export interface WarmTarget {
  /** `requests` GETs through the thread's request path, `concurrency` at a time */
  send(requests: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * An engine like the run's, aimed at `target`, its samples going to a collector of its own; its
 * pool holds `connections`, so that each connection carries as many requests as the run's would.
 */
export type WarmEngineFactory = (target: string, connections: number) => HttpEngine;

/** rounds of 25 requests a connection before the long one (WarmTarget.send) */
const SHORT_ROUNDS = 3;

const plainEngine: WarmEngineFactory = (target, connections) => new HttpEngine({ collector: new Collector(), target, timeoutMs: 5000, connections });

/**
 * `connect`, when given, opens the `concurrency` connections before the first GET, as warm-pool.ts
 * opens the run's: the warm-up's sockets then go through the same hand-over as the run's.
 */
export async function openWarmTarget(concurrency = 8, engineFor = plainEngine, connect?: Connector): Promise<WarmTarget> {
  let n = 0;
  const server = createServer((_req, res) => {
    // with and without a Keep-Alive header (Node's servers send one, nginx does not): undici
    // takes another branch for each
    if (n++ & 1) res.setHeader('Keep-Alive', 'timeout=5');
    res.end('ok');
  });
  server.keepAliveTimeout = 0; // no Keep-Alive header unless the handler sets one
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  if (connect) await openSpares(url, concurrency, connect);
  const engine = engineFor(url, concurrency);
  return {
    async send(requests) {
      const lanes = Array.from({ length: concurrency }, (_, vu) => warmLane(engine, vu));
      // short rounds first, with nothing in flight between them as at a low rate (Node makes the
      // request deadlines' timer list again), then one long one, as at a high rate (undici trims a
      // connection's queue after 256 requests without a pause)
      for (let left = requests, short = SHORT_ROUNDS; left > 0; short--) {
        const round = { left: short > 0 ? Math.min(left, concurrency * 25) : left };
        left -= round.left;
        await Promise.all(lanes.map((lane) => lane(round)));
        // each interval's snapshot, as the load thread takes it (engine/worker.ts): its first one
        // otherwise runs cold, at the end of the run's first second
        engine.collector.snapshot();
        engine.collector.reset();
      }
    },
    async close() {
      await engine.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One VU of the warm-up: it takes requests from the round until none is left. */
function warmLane(engine: HttpEngine, vu: number): (round: { left: number }) => Promise<void> {
  const ref: VuRef = { stage: 0, vu, iteration: 0, intendedAt: 0 };
  const client = engine.client(ref);
  return async (round) => {
    while (round.left-- > 0) {
      // written as the run's iterations write them (Iterations.begin): V8 compiled code for fields
      // never written as constants, and threw it away at the run's first write
      ref.stage = 0;
      ref.iteration++;
      ref.intendedAt = performance.timeOrigin + performance.now(); // an open model's: a double
      const res = await client.get('/');
      engine.collector.recordCheck('status is 200', res.status === 200); // most iterations check() their response
    }
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
 * Before t=0: sends 300 and then `requests` GETs through this thread's request path (ctx.http, the exchange,
 * the timing and byte accounting, the collector) to a server of the thread's own on 127.0.0.1,
 * so that V8 has compiled that path before the first measured request. An open-model stage at
 * thousands of requests a second otherwise runs its first second on interpreted code and falls
 * behind its schedule.
 *
 * `engineFor` makes an engine with the run's own options, and the warm-up's connections are
 * handed over as the run's will be (`connect`): V8 compiles for the objects it learnt about, and
 * an engine, a pool or a socket of another shape at t=0 threw ~40 optimized functions away in
 * the run's first milliseconds, to be compiled again under load. Two rounds, each with its own
 * engine and connections: closing the first changes the sockets' and pools' shapes as closing
 * any does, before the second, long one has V8 compile what the run will use.
 */
export async function warmCode(engineFor: WarmEngineFactory, connect: Connector, requests = 3000, concurrency = 8): Promise<void> {
  for (const share of [300, requests]) {
    const target = await openWarmTarget(concurrency, engineFor, connect);
    try {
      await target.send(share);
    } finally {
      await target.close();
      closeSpares(); // none is left unless the warm-up failed; the run's are opened after
    }
  }
}
