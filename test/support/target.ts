import { mulberry32 } from '../../shared/random.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the target saw: every request, and how many were in flight at once. */
export interface TargetStats {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** ms since the target started, for each request's arrival */
  arrivals: { t: number; path: string }[];
  byPath: Record<string, number>;
}

export interface Target {
  url: string;
  port: number;
  stats: TargetStats;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A node:http target on 127.0.0.1 for engine tests. Routes:
 *   /            200 'ok'
 *   /delay/MS    200 after MS ms
 *   /status/N    answers status N
 *   /json        200 {"ok":true}
 *   /jitter/A/B  200 after a delay drawn uniformly in [A, B] ms, from a sequence fixed by `seed`
 */
export async function startTarget(seed = 1): Promise<Target> {
  const random = mulberry32(seed); // the same delays for the same seed, run after run
  const t0 = performance.now();
  const stats: TargetStats = { requests: 0, inFlight: 0, maxInFlight: 0, arrivals: [], byPath: {} };
  const server = http.createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const path = (req.url ?? '/').split('?')[0];
    stats.arrivals.push({ t: performance.now() - t0, path });
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    const finish = (status: number, body: string, type = 'text/plain') => {
      stats.inFlight--;
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    req.resume();
    req.on('end', () => {
      const delay = /^\/delay\/(\d+)/.exec(path);
      const status = /^\/status\/(\d+)/.exec(path);
      const jitter = /^\/jitter\/(\d+)\/(\d+)/.exec(path);
      if (jitter) setTimeout(() => finish(200, 'ok'), Number(jitter[1]) + random() * (Number(jitter[2]) - Number(jitter[1])));
      else if (delay) setTimeout(() => finish(200, 'ok'), Number(delay[1]));
      else if (status) finish(Number(status[1]), `status ${status[1]}`);
      else if (path === '/json') finish(200, '{"ok":true}', 'application/json');
      else finish(200, 'ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    reset() {
      Object.assign(stats, { requests: 0, inFlight: 0, maxInFlight: 0, arrivals: [], byPath: {} });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
