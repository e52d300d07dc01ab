import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as hdr from 'hdr-histogram-js';
import { rampart, workspace, runScenario } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const header = `import { scenario, soak, burst, check, abortTest } from 'rampart';\n`;

const runFile = (source: string, args: string[] = [], files: Record<string, string> = {}) => runScenario(source, { target: target.url, args, files });

describe('thresholds and exit codes', () => {
  it('exit 0 when every threshold holds; thresholds report their actual values', async () => {
    const { code, results } = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 2, iterations: 10 })],
      thresholds: { http_req_duration: ['p(95)<5000', 'max<10000'], http_req_failed: ['rate==0'], http_reqs: ['count==10'], 'http_reqs{status:200}': ['count>=10'] },
      async iteration(ctx) { await ctx.http.get('/'); } });`,
    );
    expect(code).toBe(0);
    expect(results.exitCode).toBe(0);
    expect(results.thresholds.http_reqs[0]).toMatchObject({ expression: 'count==10', ok: true, actual: 10 });
    expect(results.thresholds.http_req_duration).toHaveLength(2);
    expect(results.thresholds['http_reqs{status:200}'][0].ok).toBe(true);
  });

  it('exit 99 when a threshold fails; a metric with no sample fails as noData', async () => {
    const { code, results, stdout } = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 2, iterations: 6 })],
      thresholds: { http_req_failed: ['rate<0.01'], 'http_req_duration{name:never}': ['p(95)<100'] },
      async iteration(ctx) { await ctx.http.get('/status/500'); } });`,
    );
    expect(code).toBe(99);
    expect(results.exitCode).toBe(99);
    expect(results.thresholds.http_req_failed[0]).toMatchObject({ ok: false, actual: 1 });
    expect(results.thresholds['http_req_duration{name:never}'][0]).toMatchObject({ ok: false, noData: true, actual: null });
    expect(stdout).toMatch(/✗ http_req_failed rate<0.01 failed: actual 1/);
    expect(results.errors[0]).toMatchObject({ kind: 'http', status: 500, count: 6 });
  });

  it('abortOnFail stops the run early with exit 99', async () => {
    const started = Date.now();
    const { code, results } = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [soak({ vus: 2, for: '20s' })],
      thresholds: { http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }] },
      async iteration(ctx) { await ctx.http.get('/status/503'); await ctx.sleep(20); } });`,
    );
    expect(code).toBe(99);
    expect(results.aborted).toBe(true);
    expect(results.abortReason).toBe('threshold');
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('custom metrics and checks feed thresholds; an undeclared metric is a usage error (exit 2)', async () => {
    const ok = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 1, iterations: 5 })], metrics: { queue_ms: 'trend', jobs_done: 'counter' },
      thresholds: { queue_ms: ['avg>11.9', 'avg<12.1'], jobs_done: ['count==5'], checks: ['rate==1'] },
      async iteration(ctx) { ctx.metrics.trend('queue_ms').add(12); ctx.metrics.counter('jobs_done').add();
        check(1, { 'one is one': (v) => v === 1 }); } });`,
    );
    expect(ok.code).toBe(0);
    expect(ok.results.metrics.queue_ms).toMatchObject({ type: 'trend', count: 5 });
    expect(ok.results.metrics.queue_ms.avg).toBeCloseTo(12, 1);
    const bad = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 1, iterations: 1 })], thresholds: { no_such_metric: ['count>0'] },
      async iteration() {} });`,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/s\.ts: thresholds: unknown metric 'no_such_metric'/);
  });
});

describe('errors point at the TypeScript source', () => {
  it('a compile error prints file:line:col with the source line, exit 107', async () => {
    const { code, stderr } = await runFile(`import { scenario } from 'rampart';\nconst x: number = ;\nexport default scenario({});\n`);
    expect(code).toBe(107);
    expect(stderr).toMatch(/s\.ts:2:19: Unexpected ";"/);
    expect(stderr).toContain('const x: number = ;');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('an exception in iteration fails that iteration only, grouped with its TypeScript location', async () => {
    const source =
      header +
      `type Job = { id: number };
export default scenario({ name: 't', target: process.env.TARGET,
  stages: [burst({ vus: 2, iterations: 10 })],
  async iteration(ctx) {
    const job: Job = { id: ctx.iteration };
    await ctx.http.get('/');
    if (job.id % 2 === 0) throw new Error('odd job ' + (job.id % 2));
  } });`;
    const { code, results } = await runFile(source);
    expect(code).toBe(0);
    expect(results.metrics.iterations.count).toBe(10);
    expect(results.metrics.failed_iterations.count).toBeGreaterThanOrEqual(4);
    const group = results.errors.find((e: any) => e.kind === 'exception');
    expect(group.message).toBe('odd job 0');
    const line = source.split('\n').findIndex((l) => l.includes('throw new Error')) + 1;
    const col = source.split('\n')[line - 1].indexOf('throw') + 1 + 'throw '.length;
    expect(group.location).toBe(`s.ts:${line}:${col}`);
    expect(group.count).toBe(results.metrics.failed_iterations.count);
  });

  it('setup() that throws stops before any load: exit 107 with the location', async () => {
    const { code, stderr } = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 1, iterations: 1 })],
      async setup() { throw new Error('no token'); },
      async iteration(ctx) { await ctx.http.get('/'); } });`,
    );
    expect(code).toBe(107);
    expect(stderr).toMatch(/s\.ts:4:\d+: setup\(\) failed: no token/);
  });

  it('a stray rejection or a throwing timer in setup() is an error group, not a crash', async () => {
    const { code, stderr, results } = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 1, iterations: 2 })],
      async setup() {
        Promise.reject(new Error('nobody waits for me'));
        setTimeout(() => { throw new Error('thrown in a timer'); }, 5);
        await new Promise((r) => setTimeout(r, 50));
      },
      async iteration(ctx) { await ctx.http.get('/'); } });`,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    expect(results.metrics.iterations.count).toBe(2);
    const messages = results.errors
      .filter((e: any) => e.kind === 'exception')
      .map((e: any) => e.message)
      .sort();
    expect(messages).toEqual(['uncaught exception: thrown in a timer', 'unhandled rejection: nobody waits for me']);
  });

  it('process.exit() in teardown() is a scenario error: exit 107, and the reports are still written', async () => {
    const { code, stderr, results } = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 1, iterations: 2 })],
      async iteration(ctx) { await ctx.http.get('/'); },
      async teardown() { process.exit(4); } });`,
    );
    expect(code).toBe(107);
    expect(stderr).toMatch(/teardown\(\) failed: the scenario called process\.exit\(4\)/);
    expect(results.metrics.iterations.count).toBe(2);
  });

  it('setup data reaches every iteration (structured clone); teardown sees it too', async () => {
    target.reset();
    const { code, results } = await runFile(
      header +
        `export default scenario({ name: 't', target: process.env.TARGET,
      stages: [burst({ vus: 2, iterations: 4 })],
      async setup(ctx) { const r = await ctx.http.get('/json'); return { token: r.json().ok ? 'abc' : 'none' }; },
      async iteration(ctx, data) { await ctx.http.get('/?token=' + data.token); },
      async teardown(ctx, data) { await ctx.http.get('/teardown?token=' + data.token); } });`,
      ['--workers', '2'],
    );
    expect(code).toBe(0);
    expect(target.stats.byPath['/']).toBe(4);
    expect(target.stats.byPath['/json']).toBe(1);
    expect(target.stats.byPath['/teardown']).toBe(1);
    expect(results.metrics.http_reqs.count).toBe(6);
  });
});

describe('the results file', () => {
  it('has the shape of docs/results-schema.md, and every trend HDR decodes to its count', async () => {
    const { results } = await runFile(
      header +
        `export default scenario({ name: 'shape', target: process.env.TARGET,
      stages: [soak({ vus: 2, for: '1200ms' })],
      async iteration(ctx) { const r = await ctx.http.post('/json', { json: { a: 1 }, name: 'submit' }); check(r, { ok: (x) => x.ok }); } });`,
    );
    for (const key of [
      'version',
      'scenario',
      'startedAt',
      'endedAt',
      'durationMs',
      'aborted',
      'exitCode',
      'metrics',
      'checks',
      'thresholds',
      'timeline',
      'errors',
      'insights',
    ]) {
      expect(results).toHaveProperty(key);
    }
    expect(results.scenario).toEqual({ name: 'shape', file: 's.ts', profile: null });
    const trends = Object.entries(results.metrics).filter(([, m]: any) => m.type === 'trend');
    expect(trends.length).toBeGreaterThan(5);
    for (const [, m] of trends as [string, any][]) {
      const h = hdr.decodeFromCompressedBase64(m.hdr);
      expect(h.totalCount).toBe(m.count);
    }
    expect(results.metrics['http_req_duration{name:submit}'].count).toBe(results.metrics.http_reqs.count);
    expect(results.timeline.length).toBeGreaterThanOrEqual(1);
    const timelineReqs = results.timeline.reduce((s: number, p: any) => s + (p.hdr ? hdr.decodeFromCompressedBase64(p.hdr).totalCount : 0), 0);
    expect(timelineReqs).toBe(results.metrics.http_reqs.count);
  });
});

describe('exit codes for the CLI itself', () => {
  it('2 for a bad flag, an invalid stage, a bad -e pair', async () => {
    const src = header + `export default scenario({ name: 't', stages: [soak({ vus: 1, for: '-1s' })], async iteration() {} });`;
    const stage = await runFile(src);
    expect(stage.code).toBe(2);
    expect(stage.stderr).toMatch(/s\.ts: stages\[0\] \(soak\): 'for' must be a positive duration/);
    const flag = await runFile(src, ['--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown argument/);
    const pair = await runFile(src, ['-e', '=x']);
    expect(pair.code).toBe(2);
  });

  it('2, not 1, for a report that cannot be written after the run: the file and the reason are named (issue 10)', async () => {
    const { code, stderr } = await runFile(
      `import { scenario, burst } from 'rampart';
import { rmSync, writeFileSync } from 'node:fs';
export default scenario({ name: 't', stages: [burst({ vus: 1, iterations: 1 })],
  async setup() { rmSync(process.cwd() + '/out', { recursive: true }); writeFileSync(process.cwd() + '/out', 'a file'); },
  async iteration() {} });`,
      ['--out', 'junit=out/r.xml'],
      { 'out/.keep': '' },
    );
    expect(code).toBe(2);
    expect(stderr).not.toMatch(/internal error/);
    expect(stderr).toMatch(/the junit report was not written: cannot write \S*out\/r\.xml: a file is in the way of its folder/);
  });

  it('inspect prints the plan and --json for machines', async () => {
    const dir = workspace({
      's.ts':
        header +
        `export default scenario({ name: 'p', stages: [], profiles: { burst: [burst({ vus: 15, iterations: 30 })], ramp: [soak({ vus: 3, for: '1m' }), soak({ rate: 5, for: '30s', maxVUs: 10 })] }, async iteration() {} });`,
    });
    const text = await rampart(['inspect', 's.ts', '--profile', 'ramp'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/soak 3 VUs for 1m/);
    expect(text.stdout).toMatch(/total duration: 1m30s/);
    expect(text.stdout).toMatch(/peak VUs: 10/);
    const json = await rampart(['inspect', 's.ts', '--profile', 'burst', '--json'], { cwd: dir });
    const plan = JSON.parse(json.stdout);
    expect(plan.steps[0]).toMatchObject({ executor: 'shared-iterations', vus: 15, iterations: 30 });
    expect(plan.peakVUs).toBe(15);
  });
});
