/**
 * The cold-start rule on event streams, against the openai simulator: a stream's headers come a few µs
 * after a warm worker takes it, so a first stream is cold only well above that (a floor above
 * a thread's first-response cost: runner/serverless/cold-start.ts). No cold worker, no cold start; a
 * worker the simulator starts cold is called cold; `serverless: false` turns detection off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js';
import { rampart, readJson, workspace } from './support/cli.js';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function sim(opts: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ mode: 'openai', seed: 5, ...opts });
  sims.push(s);
  return s;
}

/** A ramp to 6 streaming chats, then a soak; counts the simulator's cold truth per response. */
async function run(s: Simulator, serverless = '') {
  const source = `import { scenario, soak, ramp } from 'rampart';
export default scenario({ name: 'cold-streams', target: process.env.TARGET, ${serverless}
  stages: [ramp({ to: 6, over: '1s' }), soak({ vus: 6, for: '1s' })],
  async iteration(ctx) {
    const r = await ctx.llm.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, stream: true });
    ctx.metrics.counter(r.response?.headers['x-sim-cold'] === '1' ? 'truth_cold' : 'truth_warm').add(1);
  } });`;
  const dir = workspace({ 's.ts': source });
  const out = await rampart(['run', 's.ts', '-q', '--workers', '2', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: s.url }, timeoutMs: 40_000 });
  expect(out.code, out.stderr).toBe(0);
  return { ...readJson(join(dir, 'r.json')), stderr: out.stderr };
}

describe('cold starts on streams', () => {
  it('no cold worker (2 warm, prefill 0): no stream is called cold, whatever the hiccups', async () => {
    const s = await sim({ minWorkers: 2, maxWorkers: 2, prefillMsPerToken: 0, decodeMs: 2 });
    const r = await run(s);
    const m = r.metrics;
    expect(m.truth_cold).toBeUndefined();
    expect(m.workers_seen.max).toBe(2);
    expect(m.cold_starts, JSON.stringify(r.meta.serverless) + r.stderr).toBeUndefined();
    expect(m['http_req_duration{cold:false}'].count).toBe(m.http_reqs.count);
    for (const f of r.insights.filter((i: { kind: string }) => i.kind === 'cold-starts'))
      expect(f.message).toMatch(/^No response came from a cold worker/);
  });

  it('the workers the simulator started cold are called cold, and only they', async () => {
    // 1/100 time: a cold start of 0.4–0.9 s against a first event of a few ms when warm
    const s = await sim({ minWorkers: 0, maxWorkers: 2, timeScale: 0.01, coldStartMs: [40_000, 90_000], decodeMs: 100 });
    const r = await run(s);
    const m = r.metrics;
    const truth = m.truth_cold.count; // the first stream of each worker it started (one per thread at most here)
    expect(truth).toBeGreaterThanOrEqual(1);
    expect(m.cold_starts.count, r.stderr).toBe(truth);
    expect(m['http_req_duration{cold:true}'].count).toBe(truth);
    expect(m.workers_seen.max).toBe(truth);
  });

  it('serverless: false turns header detection off', async () => {
    const s = await sim({ minWorkers: 1, maxWorkers: 1 });
    const r = await run(s, 'serverless: false,');
    expect(r.metrics.http_reqs.count).toBeGreaterThan(0);
    expect(r.metrics.workers_seen).toBeUndefined();
    expect(r.metrics.cold_starts).toBeUndefined();
    expect(r.meta.serverless ?? null).toBeNull();
  });
});
