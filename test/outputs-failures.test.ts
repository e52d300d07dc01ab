/**
 * An output endpoint that is down, answers 500, or never answers: the run completes with the
 * same exit code and the same request count, takes about as long as without the output, and
 * says how many samples were not sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';
import { freePort } from './support/nginx.js';
import { startTarget, type Target } from './support/target.js';
import { loadScenario } from './support/metric-servers.js';

let target: Target;
let failing: http.Server;
let hanging: http.Server;
const held: http.ServerResponse[] = [];
beforeAll(async () => {
  target = await startTarget();
  // a careless server that echoes the credential in its error: rampart must not print it
  failing = http.createServer((req, res) => {
    req.resume();
    res.writeHead(500).end(`storage full (auth: ${req.headers.authorization ?? 'none'})\n`);
  });
  hanging = http.createServer((req, res) => {
    req.resume();
    held.push(res);
  }); // never answers
  await Promise.all([failing, hanging].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all(
    [failing, hanging].map(
      (s) =>
        new Promise((r) => {
          s.closeAllConnections();
          s.close(r);
        }),
    ),
  );
  await target.close();
});

const url = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

const TOKEN = 'tok-5f2a9c7e1b';

async function run(out: string[]) {
  const dir = workspace({ 's.ts': loadScenario(3) });
  const started = Date.now();
  const result = await rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', ...out], {
    cwd: dir,
    env: { TARGET: target.url, RAMPART_INFLUXDB_TOKEN: TOKEN },
  });
  return { ...result, wallMs: Date.now() - started, results: readJson(join(dir, 'r.json')) };
}

describe('a failing output endpoint never fails or slows the run', () => {
  it('down, 500 and hanging: same exit code, no slower, the samples not sent are counted', async () => {
    const base = await run([]);
    expect(base.code).toBe(0);
    const down = `http://127.0.0.1:${await freePort()}`;
    const cases: [string, string[]][] = [
      ['down', ['--out', `prometheus=${down}/api/v1/write`]],
      ['500', ['--out', `prometheus=${url(failing)}/api/v1/write`, '--out', `influxdb=${url(failing)}/rampart`]],
      ['hanging', ['--out', `prometheus=${url(hanging)}/api/v1/write`]],
    ];
    for (const [name, out] of cases) {
      const r = await run(out);
      expect(r.code, name).toBe(base.code);
      expect(r.stderr, name).not.toMatch(/internal error|at .*\.js:\d+/);
      const lost = [...r.stderr.matchAll(/rampart: (prometheus|influxdb): ([\d,]+) of ([\d,]+) samples not sent/g)];
      expect(lost.length, `${name}: ${r.stderr}`).toBe(out.length / 2);
      for (const m of lost) expect(Number(m[2].replace(/,/g, '')), name).toBeGreaterThan(0);
      if (name === '500')
        expect(r.stderr).toMatch(/prometheus: .*HTTP 500: storage full \(auth: none\)[^]*influxdb: .*HTTP 500: storage full \(auth: \*\*\*\)/);
      expect(r.stderr + r.stdout + JSON.stringify(r.results), name).not.toContain(TOKEN);
      // the load ran as long and as fast; the whole run at most a short flush longer
      expect(r.results.durationMs / base.results.durationMs, name).toBeLessThan(1.3);
      expect(r.results.metrics.http_reqs.count / base.results.metrics.http_reqs.count, name).toBeGreaterThan(0.6);
      expect(r.wallMs, name).toBeLessThan(base.wallMs * 1.5 + 2000);
    }
  }, 120_000);
});
