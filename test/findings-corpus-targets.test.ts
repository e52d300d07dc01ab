/**
 * The findings corpus, ordinary targets: real runs of the built CLI against real servers on
 * 127.0.0.1 whose truth is known, each asserting the exact set of findings (kind and severity)
 * the results file carries, and that no other appears. (The simulator's half is in
 * findings-corpus-serverless.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';
import { freePort, startNginxProxy, type NginxProxy } from './support/nginx.js';
import { startTarget, type Target } from './support/target.js';

let target: Target;
let gateway: NginxProxy;
beforeAll(async () => {
  target = await startTarget();
  gateway = await startNginxProxy(target.url, '1s'); // answers 504 when the upstream takes longer than 1 s
});
afterAll(async () => {
  await gateway?.stop();
  await target?.close();
});

interface Insight {
  kind: string;
  severity: string;
  message: string;
  data: Record<string, any>;
}

/** Runs `stages` and `iteration` against `url`; the results file and the exit code. */
async function run(url: string, body: { stages: string; iteration: string; http?: string }) {
  const source = `import { scenario, soak, burst, ramp } from 'rampart';
export default scenario({ name: 'corpus', target: process.env.TARGET, ${body.http ? `http: ${body.http},` : ''}
  stages: [${body.stages}],
  async iteration(ctx) { ${body.iteration} } });`;
  const dir = workspace({ 's.ts': source });
  const out = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: url }, timeoutMs: 30_000 });
  const results = readJson(join(dir, 'r.json'));
  const insights = results.insights as Insight[];
  const found = (kind: string) => insights.find((i) => i.kind === kind);
  return { ...out, results, insights, found, kinds: insights.map((i) => `${i.kind}:${i.severity}`).sort() };
}

describe('findings corpus: ordinary targets', () => {
  it('nginx as a 504 gateway (proxy_read_timeout 1s before a 3 s upstream): gateway-timeout fail', async () => {
    const r = await run(gateway.url, { stages: `soak({ vus: 6, for: '2s' })`, iteration: `await ctx.http.get('/delay/3000');` });
    expect(r.kinds, JSON.stringify(r.insights)).toEqual(['gateway-timeout:fail']);
    const g = r.found('gateway-timeout')!;
    expect(g.data.status).toBe(504);
    expect(g.data.count).toBe(r.results.metrics.http_req_failed.trues);
    expect(g.data.p50).toBeGreaterThan(900);
    expect(g.data.p50).toBeLessThan(1500);
    expect(g.message).toMatch(/^\d+ requests failed with HTTP 504 after 1(\.\d+)? s/);
  });

  it("rampart's own timeout (300 ms against a 1 s answer): gateway-timeout fail for error:timeout", async () => {
    const r = await run(target.url, {
      http: `{ timeout: '300ms' }`,
      stages: `soak({ vus: 3, for: '1s' })`,
      iteration: `await ctx.http.get('/delay/1000');`,
    });
    expect(r.kinds, JSON.stringify(r.insights)).toEqual(['gateway-timeout:fail']);
    const g = r.found('gateway-timeout')!;
    expect(g.data).toMatchObject({ status: null, error: 'timeout' });
    expect(g.data.count).toBe(r.results.metrics['http_reqs{error:timeout}'].count);
    expect(g.data.p50).toBeGreaterThanOrEqual(300);
    expect(g.message).toContain("rampart's request timeout or a gateway's");
  });

  it('a fast-401 API: no gateway-timeout (a 401 at once is no cut-off), and nothing else', async () => {
    const r = await run(target.url, { stages: `soak({ vus: 4, for: '1.5s' })`, iteration: `await ctx.http.get('/status/401');` });
    expect(r.results.metrics['http_reqs{status:401}'].count).toBeGreaterThan(100);
    expect(r.stderr).toBe('');
    expect(r.kinds, JSON.stringify(r.insights)).toEqual([]);
  });

  it('a closed port: no finding claims supply, workers or retries; the run does not pass', async () => {
    const port = await freePort(); // bound and released: connections are refused
    const r = await run(`http://127.0.0.1:${port}`, { stages: `soak({ vus: 2, for: '1s' })`, iteration: `await ctx.http.get('/');` });
    expect(r.results.metrics.http_reqs.count).toBeGreaterThan(10);
    expect(r.results.errors[0].kind).toBe('connect');
    expect(r.kinds, JSON.stringify(r.insights)).toEqual([]);
    expect(r.code).not.toBe(0);
  });

  it('a healthy fast target: no finding', async () => {
    const r = await run(target.url, { stages: `soak({ vus: 4, for: '1.5s' })`, iteration: `await ctx.http.get('/');` });
    expect(r.results.metrics.http_req_failed.trues).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.kinds, JSON.stringify(r.insights)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a slow but healthy target (200 after 300–800 ms): no finding', async () => {
    const r = await run(target.url, { stages: `soak({ vus: 5, for: '2s' })`, iteration: `await ctx.http.get('/jitter/300/800');` });
    expect(r.results.metrics.http_req_failed.trues).toBe(0);
    expect(r.results.metrics.http_req_duration.med).toBeGreaterThan(300);
    expect(r.stderr).toBe('');
    expect(r.kinds, JSON.stringify(r.insights)).toEqual([]);
  });

  it('an open model starved of VUs (50/s, maxVUs 1, 100 ms iterations): dropped-iterations advises maxVUs above 1', async () => {
    const r = await run(target.url, { stages: `soak({ rate: 50, for: '2s', maxVUs: 1 })`, iteration: `await ctx.http.get('/delay/100');` });
    expect(r.kinds, JSON.stringify(r.insights)).toEqual(['dropped-iterations:warn']);
    const d = r.found('dropped-iterations')!;
    expect(d.data.maxVUs).toBe(1);
    expect(d.data.rateSource).toBe('plan');
    expect(d.data.rate).toBe(50);
    // 50/s × ~100 ms ≈ 5 in flight: the advice is a number above maxVUs, in the plan's terms
    expect(d.data.neededInFlight).toBeGreaterThan(3);
    expect(d.data.recommendedMaxVUs).toBeGreaterThan(1);
    expect(d.message).toContain(`raise maxVUs to at least ${d.data.recommendedMaxVUs}`);
    expect(d.message).toContain('more than maxVUs 1');
  });

  it('retries on against a target that always answers 503: retries says none was rescued, and invents no success', async () => {
    const r = await run(target.url, {
      http: `{ retry: { statuses: [503], attempts: 3, backoff: '20ms' } }`,
      stages: `soak({ vus: 2, for: '1s' })`,
      iteration: `await ctx.http.get('/status/503');`,
    });
    expect(r.kinds, JSON.stringify(r.insights)).toEqual(['retries:info']);
    const m = r.results.metrics;
    const x = r.found('retries')!;
    expect(m.http_req_failed.falses).toBe(0);
    expect(x.data.rescued).toBe(0);
    expect(x.data.callsFailed).toBe(m.http_call_failed.trues);
    expect(x.data.attemptsFailed).toBe(m.http_req_failed.trues);
    expect(x.data.extraAttempts).toBe(m.http_req_failed.trues - m.http_call_failed.trues);
    expect(x.message).toContain(`${m.http_req_failed.trues} in all`);
    expect(x.message).not.toMatch(/success|succeeded/);
  });

  it('15 VUs on the default pool (6 per VU), sequential requests: no client-queueing', async () => {
    const r = await run(target.url, { stages: `soak({ vus: 15, for: '2s' })`, iteration: `await ctx.http.get('/delay/20');` });
    expect(r.results.meta.connectionsPerOrigin).toBe(90); // 15 VUs × 6 in flight each (runner/plan/pool.ts)
    expect(r.stderr).toBe('');
    expect(r.kinds, JSON.stringify(r.insights)).toEqual([]);
  });

  it('15 VUs on 3 connections: client-queueing warns, with the real pool size', async () => {
    target.reset();
    const r = await run(target.url, {
      http: `{ connections: 3 }`,
      stages: `soak({ vus: 15, for: '2s' })`,
      iteration: `await ctx.http.get('/delay/20');`,
    });
    expect(target.stats.maxInFlight).toBe(3); // the pool held 3: the other 12 VUs waited inside rampart
    expect(r.kinds, JSON.stringify(r.insights)).toEqual(['client-queueing:warn']);
    const c = r.found('client-queueing')!;
    expect(c.data.causes).toEqual(['http_req_blocked']);
    expect(c.data.connectionsPerOrigin).toBe(3);
    expect(c.message).toContain('(3 connections per origin, up to 15 requests or VUs at once)');
  });
});
