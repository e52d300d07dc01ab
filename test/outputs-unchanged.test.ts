/**
 * The outputs watch a run; they do not change what it reports. The same seeded scenario runs
 * twice against one target: plain, then with --out prometheus, --out influxdb (a local sink that
 * accepts every write) and --dashboard. The results files have the same keys and both validate
 * against docs/results-schema.json, the console summaries the same lines but for numbers, the
 * HTML reports the same sections, and nothing of the outputs appears in any of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';
import { freePort } from './support/nginx.js';
import { schemaViolations } from './support/results-schema.js';
import { startTarget, type Target } from './support/target.js';

const SCENARIO = `import { scenario, burst, check } from 'rampart';
export default scenario({
  name: 'unchanged',
  target: process.env.TARGET,
  stages: [burst({ vus: 4, iterations: 240 })], // about 2 s: the outputs write while it runs
  thresholds: { http_req_duration: ['p(95)<5000'], http_req_failed: ['rate<0.01'] },
  async iteration(ctx) {
    const res = await ctx.http.get('/jitter/10/50', { tags: { kind: ctx.vu % 2 ? 'odd' : 'even' } });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
`;

let target: Target;
let sink: http.Server;
const writes: string[] = [];
beforeAll(async () => {
  target = await startTarget(5);
  // a remote-write and line-protocol endpoint that takes everything
  sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      writes.push((req.url ?? '').split('?')[0]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await new Promise((r) => {
    sink.closeAllConnections();
    sink.close(r);
  });
  await target.close();
});

/**
 * Findings are measurements too: on a busy machine one run may find its own client queueing and
 * the other not. They are left out of the comparisons (the text checks still cover them).
 */
const measuredFindings = (path: string) => path.startsWith('.insights[]');

/** The console summary without its findings block. */
function withoutFindings(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === 'findings');
  if (at < 0) return text;
  let end = at + 1;
  while (end < lines.length && lines[end].trim()) end++;
  return [...lines.slice(0, at - 1), ...lines.slice(end)].join('\n');
}

/** Every key path of a JSON value; array elements share one `[]` path. */
function keyPaths(value: unknown, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keyPaths(v, `${path}[]`, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(`${path}.${k}`);
      keyPaths(v, `${path}.${k}`, out);
    }
  }
  return out;
}

/** The console summary's lines with every number and duration masked (measurements differ run to run). */
const masked = (text: string) =>
  text.split('\n').map((line) =>
    line
      .replace(/\d+(\.\d+)?(µs|ms|s|m|h)?(?![a-z])/g, '#')
      .replace(/\s+/g, ' ')
      .trimEnd(),
  );

/** The HTML report's skeleton: element ids and headings, in order (the data inside differs). */
function skeleton(html: string): string[] {
  const body = html.replace(/<script[^]*?<\/script>/g, '');
  return [...body.matchAll(/\bid="([^"]+)"|<h[1-3][^>]*>([^<]*)/g)].map((m) => m[1] ?? `h:${m[2].trim()}`);
}

async function run(args: string[]) {
  const dir = workspace({ 's.ts': SCENARIO });
  const result = await rampart(['run', 's.ts', '--out', 'json=r.json', '--out', 'html=r.html', ...args], {
    cwd: dir,
    env: { TARGET: target.url, RAMPART_TESTID: 'unchanged-1' },
  });
  return { ...result, results: readJson(join(dir, 'r.json')), html: readFileSync(join(dir, 'r.html'), 'utf8') };
}

describe('the outputs leave the results file, the console and the HTML report as they are', () => {
  it('same keys, same summary lines, same report sections, no output text in any of them', async () => {
    const plain = await run([]);
    const port = await freePort();
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    const watched = await run(['--out', `prometheus=${sinkUrl}/api/v1/write`, '--out', `influxdb=${sinkUrl}/rampart`, `--dashboard=${port}`]);
    expect([plain.code, watched.code], watched.stderr).toEqual([0, 0]);
    // the outputs were on: both wrote to the sink, the dashboard listened
    expect(new Set(writes)).toEqual(new Set(['/api/v1/write', '/write']));
    expect(watched.stderr).toContain(`rampart: live dashboard at http://127.0.0.1:${port}/`);
    // the same seeded run measured: the same counts
    expect(watched.results.metrics.http_reqs.count).toBe(plain.results.metrics.http_reqs.count);

    expect(schemaViolations(plain.results)).toBe('');
    expect(schemaViolations(watched.results)).toBe('');
    const keys = (r: unknown) => [...keyPaths(r)].filter((k) => !measuredFindings(k)).sort();
    expect(keys(watched.results)).toEqual(keys(plain.results));
    expect(masked(withoutFindings(watched.stdout))).toEqual(masked(withoutFindings(plain.stdout)));
    expect(skeleton(watched.html)).toEqual(skeleton(plain.html));
    // a pass compares something: the whole file, the summary's metric lines, the report's sections
    expect(keys(plain.results).length).toBeGreaterThan(200);
    expect(masked(plain.stdout).filter((l) => l.includes('....')).length).toBeGreaterThanOrEqual(15);
    expect(skeleton(plain.html)).toEqual(expect.arrayContaining(['h:Thresholds', 'checks', 'chart-latency', 'h:Metrics', 'h:Errors']));

    // nothing of the outputs in the results, the summary or the report; on stderr only their own
    // documented lines (the sink took every write: no "samples not sent" line is due)
    // (phrases, not bare words or numbers: a finding of a loaded machine says 'interval samples', and
    // a port's digits can stand in a measurement)
    const traces = [sinkUrl, `:${port}`, 'prometheus', 'influx', 'dashboard', 'unchanged-1', 'testid', 'not sent'];
    for (const [name, a, b] of [
      ['results', JSON.stringify(plain.results), JSON.stringify(watched.results)],
      ['summary', plain.stdout, watched.stdout],
      ['report', plain.html, watched.html],
    ]) {
      for (const t of traces) expect(b.split(t).length, `${name}: ${t}`).toBe(a.split(t).length);
    }
    const added = watched.stderr.split('\n').filter((line) => line && !plain.stderr.includes(line));
    for (const line of added)
      expect(line).toMatch(/^rampart: (live dashboard at |prometheus: sent [\d,]+ samples, testid=|influxdb: sent [\d,]+ points, testid=)/);
  }, 90_000);
});
