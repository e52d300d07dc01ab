/**
 * The results contract: real results files, written by the built CLI, validate against
 * docs/results-schema.json (test/support/results-schema.ts), so the schema cannot drift from
 * the output. Every CLI run of the suite is checked so (support/cli.ts); these runs cover every
 * stage kind, a serverless run, an aborted run and a merged distributed run (folder store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { rampart, readJson, workspace } from './support/cli.js';
import { checkWrittenResults, resultsBefore } from './support/invariants.js';
import { schemaViolations as violations } from './support/results-schema.js';
import { startTarget, type Target } from './support/target.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const plainScenario = `import { scenario, ramp, soak, burst, pause, check } from 'rampart';
export default scenario({
  name: 'schema-plain',
  target: process.env.TARGET,
  stages: [
    ramp({ to: 3, over: '600ms' }),
    burst({ vus: 4, iterations: 8 }),
    pause('200ms'),
    soak({ rate: 20, for: '600ms', maxVUs: 4 }),
    burst({ iterations: 6, maxVUs: 3 }),
  ],
  metrics: { never_added: 'counter' },
  thresholds: { http_req_duration: ['p(95) < 5000'], checks: ['rate > 0.5'], never_added: ['count > 0'] },
  async iteration(ctx) {
    const res = await ctx.http.get(ctx.iteration % 5 === 0 ? '/status/503' : '/delay/5', { name: 'get' });
    check(res, { 'status is 200': (r) => r.status === 200 });
    ctx.metrics.trend('my_trend').add(res.timings.duration, { kind: 'a' });
    ctx.metrics.counter('my_counter').add(1);
    ctx.metrics.gauge('my_gauge').set(ctx.vu);
    if (ctx.iteration === 3) throw new Error('one exception for the errors list');
  },
});
`;

describe('results files validate against docs/results-schema.json', () => {
  it('the schema rejects what it must (so a pass means something)', () => {
    expect(violations({ version: 2 })).not.toBe('');
    const ok = {
      version: 1,
      scenario: { name: 'x', file: 'x.ts', profile: null },
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:01.000Z',
      durationMs: 1000,
      aborted: false,
      exitCode: 0,
      metrics: {},
      checks: {},
      thresholds: {},
      timeline: [],
      errors: [],
      insights: [],
    };
    expect(violations(ok)).toBe('');
    expect(violations({ ...ok, startedAt: 'yesterday' })).toMatch(/startedAt/);
    // a field the output would write and the schema does not describe
    expect(violations({ ...ok, surprise: 1 })).toMatch(/surprise/);
    expect(
      violations({
        ...ok,
        stages: [{ index: 0, kind: 'soak', description: 'd', startMs: 0, durationMs: 1, offered: { executor: 'idle', extra: 1 } }],
      }),
    ).toMatch(/extra/);
  });

  it('every run of the suite is checked: a results file a run wrote, or one read back, that does not validate fails the test', () => {
    const dir = workspace({ 'input.json': JSON.stringify({ version: 1, metrics: {}, startedAt: 'hand-made input' }) });
    const args = ['run', 's.ts', '--out', 'json=out/r.json', '--store', 'store'];
    const before = resultsBefore(args, dir);
    const bad = JSON.stringify({ version: 1, metrics: {}, startedAt: 'yesterday' });
    const written = workspace({ 'out/r.json': bad, 'store/results/0.json': bad, 'other.json': bad });
    for (const name of ['out/r.json', 'store/results/0.json', 'other.json']) cpSync(join(written, name), join(dir, name));
    const found = checkWrittenResults(args, dir, before).join('\n');
    for (const name of ['out/r.json', 'store/results/0.json', 'other.json'])
      expect(found).toContain(`${join(dir, name)}: /startedAt must match format`);
    expect(found).not.toContain('input.json'); // the test's own input, not the run's output
    expect(() => readJson(join(dir, 'out/r.json'))).toThrow(/out\/r\.json is not a valid results file:\n[^]*required property 'endedAt'/);
  });

  it('a plain run with every stage kind, checks, thresholds, custom metrics and errors', async () => {
    const dir = workspace({ 's.ts': plainScenario });
    const r = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    expect(r.code, r.stderr).toBe(99); // never_added has no data: not passed
    const s = readJson(join(dir, 'r.json'));
    expect(s.stages.map((st: { offered: { executor: string } }) => st.offered.executor)).toEqual([
      'vu-levels',
      'shared-iterations',
      'idle',
      'arrival-rate',
      'arrival-burst',
    ]);
    expect(s.errors.length).toBeGreaterThan(0);
    expect(s.thresholds.never_added[0].ok).toBe(false);
    expect(violations(s)).toBe('');
  }, 60_000);

  it('an aborted run (abortTest in an iteration)', async () => {
    const dir = workspace({
      's.ts': `import { scenario, soak, abortTest } from 'rampart';
export default scenario({
  name: 'schema-abort', target: process.env.TARGET, stages: [soak({ vus: 2, for: '20s' })],
  async iteration(ctx) { await ctx.http.get('/'); if (ctx.iteration >= 5) abortTest('enough'); },
});
`,
    });
    const r = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    expect(r.code).toBe(105);
    const s = readJson(join(dir, 'r.json'));
    expect(s.aborted).toBe(true);
    expect(violations(s)).toBe('');
  }, 60_000);

  it('a run that measured nothing (verdict)', async () => {
    const dir = workspace({
      's.ts': `import { scenario, burst } from 'rampart';
export default scenario({ name: 'schema-nothing', target: 'http://127.0.0.1:1', stages: [burst({ vus: 2, iterations: 4 })],
  async iteration(ctx) { await ctx.http.get('/'); } });
`,
    });
    const r = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir });
    expect(r.code).toBe(3);
    const s = readJson(join(dir, 'r.json'));
    expect(s.verdict.kind).toBe('no-response');
    expect(violations(s)).toBe('');
  }, 60_000);

  it('a serverless run against the simulator (worker metrics, cold starts, serverless meta)', async () => {
    let sim: Simulator | undefined;
    try {
      sim = await startSimulator({ timeScale: 0.01, seed: 3 });
      const dir = workspace({
        's.ts': `import { scenario, burst } from 'rampart';
export default scenario({ name: 'schema-serverless', target: process.env.TARGET, serverless: 'runpod', stages: [burst({ vus: 6, iterations: 12 })],
  async iteration(ctx) { await ctx.http.post('/generate', { json: { input: { prompt: 'hi' } }, name: 'generate' }); } });
`,
      });
      const r = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: sim.url } });
      expect(r.stderr).not.toMatch(/internal error/);
      const s = readJson(join(dir, 'r.json'));
      expect(s.meta.serverless.preset).toBe('runpod');
      expect(violations(s)).toBe('');
    } finally {
      await sim?.close();
    }
  }, 60_000);

  it('a merged distributed run (two segments, folder store)', async () => {
    const dir = workspace({
      's.ts': `import { scenario, burst } from 'rampart';
export default scenario({ name: 'schema-merge', target: process.env.TARGET, stages: [burst({ vus: 2, iterations: 8 })],
  async iteration(ctx) { await ctx.http.get('/'); } });
`,
    });
    const segs = await Promise.all(
      [1, 2].map((i) =>
        rampart(['run', 's.ts', '--segment', `${i}/2`, '--store', 'store', '-q', '--barrier-timeout', '30s'], {
          cwd: dir,
          env: { TARGET: target.url },
          timeoutMs: 90_000,
        }),
      ),
    );
    for (const seg of segs) expect(seg.code, seg.stderr).toBe(0);
    const merged = await rampart(['merge', 'store', '-q', '--out', 'json=merged.json'], { cwd: dir });
    expect(merged.code, merged.stderr).toBe(0);
    const s = readJson(join(dir, 'merged.json'));
    expect(s.metrics.http_reqs.count).toBe(8);
    expect(violations(s)).toBe('');
  }, 120_000);
});
