import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';

/**
 * Every request's phases and bytes belong to that request: checked against a server that
 * counts what it really received and sent, for back-to-back requests, many VUs, slow answers,
 * a pool smaller than the demand, and a fan-out within one iteration.
 */
interface Counts {
  requests: number;
  bytesIn: number;
  bytesOut: number;
}

let server: http.Server;
let url = '';
const sockets = new Set<Socket>();
const counts: Counts = { requests: 0, bytesIn: 0, bytesOut: 0 };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    counts.requests++;
    req.resume();
    req.on('end', () => {
      const answer = () => {
        if (req.url === '/deny') {
          res.writeHead(401, { 'content-length': 6 });
          res.end('denied');
        } else {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 11 });
          res.end('hello world');
        }
      };
      if (req.url === '/slow') setTimeout(answer, 15);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('data', (d: Buffer) => {
      counts.bytesIn += d.length;
    });
    socket.on('close', () => {
      counts.bytesOut += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Runs `iteration` under `stages`, then closes the server's connections so every byte is counted. */
async function run(stages: string, iteration: string, http = '') {
  Object.assign(counts, { requests: 0, bytesIn: 0, bytesOut: 0 });
  const dir = workspace({
    's.ts': `import { scenario, soak, burst } from 'rampart';
export default scenario({
  name: 'accounting', target: process.env.TARGET, stages: [${stages}], ${http}
  async iteration(ctx) { ${iteration} },
});
`,
  });
  const result = await rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', '--out', 'ndjson=r.ndjson'], { cwd: dir, env: { TARGET: url } });
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 50)); // the close events count the bytes each socket wrote
  const results = readJson(join(dir, 'r.json'));
  const records = readFileSync(join(dir, 'r.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { ...result, results, records, counts: { ...counts } };
}

function expectExactAccounting(r: Awaited<ReturnType<typeof run>>) {
  const m = r.results.metrics;
  expect(r.stderr).toBe('');
  expect(m.http_reqs.count).toBe(r.counts.requests);
  expect(r.records.length).toBe(r.counts.requests);
  // bytes: what the server read and wrote, within 1%
  expect(Math.abs(m.data_sent.count - r.counts.bytesIn)).toBeLessThanOrEqual(r.counts.bytesIn * 0.01);
  expect(Math.abs(m.data_received.count - r.counts.bytesOut)).toBeLessThanOrEqual(r.counts.bytesOut * 0.01);
  // every response waited for the server a little, and the phases add up to the duration
  expect(m.http_req_waiting.min).toBeGreaterThan(0);
  let badWaits = 0;
  let badSums = 0;
  for (const rec of r.records) {
    if (!(rec.waiting > 0)) badWaits++;
    const sum = rec.blocked + rec.connecting + rec.tlsHandshaking + rec.sending + rec.waiting + rec.receiving;
    if (Math.abs(sum - rec.duration) > 0.008) badSums++; // each phase is rounded to 1 µs
  }
  expect({ badWaits, badSums }).toEqual({ badWaits: 0, badSums: 0 });
}

describe('per-request timing and bytes against a counting server', () => {
  it.each([1, 2, 50])('%i VUs back to back, answers at once (401)', async (vus) => {
    const r = await run(`soak({ vus: ${vus}, for: '1s' })`, "await ctx.http.get('/deny');");
    expect(r.counts.requests).toBeGreaterThan(100);
    expectExactAccounting(r);
  });

  it('slow answers (15 ms), 10 VUs', async () => {
    const r = await run("soak({ vus: 10, for: '1s' })", "await ctx.http.get('/slow');");
    expectExactAccounting(r);
    expect(r.results.metrics.http_req_waiting.med).toBeGreaterThan(10);
  });

  it('POST bodies count in data_sent', async () => {
    const r = await run("soak({ vus: 3, for: '1s' })", "await ctx.http.post('/', { json: { prompt: 'x'.repeat(500) } });");
    expectExactAccounting(r);
    expect(r.results.metrics.data_sent.count).toBeGreaterThan(500 * r.counts.requests);
  });

  it('a saturated pool: 20 VUs on 4 connections wait for a socket (blocked), not for the server', async () => {
    const r = await run("soak({ vus: 20, for: '1s' })", "await ctx.http.get('/slow');", 'http: { connections: 4 },');
    expectExactAccounting(r);
    const m = r.results.metrics;
    // 5 requests per connection at 15 ms each: most of the time is spent blocked
    expect(m.http_req_blocked.med).toBeGreaterThan(m.http_req_waiting.med);
    expect(m.http_req_connecting.max).toBeGreaterThan(0);
  });

  it('a fan-out: 6 requests at once per iteration, 4 VUs', async () => {
    const r = await run(
      'burst({ vus: 4, iterations: 40 })',
      "await Promise.all(Array.from({ length: 6 }, (_, i) => ctx.http.get(i % 2 ? '/slow' : '/deny')));",
    );
    expect(r.counts.requests).toBe(240);
    expectExactAccounting(r);
  });
});
