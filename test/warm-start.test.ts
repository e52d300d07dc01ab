import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';

/**
 * Warm start (issue 11): each thread opens its pool's connections before t=0, sends nothing on
 * them, and the run measures none of it. Checked against a server that counts connections and
 * requests, and notes how many connections were open when the first request arrived.
 */
let server: http.Server;
let url = '';
const sockets = new Set<Socket>();
const seen = { connections: 0, requests: 0, openAtFirstRequest: -1 };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (seen.requests++ === 0) seen.openAtFirstRequest = sockets.size;
    res.writeHead(200, { 'content-length': 2 });
    res.end('ok');
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    seen.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function run(http: string) {
  Object.assign(seen, { connections: 0, requests: 0, openAtFirstRequest: -1 });
  const dir = workspace({
    's.ts': `import { scenario, soak, check } from 'rampart';
export default scenario({
  name: 'warm', target: process.env.TARGET, ${http}
  stages: [soak({ rate: 100, for: '1s', maxVUs: 12 })],
  async iteration(ctx) { check(await ctx.http.get('/'), { ok: (r) => r.status === 200 }); },
});
`,
  });
  const result = await rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', '--out', 'ndjson=r.ndjson'], { cwd: dir, env: { TARGET: url } });
  for (const s of sockets) s.destroy();
  const json = join(dir, 'r.json');
  const summary = existsSync(json) ? readJson(json) : undefined;
  const records = existsSync(join(dir, 'r.ndjson'))
    ? readFileSync(join(dir, 'r.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  return { ...result, metrics: summary?.metrics, checks: summary?.checks, records, seen: { ...seen } };
}

describe('warm start', () => {
  it('opens the planned connections before the first request, sends nothing on them, and measures none of it', async () => {
    const r = await run('');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // maxVUs 12 on one thread: 12 connections, and no more under load. (How many the server had
    // accepted when the first request came is not the measure: on a busy machine it reads the first
    // request before accepting the last connects, which were made before t=0 all the same.)
    expect(r.seen.connections).toBe(12);
    // no warm-up request: every request the server saw is one the run counted
    expect(r.metrics!.http_reqs.count).toBe(r.seen.requests);
    // the connects happened before t=0: no request reports connecting time
    expect(r.metrics!.http_req_connecting.max).toBe(0);
    // the warm-up's own requests (to a server of the thread's) and checks stay out of every output
    expect(r.checks).toEqual({ ok: { passes: r.seen.requests, fails: 0 } });
    expect(r.records.filter((q: { duration?: number }) => q.duration !== undefined)).toHaveLength(r.seen.requests);
    expect(new Set(r.records.map((q: { name?: string }) => q.name).filter(Boolean))).toEqual(new Set(['/']));
  });

  it('http.warmup: false connects under load, as before', async () => {
    const r = await run('http: { warmup: false },');
    expect(r.code).toBe(0);
    // connects happen as requests need them: the first request did not find the pool opened
    expect(r.seen.openAtFirstRequest).toBeLessThan(12);
    expect(r.metrics!.http_reqs.count).toBe(r.seen.requests);
    expect(r.metrics!.http_req_connecting.max).toBeGreaterThan(0);
  });

  it('a mistyped warmup is a usage error', async () => {
    const r = await run("http: { warmup: 'yes' },");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('http.warmup must be true or false');
  });
});
