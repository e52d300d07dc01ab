import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator } from '../simulator/index.js';
import { FINDINGS, deriveInsights } from '../runner/insights/index.js';
import { rampart, readJson, workspace } from './support/cli.js';
import { STACK_LINE } from './support/reliability.js';
import { startTarget, type Target } from './support/target.js';
import { buildSummaryFixture } from './support/summary-fixture.js';

/** The defects of issue 10 (each test failed before its fix). */

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const header = `import { scenario, soak, burst, abortTest } from 'rampart';\n`;

async function runIn(source: string, args: string[], files: Record<string, string> = {}) {
  const dir = workspace({ 's.ts': source, ...files });
  const res = await rampart(['run', 's.ts', '-q', ...args], { cwd: dir, env: { TARGET: target.url }, timeoutMs: 40_000 });
  return { dir, res };
}

const simple = (stages = 'burst({ vus: 2, iterations: 4 })', extra = '') =>
  header +
  `export default scenario({ name: 'd10', target: process.env.TARGET, stages: [${stages}], ${extra}
  async iteration(ctx) { await ctx.http.get('/'); } });\n`;

describe('issue 10 defects', () => {
  it('1. --out into a folder that does not exist creates it; a file in the way is still refused before the load', async () => {
    const { dir, res } = await runIn(simple(), ['--out', 'junit=reports/ci/junit.xml', '--out', 'json=reports/r.json']);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(join(dir, 'reports/ci/junit.xml'), 'utf8')).toMatch(/<testsuites/);
    expect(readJson(join(dir, 'reports/r.json')).metrics.http_reqs.count).toBe(4);

    const before = target.stats.requests;
    const blocked = await runIn(simple(), ['--out', 'junit=afile/junit.xml'], { afile: 'not a folder' });
    expect(blocked.res.code).toBe(2);
    expect(blocked.res.stderr).toMatch(/--out junit=afile\/junit\.xml: cannot write .*afile\/junit\.xml: .*afile is not a folder/);
    expect(target.stats.requests).toBe(before); // refused before any load
  });

  it('2. abortTest() in setup() is an interruption: exit 105, no load, the reports written', async () => {
    const before = target.stats.requests;
    const { dir, res } = await runIn(simple('soak({ vus: 2, for: "5s" })', `async setup() { abortTest('no credentials'); },`), [
      '--out',
      'json=r.json',
    ]);
    expect(res.stderr).not.toMatch(/setup\(\) failed/);
    expect(res.code, res.stderr).toBe(105);
    const s = readJson(join(dir, 'r.json'));
    expect(s.exitCode).toBe(105);
    expect(s.aborted).toBe(true);
    expect(s.abortReason).toMatch(/no credentials/);
    expect(target.stats.requests).toBe(before);
  });

  it('3. a class-based reporter keeps its prototype methods (onRecords, onStart)', async () => {
    const reporter = `import { writeFileSync } from 'node:fs';
class CountingReporter {
  name = 'counting';
  records = 0;
  started = false;
  onStart() { this.started = true; }
  onRecords(records) { this.records += records.length; }
  onEnd(summary) { writeFileSync('count.txt', JSON.stringify({ records: this.records, started: this.started, reqs: summary.metrics.http_reqs.count })); }
}
export default new CountingReporter();
`;
    const { dir, res } = await runIn(simple(), ['--out', './counting.mjs'], { 'counting.mjs': reporter });
    expect(res.code, res.stderr).toBe(0);
    expect(readJson(join(dir, 'count.txt'))).toEqual({ records: 4, started: true, reqs: 4 });
    // and a class itself as the default export is constructed with the options
    const ctor = reporter.replace('export default new CountingReporter();', 'export default CountingReporter;');
    const second = await runIn(simple(), ['--out', './counting.mjs'], { 'counting.mjs': ctor });
    expect(second.res.code, second.res.stderr).toBe(0);
    expect(readJson(join(second.dir, 'count.txt'))).toEqual({ records: 4, started: true, reqs: 4 });
  });

  it('4. a report that cannot be written after the run is named with its reason; the others are written', async () => {
    // teardown puts a file where the junit folder would go (after the check before the load): that report alone cannot be written
    const breakFolder = `async teardown() { const fs = await import('node:fs'); fs.rmSync('out', { recursive: true, force: true }); fs.writeFileSync('out', 'x'); },`;
    const { dir, res } = await runIn(simple(undefined, breakFolder), ['--out', 'json=r.json', '--out', 'junit=out/j.xml', '--out', 'csv=c.csv']);
    expect(res.stderr).not.toMatch(/internal error/);
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.stderr).toMatch(/^rampart: the junit report was not written: cannot write \S*out\/j\.xml: a file is in the way of its folder$/m);
    expect(res.code).toBe(2);
    expect(readJson(join(dir, 'r.json')).metrics.http_reqs.count).toBe(4);
    expect(existsSync(join(dir, 'c.csv'))).toBe(true);

    // the run's own exit code wins when it is worse (teardown failed: 107)
    const worse = `async teardown() { const fs = await import('node:fs'); fs.rmSync('out', { recursive: true, force: true }); fs.writeFileSync('out', 'x'); throw new Error('teardown broke'); },`;
    const second = await runIn(simple(undefined, worse), ['--out', 'json=r.json', '--out', 'junit=out/j.xml']);
    expect(second.res.stderr).not.toMatch(/internal error/);
    expect(second.res.stderr).toMatch(/cannot write .*out\/j\.xml/);
    expect(second.res.code).toBe(107);
  });

  it('5. a VU that fans out has several requests in flight per origin (6, as k6 and browsers)', async () => {
    target.reset();
    const fanOut = `await Promise.all(Array.from({ length: 20 }, () => ctx.http.get('/delay/50')));`;
    const source = simple('burst({ vus: 1, iterations: 1 })').replace("await ctx.http.get('/');", fanOut);
    const { dir, res } = await runIn(source, ['--out', 'json=r.json']);
    expect(res.code, res.stderr).toBe(0);
    const s = readJson(join(dir, 'r.json'));
    expect(s.metrics.http_reqs.count).toBe(20);
    expect(s.meta.connectionsPerOrigin).toBe(6); // 1 VU x 6
    // overlap is a count the target saw: 1 with a pool of one connection per VU, at most 6 now
    expect(target.stats.maxInFlight).toBeGreaterThanOrEqual(3);
    expect(target.stats.maxInFlight).toBeLessThanOrEqual(6);
  });

  it('6. a short burst reports the true peak of vus, not a sampled one', async () => {
    const { dir, res } = await runIn(simple('burst({ vus: 15, iterations: 30 })'), ['--out', 'json=r.json']);
    expect(res.code, res.stderr).toBe(0);
    const s = readJson(join(dir, 'r.json'));
    expect(s.metrics.http_reqs.count).toBe(30);
    expect(s.metrics.vus.max).toBe(15); // all 15 slots start at once, before any response can come back
  });

  it('7. a finding that throws fails under test (strict), and is a one-line rampart: warning at run time', () => {
    const summary = buildSummaryFixture();
    FINDINGS['always-throws'] = () => {
      throw new Error('boom');
    };
    try {
      expect(process.env.RAMPART_STRICT_FINDINGS).toBe('1'); // set by vitest.config.ts for every test
      expect(() => deriveInsights(summary)).toThrow(/always-throws.*boom/);
    } finally {
      delete FINDINGS['always-throws'];
    }
    // a real process without the test setting: the other findings are kept, one warning names the finding
    const script = `import { FINDINGS, deriveInsights } from ${JSON.stringify(new URL('../dist/runner/insights/index.js', import.meta.url).href)};
FINDINGS['always-throws'] = () => { throw new Error('boom'); };
const insights = deriveInsights(${JSON.stringify(summary)});
process.stdout.write(JSON.stringify(insights.map((i) => i.kind)));`;
    const env = { ...process.env };
    delete env.RAMPART_STRICT_FINDINGS;
    delete env.VITEST;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 20_000 });
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual(deriveInsights(summary).map((i) => i.kind));
    expect(child.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^rampart: finding 'always-throws' failed and was skipped: boom$/)]);
  });

  it('8. a worker thread that dies while the others wait at a burst barrier: the run ends, exit 107, reports written', async () => {
    const dies =
      header +
      `export default scenario({ name: 'dies', target: process.env.TARGET,
  stages: [burst({ vus: 2, iterations: 2 }), soak({ vus: 2, for: '1s' })],
  async iteration(ctx) { await ctx.http.get('/'); if (ctx.vu === 1 && ctx.stage === 0) process.exit(3); } });\n`;
    const t0 = Date.now();
    const { dir, res } = await runIn(dies, ['--workers', '2', '--out', 'json=r.json', '--out', 'junit=j.xml']);
    expect(res.signal).toBeNull(); // not killed by the test's timeout
    expect(res.code, res.stderr).toBe(107);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(res.stderr).toMatch(/1 of 2 worker thread\(s\) died during the run/);
    const s = readJson(join(dir, 'r.json'));
    expect(s.errors).toContainEqual({ kind: 'worker', message: 'a worker thread exited with code 3 before it finished', count: 1 });
    expect(s.metrics.http_reqs.count).toBeGreaterThanOrEqual(2); // the living thread went on to the soak
    expect(existsSync(join(dir, 'j.xml'))).toBe(true);
  });

  it('9. a bad value in rampart.yaml is blamed on rampart.yaml, its line and key, not on the scenario', async () => {
    const yaml = `target: http://127.0.0.1:1\nhttp:\n  headers: { x-a: b }\n  timeout: banana\n`;
    const { res } = await runIn(simple(), [], { 'rampart.yaml': yaml });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(/^rampart: rampart\.yaml:4: 'http\.timeout' must be a positive duration such as '30s', got 'banana'$/);
    const grace = await runIn(simple(), [], { 'rampart.yaml': `gracefulStop: soon\n` });
    expect(grace.res.code).toBe(2);
    expect(grace.res.stderr.trim()).toMatch(/^rampart: rampart\.yaml:1: 'gracefulStop' must be a duration such as '30s', got 'soon'$/);
  });

  it("10. responses with RunPod's worker header and no serverless field: workers and cold starts are identified, and the summary says how", async () => {
    const sim = await startSimulator({ timeScale: 0.01, seed: 3 });
    try {
      const source = `import { scenario, burst } from 'rampart';
export default scenario({ name: 'lb', target: process.env.SIM, stages: [burst({ vus: 15, iterations: 30 })],
  async iteration(ctx) { await ctx.http.post('/generate', { json: { input: { prompt: 'hi' } }, name: 'generate' }); } });\n`;
      const dir = workspace({ 's.ts': source });
      const res = await rampart(['run', 's.ts', '--out', 'json=r.json'], { cwd: dir, env: { SIM: sim.url }, timeoutMs: 40_000 });
      expect(res.stderr).not.toMatch(/internal error/);
      const s = readJson(join(dir, 'r.json'));
      expect(s.metrics.workers_seen.max).toBe(sim.stats().workersStarted);
      expect(s.metrics.cold_starts.count).toBeGreaterThan(0);
      expect(s.metrics['http_req_duration{cold:true}'].count).toBeGreaterThan(0);
      expect(s.meta.serverless).toMatchObject({ preset: 'runpod', detected: { header: 'x-runpod-worker-id' } });
      expect(s.insights.map((i: any) => i.kind)).toContain('cold-starts');
      expect(res.stdout).toMatch(/x-runpod-worker-id/);
      expect(res.stdout).toMatch(/serverless: 'runpod'/);
    } finally {
      await sim.close();
    }
  });

  it('10. a target without a worker header: no serverless metadata, no worker metrics', async () => {
    const { dir, res } = await runIn(simple(), ['--out', 'json=r.json']);
    expect(res.code, res.stderr).toBe(0);
    const s = readJson(join(dir, 'r.json'));
    expect(s.meta.serverless).toBeUndefined();
    expect(s.metrics.workers_seen).toBeUndefined();
  });
});
