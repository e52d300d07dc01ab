import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

/** A scenario file whose iteration is one GET of `path`. */
function scenarioFile(stages: string, path = '/', extra = ''): string {
  return `import { scenario, ramp, soak, burst, pause, check } from 'rampart';
export default scenario({
  name: 'stages',
  target: process.env.TARGET,
  stages: [${stages}],
  ${extra}
  async iteration(ctx) {
    const res = await ctx.http.get('${path}');
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
`;
}

async function run(stages: string, path?: string, extra?: string) {
  target.reset();
  const dir = workspace({ 's.ts': scenarioFile(stages, path, extra) });
  const result = await rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
  expect(result.stderr).not.toMatch(/internal error/);
  return { ...result, results: readJson(join(dir, 'r.json')) };
}

describe('stage schedules against a real server', () => {
  it('burst: exactly `iterations` iterations, at most `vus` at once, all slots start together', async () => {
    const { code, results } = await run('burst({ vus: 15, iterations: 30 })', '/delay/200');
    expect(code).toBe(0);
    expect(results.metrics.iterations.count).toBe(30);
    expect(results.metrics.http_reqs.count).toBe(30);
    expect(target.stats.requests).toBe(30);
    expect(target.stats.maxInFlight).toBe(15);
    // the first 15 arrive before any of them can have finished (200 ms each)
    const first = target.stats.arrivals.slice(0, 15).map((a) => a.t);
    expect(Math.max(...first) - Math.min(...first)).toBeLessThan(150);
    expect(results.checks['status is 200']).toEqual({ passes: 30, fails: 0 });
  });

  it('closed soak: holds `vus` VUs busy for the duration', async () => {
    const { code, results } = await run("soak({ vus: 4, for: '1500ms' })", '/delay/50');
    expect(code).toBe(0);
    expect(target.stats.maxInFlight).toBe(4);
    // 4 VUs × 1.5 s / ~50 ms: generous bounds for a busy machine
    expect(results.metrics.iterations.count).toBeGreaterThan(40);
    expect(results.metrics.iterations.count).toBeLessThanOrEqual(4 * Math.ceil(1500 / 50) + 4);
    expect(results.metrics.vus.max).toBeLessThanOrEqual(4);
  });

  it('closed ramp: concurrency grows over the ramp and never exceeds the target level', async () => {
    const { code } = await run("ramp({ to: 6, over: '2s' })", '/delay/40');
    expect(code).toBe(0);
    expect(target.stats.maxInFlight).toBeLessThanOrEqual(6);
    expect(target.stats.maxInFlight).toBeGreaterThanOrEqual(4);
    const arrivals = target.stats.arrivals;
    const firstHalf = arrivals.filter((a) => a.t < arrivals[0].t + 1000).length;
    const secondHalf = arrivals.length - firstHalf;
    expect(secondHalf).toBeGreaterThan(firstHalf * 1.5); // more VUs later in the ramp
  });

  it('open soak: iterations start at the rate, whatever the response time', async () => {
    const { code, results } = await run("soak({ rate: 40, for: '2s', maxVUs: 20 })", '/delay/100');
    expect(code).toBe(0);
    const started = results.metrics.iterations.count + (results.metrics.dropped_iterations?.count ?? 0);
    expect(started).toBe(80);
    expect(results.metrics.dropped_iterations).toBeUndefined();
  });

  it('open model: iterations that find maxVUs busy are dropped and counted, never queued', async () => {
    const { code, results } = await run("soak({ rate: 50, for: '1s', maxVUs: 2 })", '/delay/300');
    expect(code).toBe(0);
    const done = results.metrics.iterations.count;
    const dropped = results.metrics.dropped_iterations.count;
    expect(done + dropped).toBe(50);
    expect(dropped).toBeGreaterThan(30);
    expect(target.stats.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('open ramp: the rate grows linearly, so the second half gets about three times the first', async () => {
    const { code, results } = await run("ramp({ rate: 100, over: '2s', maxVUs: 50 })");
    expect(code).toBe(0);
    // ∫0→2s of 50·t = 100 iterations in all: 25 in the first second, 75 in the second
    expect(results.metrics.iterations.count).toBe(100);
    const t0 = target.stats.arrivals[0].t;
    const firstSecond = target.stats.arrivals.filter((a) => a.t - t0 < 1000).length;
    expect(firstSecond).toBeGreaterThan(15);
    expect(firstSecond).toBeLessThan(40);
  });

  it('open burst: all arrivals at once; beyond maxVUs they are dropped', async () => {
    const { results } = await run('burst({ iterations: 20, maxVUs: 8 })', '/delay/200');
    expect(results.metrics.iterations.count).toBe(8);
    expect(results.metrics.dropped_iterations.count).toBe(12);
  });

  it('stages run in order, a pause sends nothing, and sub-metrics carry the stage', async () => {
    const { code, results } = await run("soak({ vus: 2, for: '500ms' }), pause('700ms'), burst({ vus: 3, iterations: 6 })", '/delay/20');
    expect(code).toBe(0);
    const byStage = (i: number) => results.metrics[`http_reqs{stage:${i}}`]?.count ?? 0;
    expect(byStage(0)).toBeGreaterThan(5);
    expect(byStage(1)).toBe(0);
    expect(byStage(2)).toBe(6);
    // the gap: the burst's first request comes ≥ 600 ms after the soak's last one started
    const arrivals = target.stats.arrivals.map((a) => a.t);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    expect(Math.max(...gaps)).toBeGreaterThan(600);
  });

  it('worker threads split the load exactly: --workers 2 runs the same burst', async () => {
    target.reset();
    const dir = workspace({ 's.ts': scenarioFile('burst({ vus: 6, iterations: 31 }), burst({ vus: 2, iterations: 3 })', '/delay/30') });
    const { code } = await rampart(['run', 's.ts', '-q', '--workers', '2', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    const results = readJson(join(dir, 'r.json'));
    expect(code).toBe(0);
    expect(results.metrics.iterations.count).toBe(34);
    expect(target.stats.requests).toBe(34);
    expect(target.stats.maxInFlight).toBeLessThanOrEqual(6);
    expect(results.meta.workers).toBe(2);
  });
});
