import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildPlan } from '../runner/plan/build.js';
import { checkWorkloadThresholds } from '../runner/plan/workloads.js';
import { burst, ramp, soak } from '../scenarios/index.js';
import { rampart, readJson, workspace } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';

/**
 * Workloads: several load shapes side by side in one file, each with its own iteration, tags,
 * samples, thresholds and summary line; and the command line's quick overrides.
 */

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const noop = () => {};

/** browse: a closed ramp to 4 VUs; checkout: an open soak of 20/s for 1 s, starting 400 ms in. */
const TWO_WORKLOADS = `import { scenario, ramp, soak, check } from 'rampart';
export default scenario({
  name: 'shop',
  target: process.env.TARGET,
  thresholds: {
    'http_reqs{workload:checkout}': ['count==20'],
    'http_req_duration{workload:browse}': ['p(95)<5000'],
    'http_req_failed{workload:checkout,team:pay}': ['rate==0'],
  },
  workloads: {
    browse: {
      stages: [ramp({ to: 4, over: '1500ms' })],
      async iteration(ctx) {
        if (ctx.workload !== 'browse') throw new Error('wrong workload ' + ctx.workload);
        await ctx.http.get('/delay/40', { name: 'browse' });
      },
    },
    checkout: {
      startAfter: '400ms',
      tags: { team: 'pay' },
      stages: [soak({ rate: 20, for: '1s', maxVUs: 10 })],
      async iteration(ctx) {
        const res = await ctx.http.get('/checkout/' + ctx.iterationInWorkload, { name: 'checkout' });
        check(res, { 'checkout ok': (r) => r.status === 200 });
      },
    },
  },
});
`;

describe('two workloads in one file', () => {
  it('a closed ramp and an open soak run concurrently, each with its own samples, thresholds and summary line', async () => {
    target.reset();
    const dir = workspace({ 's.ts': TWO_WORKLOADS });
    const res = await rampart(['run', 's.ts', '--workers', '2', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    expect(res.stderr).not.toMatch(/internal error|wrong workload/);
    expect(res.code, res.stderr).toBe(0);
    const r = readJson(join(dir, 'r.json'));
    expect(r.metrics.failed_iterations?.count ?? 0, JSON.stringify(r.errors)).toBe(0);
    const browse = target.stats.arrivals.filter((a) => a.path === '/delay/40');
    const checkout = target.stats.arrivals.filter((a) => a.path.startsWith('/checkout/'));
    // each workload's samples are its own, and add up to the whole
    expect(r.metrics['http_reqs{workload:browse}'].count).toBe(browse.length);
    expect(r.metrics['http_reqs{workload:checkout}'].count).toBe(20);
    expect(checkout.length).toBe(20);
    expect(r.metrics.http_reqs.count).toBe(browse.length + 20);
    expect(r.metrics['iteration_duration{workload:checkout}'].count).toBe(20);
    expect(r.metrics['http_reqs{team:pay}'].count).toBe(20); // the workload's own tags
    expect(r.metrics['checks{workload:checkout}']).toMatchObject({ trues: 20, falses: 0 }); // checks know their workload too
    expect(r.metrics['checks{workload:browse}']).toBeUndefined();
    expect(r.stages.map((s: any) => [s.index, s.workload, s.startMs])).toEqual([
      [0, 'browse', 0],
      [1, 'checkout', 400],
    ]);
    // iterationInWorkload is unique and dense across the two threads
    expect(checkout.map((a) => Number(a.path.split('/')[2])).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // side by side: checkout starts after its offset, while browse is still ramping
    const firstCheckout = Math.min(...checkout.map((a) => a.t));
    const firstBrowse = Math.min(...browse.map((a) => a.t));
    // (browse's first VU starts when the ramp reaches 1 VU, ~190 ms in; checkout's first arrival is at 400 ms)
    expect(firstCheckout - firstBrowse).toBeGreaterThanOrEqual(100);
    expect(browse.some((a) => a.t > firstCheckout + 200)).toBe(true);
    // thresholds per workload, a tag combination included
    expect(r.thresholds['http_reqs{workload:checkout}'][0]).toMatchObject({ ok: true, actual: 20 });
    expect(r.thresholds['http_req_duration{workload:browse}'][0].ok).toBe(true);
    expect(r.thresholds['http_req_failed{workload:checkout,team:pay}'][0]).toMatchObject({ ok: true, actual: 0 });
    // the console summary has a line per workload
    expect(res.stdout).toMatch(new RegExp(`browse\\s+${browse.length} iterations, ${browse.length} requests, 0% failed, p95 [\\d.]+ ms`));
    expect(res.stdout).toMatch(/checkout\s+20 iterations, 20 requests, 0% failed, p95 [\d.]+ ms/);
  });

  it("a threshold on one workload fails alone; the other's passes", async () => {
    target.reset();
    const dir = workspace({
      's.ts': `import { scenario, soak, burst } from 'rampart';
export default scenario({
  name: 'split', target: process.env.TARGET,
  thresholds: { 'http_req_failed{workload:ok}': ['rate==0'], 'http_req_failed{workload:broken}': ['rate==0'] },
  workloads: {
    ok: { stages: [burst({ vus: 2, iterations: 6 })], async iteration(ctx) { await ctx.http.get('/'); } },
    broken: { stages: [soak({ rate: 10, for: '500ms', maxVUs: 5 })], async iteration(ctx) { await ctx.http.get('/status/500'); } },
  },
});
`,
    });
    const res = await rampart(['run', 's.ts', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    expect(res.code, res.stderr).toBe(99);
    const r = readJson(join(dir, 'r.json'));
    expect(r.thresholds['http_req_failed{workload:ok}'][0]).toMatchObject({ ok: true, actual: 0 });
    expect(r.thresholds['http_req_failed{workload:broken}'][0]).toMatchObject({ ok: false, actual: 1 });
    expect(target.stats.byPath['/']).toBe(6);
    expect(target.stats.byPath['/status/500']).toBe(5);
    expect(res.stdout).toMatch(/broken\s+5 iterations, 5 requests, 100% failed/);
  });

  it('inspect shows the workloads side by side, as text and as JSON', async () => {
    const dir = workspace({ 's.ts': TWO_WORKLOADS });
    const text = await rampart(['inspect', 's.ts'], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^0\s+browse\s+ramp\s+0ms\s+1\.5s\s+4\s+ramp 0 → 4 VUs over 1\.5s$/m);
    expect(text.stdout).toMatch(/^1\s+checkout\s+soak\s+400ms\s+1s\s+10\s+soak 20 it\/s for 1s \(maxVUs 10\)$/m);
    expect(text.stdout).toMatch(/checkout: from 400ms, 1s, 1 stage, peak 10 VUs, tags \{team:pay,workload:checkout\}/);
    expect(text.stdout).toMatch(/total duration: 1\.5s/);
    expect(text.stdout).toMatch(/peak VUs: 14/);
    const json = await rampart(['inspect', 's.ts', '--json'], { cwd: dir });
    const plan = JSON.parse(json.stdout);
    expect(plan.workloads.map((w: any) => [w.name, w.startAfterMs, w.steps.length, w.peakVUs])).toEqual([
      ['browse', 0, 1, 4],
      ['checkout', 400, 1, 10],
    ]);
    expect(plan.workloads[1].steps[0]).toMatchObject({ index: 1, workload: 'checkout', executor: 'arrival-rate', fromRate: 20, maxVUs: 10 });
    expect(plan.peakVUs).toBe(14);
    expect(plan.poolSize).toBe(14);
  });

  it('a bad workload is one line naming the field, exit 2, and nothing is sent', async () => {
    target.reset();
    const dir = workspace({ 's.ts': TWO_WORKLOADS.replace("startAfter: '400ms'", "startAfter: 'soon'") });
    const res = await rampart(['run', 's.ts', '--quiet'], { cwd: dir, env: { TARGET: target.url } });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe("rampart: s.ts: workloads.checkout: 'startAfter' must be a duration such as '30s' or 250 (ms), got 'soon'");
    expect(target.stats.requests).toBe(0);
  });
});

describe('one workload, as before', () => {
  it("top-level stages are the workload 'default': ctx.workload says so and samples carry no workload tag", async () => {
    target.reset();
    const dir = workspace({
      's.ts': `import { scenario, burst } from 'rampart';
export default scenario({ name: 'one', target: process.env.TARGET, stages: [burst({ vus: 3, iterations: 9 })],
  async iteration(ctx) { await ctx.http.get('/' + ctx.workload + '/' + ctx.iterationInWorkload); } });
`,
    });
    const res = await rampart(['run', 's.ts', '--quiet', '--workers', '3', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    expect(res.code, res.stderr).toBe(0);
    const r = readJson(join(dir, 'r.json'));
    expect(Object.keys(r.metrics).filter((k) => k.includes('workload:'))).toEqual([]);
    expect(r.stages[0]).not.toHaveProperty('workload');
    expect(Object.keys(target.stats.byPath).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `/default/${i}`).sort());
    expect(res.stdout).not.toMatch(/workloads/);
  });
});

describe('open ramps from a rate', () => {
  it('ramp({ startRate: 10, rate: 30, over: 1s }) starts (10+30)/2 = 20 iterations, more in the second half', async () => {
    target.reset();
    const dir = workspace({
      's.ts': `import { scenario, ramp } from 'rampart';
export default scenario({ name: 'r', target: process.env.TARGET, stages: [ramp({ startRate: 10, rate: 30, over: '1s', maxVUs: 10 })],
  async iteration(ctx) { await ctx.http.get('/'); } });
`,
    });
    const res = await rampart(['run', 's.ts', '--quiet'], { cwd: dir, env: { TARGET: target.url } });
    expect(res.code, res.stderr).toBe(0);
    expect(target.stats.requests).toBe(20);
    // arrival k at t where 10t + 10t² = k: 8 in the first half second, 12 in the second
    const t = target.stats.arrivals.map((a) => a.t - target.stats.arrivals[0].t);
    expect(t.filter((x) => x < 500).length).toBeLessThan(t.filter((x) => x >= 500).length);
  });
});

describe('command-line overrides', () => {
  const file = `import { scenario, ramp } from 'rampart';
export default scenario({ name: 'o', target: process.env.TARGET, stages: [ramp({ to: 50, over: '1m' })],
  async iteration(ctx) { await ctx.http.get('/delay/100'); } });
`;

  it('--iterations N --vus V: N iterations shared by V VUs, instead of the stages', async () => {
    target.reset();
    const dir = workspace({ 's.ts': file });
    const res = await rampart(['run', 's.ts', '--quiet', '--iterations', '12', '--vus', '4', '--out', 'json=r.json'], {
      cwd: dir,
      env: { TARGET: target.url },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(target.stats.requests).toBe(12);
    expect(target.stats.maxInFlight).toBe(4);
    expect(readJson(join(dir, 'r.json')).stages).toEqual([expect.objectContaining({ kind: 'burst', description: 'burst 4 VUs, 12 iterations' })]);
  });

  it('--iterations N alone: one VU', async () => {
    target.reset();
    const dir = workspace({ 's.ts': file });
    const res = await rampart(['run', 's.ts', '--quiet', '--iterations', '3'], { cwd: dir, env: { TARGET: target.url } });
    expect(res.code, res.stderr).toBe(0);
    expect(target.stats.requests).toBe(3);
    expect(target.stats.maxInFlight).toBe(1);
  });

  it('--vus N --duration D: one closed soak', async () => {
    target.reset();
    const dir = workspace({ 's.ts': file });
    const res = await rampart(['run', 's.ts', '--quiet', '--vus', '3', '--duration', '1s', '--out', 'json=r.json'], {
      cwd: dir,
      env: { TARGET: target.url },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(target.stats.maxInFlight).toBe(3);
    // 3 VUs × 1 s / 100 ms, generous for a busy machine
    expect(target.stats.requests).toBeGreaterThan(9);
    expect(target.stats.requests).toBeLessThanOrEqual(33);
    const inspect = await rampart(['inspect', 's.ts', '--vus', '3', '--duration', '1s'], { cwd: dir });
    expect(inspect.stdout).toMatch(/soak 3 VUs for 1s/);
  });

  it.each([
    [['--vus', '3'], /--vus needs --duration .* or --iterations/],
    [['--duration', 'a while'], /--duration 'a while' must be a positive duration/],
    [['--vus', '0', '--duration', '1s'], /--vus must be a whole number from 1 to 100000, got 0/],
    [['--iterations', '2.5'], /--iterations must be a whole number/],
  ])('%j is a usage error, exit 2', async (args, message) => {
    target.reset();
    const dir = workspace({ 's.ts': file });
    const res = await rampart(['run', 's.ts', '--quiet', ...args], { cwd: dir, env: { TARGET: target.url } });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(message);
    expect(target.stats.requests).toBe(0);
  });
});

describe('plan', () => {
  const w = (stages: unknown[], extra: Record<string, unknown> = {}) => ({ stages, iteration: noop, ...extra });

  it('workloads: steps numbered across workloads, offsets in their starts, peaks and pools added up', () => {
    const plan = buildPlan(
      {
        workloads: {
          a: w([ramp({ to: 10, over: '30s' }), soak({ vus: 10, for: '1m' })]),
          b: w([soak({ rate: 5, for: '2m', maxVUs: 20 })], { startAfter: '1m' }),
        },
      },
      null,
      's.ts',
    );
    expect(plan.steps.map((s) => [s.index, s.workload, s.startMs])).toEqual([
      [0, 'a', 0],
      [1, 'a', 30_000],
      [2, 'b', 60_000],
    ]);
    expect(plan.workloads.map((x) => [x.name, x.durationMs, x.peakVUs, x.poolSize])).toEqual([
      ['a', 90_000, 10, 20],
      ['b', 120_000, 20, 20],
    ]);
    expect(plan.totalDurationMs).toBe(180_000);
    expect(plan.peakVUs).toBe(30);
    expect(plan.poolSize).toBe(40);
    expect(plan.workloads[1].sampleTags).toEqual({ workload: 'b' });
  });

  it('a threshold on a workload the file does not have is an error before the load', () => {
    const plan = buildPlan({ workloads: { a: w([soak({ vus: 1, for: '1s' })]) } }, null, 's.ts');
    expect(() => checkWorkloadThresholds({ 'http_reqs{workload:a}': 'count>0' }, plan, 's.ts')).not.toThrow();
    expect(() => checkWorkloadThresholds({ 'http_reqs{workload:b,name:x}': 'count>0' }, plan, 's.ts')).toThrow(
      "s.ts: thresholds.http_reqs{workload:b,name:x}: no workload 'b' (workloads: a)",
    );
    const single = buildPlan({ stages: [soak({ vus: 1, for: '1s' })] }, null, 's.ts');
    expect(() => checkWorkloadThresholds({ 'http_reqs{workload:default}': 'count>0' }, single, 's.ts')).toThrow(/the scenario has no 'workloads'/);
  });

  it('an open ramp may start from a rate', () => {
    const plan = buildPlan({ stages: [soak({ rate: 50, for: '1m', maxVUs: 9 }), ramp({ startRate: 10, rate: 20, over: '1m', maxVUs: 9 })] }, null);
    expect(plan.steps[1]).toMatchObject({ fromRate: 10, toRate: 20, description: 'ramp 10 → 20 it/s over 1m (maxVUs 9)' });
    expect(() => buildPlan({ stages: [ramp({ startRate: -1, rate: 20, over: '1m', maxVUs: 9 })] }, null, 's.ts')).toThrow(
      /stages\[0\] \(ramp\): 'startRate' must be a number of iterations per second ≥ 0, got -1/,
    );
  });

  it("profiles: --profile picks each workload's profile; a workload without profiles keeps its stages", () => {
    const source = {
      workloads: { a: w([soak({ vus: 1, for: '1s' })], { profiles: { big: [soak({ vus: 9, for: '1s' })] } }), b: w([soak({ vus: 2, for: '1s' })]) },
    };
    expect(buildPlan(source, 'big').steps.map((s) => s.peakConcurrency)).toEqual([9, 2]);
    expect(buildPlan(source, null).steps.map((s) => s.peakConcurrency)).toEqual([1, 2]);
    expect(() => buildPlan(source, 'tiny', 's.ts')).toThrow("s.ts: workloads.a: no profile 'tiny' (profiles: big)");
  });

  it('--iterations with --duration: a burst that ends at the duration', () => {
    const plan = buildPlan({ stages: [burst({ vus: 1 })] }, null, 's.ts', { iterations: 100, vus: 5, durationMs: 30_000 });
    expect(plan.steps).toEqual([expect.objectContaining({ executor: 'shared-iterations', vus: 5, iterations: 100, durationMs: 30_000 })]);
  });

  it.each([
    [{ workloads: {} }, /'workloads' must be \{ name: \{ stages, iteration \}, \.\.\. \} with at least one workload/],
    [{ workloads: { a: { stages: [soak({ vus: 1, for: '1s' })] } } }, /s\.ts: workloads\.a: 'iteration' must be a function/],
    [
      { workloads: { a: w([soak({ vus: 1, for: '1s' })], { exec: 'x' }) } },
      /s\.ts: workloads\.a: unknown field 'exec' \(allowed: stages, profiles, startAfter, tags, iteration\)/,
    ],
    [{ workloads: { a: w([soak({ vus: 1, for: '1s' })], { startAfter: -5 }) } }, /s\.ts: workloads\.a: 'startAfter' must be a duration/],
    [{ workloads: { 'a b': w([soak({ vus: 1, for: '1s' })]) } }, /s\.ts: workloads\.a b: a workload's name is letters/],
    [
      { workloads: { a: w([soak({ vus: 1, for: '1s' })], { tags: { workload: 'x' } }) } },
      /workloads\.a: tags: 'workload' is not a tag name you can set/,
    ],
    [{ workloads: { a: w([]) } }, /s\.ts: 'workloads\.a\.stages' must be a non-empty list of stages/],
    [
      { workloads: { a: w([{ kind: 'soak', vus: 0, for: '1s' }]) } },
      /s\.ts: workloads\.a\.stages\[0\] \(soak\): 'vus' must be a whole number ≥ 1, got 0/,
    ],
    [{ stages: [soak({ vus: 1, for: '1s' })], workloads: { a: w([soak({ vus: 1, for: '1s' })]) } }, /s\.ts: 'stages' goes inside each workload/],
  ])('rejects %j naming the field', (source, message) => {
    expect(() => buildPlan(source as any, null, 's.ts')).toThrow(message);
  });
});
