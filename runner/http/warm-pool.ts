/**
 * Connections opened before the load starts (issue 11, warm start). undici opens a pool's
 * sockets lazily, under load: an open-model stage at a high rate then pays hundreds of connects
 * in its first second. Before t=0 each thread opens, to its target's origin, as many sockets as
 * its pool may hold; the connector (timing.ts) hands them to the pool as it grows instead of
 * connecting then. No request is sent: nothing is counted or timed (a warm socket's first
 * request reports no connect or TLS time; its bytes start at zero).
 */
import type { Socket } from 'node:net';
import type { Connector } from './undici.js';

/** The warm-up never holds the start longer than this; what did not connect by then connects under load as before. */
const WARM_LIMIT_MS = 5000;

/** Open, idle sockets by `protocol//hostname:port`, oldest first. */
const spares = new Map<string, Socket[]>();

function keyOf(protocol: string, hostname: string, port: string | number): string {
  return `${protocol}//${hostname}:${port || (protocol === 'https:' ? 443 : 80)}`;
}

/** A warm socket for this connect, if one is still open; undici's connect options name the origin. */
export function takeSpare(opts: { protocol: string; hostname: string; port: string | number }): Socket | undefined {
  const list = spares.get(keyOf(opts.protocol, opts.hostname, opts.port));
  while (list?.length) {
    const socket = list.shift()!;
    socket.removeAllListeners('close').removeAllListeners('error');
    if (!socket.destroyed && socket.readyState === 'open') return socket;
  }
  return undefined;
}

/**
 * Opens up to `count` connections to `target`'s origin with `connect` (the pool's own connector
 * options, so TLS and ALPN match), and resolves when they are open, failed, or WARM_LIMIT_MS passed.
 * A target that refuses is not an error here: the run's first request says so, measured.
 */
export async function openSpares(target: string, count: number, connect: Connector): Promise<number> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 0;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 0;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const key = keyOf(url.protocol, hostname, url.port);
  const list = spares.get(key) ?? [];
  spares.set(key, list);
  const opts = {
    protocol: url.protocol,
    hostname,
    host: url.host,
    port: url.port || (url.protocol === 'https:' ? '443' : '80'),
    servername: undefined as string | undefined,
  };
  if (url.protocol === 'https:' && !/^[\d.:]+$/.test(hostname)) opts.servername = hostname;
  let opened = 0;
  let refused = false;
  const one = () =>
    new Promise<void>((resolve) => {
      if (refused) return resolve();
      connect(opts as Parameters<Connector>[0], (err, socket) => {
        if (err || !socket) {
          refused = true; // one refusal says the rest would be refused too
          return resolve();
        }
        const s = socket as Socket;
        // a spare the server closes while it waits is dropped, never handed out
        s.once('close', () => {
          const i = list.indexOf(s);
          if (i >= 0) list.splice(i, 1);
        });
        s.on('error', () => {});
        list.push(s);
        opened++;
        resolve();
      });
    });
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, WARM_LIMIT_MS);
  });
  // a few at a time, as a pool connects: a listen backlog of 511 is not flooded by 1,000 SYNs
  let started = 0;
  const lanes = Array.from({ length: Math.min(count, 16) }, async () => {
    while (!refused && started < count) {
      started++;
      await one();
    }
  });
  await Promise.race([Promise.all(lanes), limit]);
  clearTimeout(timer);
  return opened;
}

/** Closes the spares nobody took (end of the run). */
export function closeSpares(): void {
  for (const list of spares.values()) for (const s of list.splice(0)) s.destroy();
  spares.clear();
}
