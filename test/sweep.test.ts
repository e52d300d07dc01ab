// The sweep stage (capacity search): its plan, its run against a plain node:http target whose
// capacity is known, and its knee on the openai simulator, compared with the rate the
// simulator's configuration implies. Assertions are steps and generous bounds, never timings.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan } from '../runner/plan/build.js';
import { soak, sweep } from '../scenarios/index.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { decodeStepMs } from '../simulator/openai.js';
import { rampart, readJson, workspace } from './support/cli.js';

describe('sweep plan', () => {
  it('one arrival-rate step per rate, each its own stage; later stages follow', () => {
    const plan = buildPlan({ stages: [sweep({ from: 10, to: 40, steps: 4, each: '2s', maxVUs: 30 }), soak({ vus: 2, for: '1s' })] }, null);
    expect(plan.steps.map((s) => [s.index, s.kind, s.executor])).toEqual([
      [0, 'sweep', 'arrival-rate'],
      [1, 'sweep', 'arrival-rate'],
      [2, 'sweep', 'arrival-rate'],
      [3, 'sweep', 'arrival-rate'],
      [4, 'soak', 'vu-levels'],
    ]);
    expect(plan.steps.slice(0, 4).map((s) => (s.executor === 'arrival-rate' ? [s.fromRate, s.toRate, s.startMs] : null))).toEqual([
      [10, 10, 0],
      [20, 20, 2000],
      [30, 30, 4000],
      [40, 40, 6000],
    ]);
    expect(plan.steps[2].description).toBe('sweep 3/4: 30 it/s for 2s (maxVUs 30)');
    const first = plan.steps[0];
    expect(first.executor === 'arrival-rate' && first.sweep).toEqual({
      step: 1,
      of: 4,
      first: 0,
      limits: { errorRate: 0.01, goodput: 0.95, dropped: 0.01 },
    });
    expect(plan.totalDurationMs).toBe(9000);
    const custom = buildPlan({ stages: [sweep({ from: 1, to: 2, steps: 2, each: 100, maxVUs: 1, limits: { p95: '300ms', goodput: 0.9 } })] }, null)
      .steps[0];
    expect(custom.executor === 'arrival-rate' && custom.sweep?.limits).toEqual({ errorRate: 0.01, goodput: 0.9, dropped: 0.01, p95Ms: 300 });
  });

  it.each([
    [{ from: 10, to: 5, steps: 3, each: '1s', maxVUs: 5 }, /sweep rates must climb: 0 < from < to, got from 10, to 5/],
    [{ from: 0, to: 5, steps: 3, each: '1s', maxVUs: 5 }, /sweep rates must climb/],
    [{ from: 1, to: 5, steps: 1, each: '1s', maxVUs: 5 }, /'steps' must be a whole number ≥ 2, got 1/],
    [{ from: 1, to: 5, steps: 3, maxVUs: 5 }, /needs 'each'/],
    [{ from: 1, to: 5, steps: 3, each: '1s', maxVUs: 5, rate: 3 }, /unknown field 'rate'/],
    [{ from: 1, to: 5, steps: 3, each: '1s', maxVUs: 5, limits: { goodput: 95 } }, /limits: 'goodput' must be a fraction 0..1, got 95/],
    [{ from: 1, to: 5, steps: 3, each: '1s', maxVUs: 5, limits: { p99: '1s' } }, /limits: unknown field 'p99'/],
  ])('a bad sweep is a one-line usage error: %j', (raw, message) => {
    expect(() => buildPlan({ stages: [{ kind: 'sweep', ...raw }] }, null, 's.ts')).toThrow(message);
  });
});

/** A server that serves `slots` requests at once, each for `serviceMs`; more wait their turn. Capacity: slots / serviceMs. */
function cappedServer(slots: number, serviceMs: number): Promise<{ url: string; close(): Promise<void> }> {
  let busy = 0;
  const waiting: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const serve = () => {
      busy++;
      setTimeout(() => {
        busy--;
        res.end('ok');
        waiting.shift()?.();
      }, serviceMs);
    };
    req.resume();
    if (busy < slots) serve();
    else waiting.push(serve);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

describe('sweep run against a plain HTTP target', () => {
  let target: Awaited<ReturnType<typeof cappedServer>>;
  beforeAll(async () => {
    target = await cappedServer(4, 50);
  }); // 80 requests/s
  afterAll(async () => {
    await target.close();
  });

  it("names the highest rate whose p95 held, with every rate's numbers in the console, the JSON and the HTML report", async () => {
    const dir = workspace({
      's.ts': `import { scenario, sweep } from 'rampart';
export default scenario({
  name: 'capped',
  target: process.env.TARGET,
  stages: [sweep({ from: 20, to: 140, steps: 4, each: '2s', maxVUs: 60, limits: { p95: '150ms' } })],
  async iteration(ctx) { await ctx.http.get('/work'); },
});
`,
    });
    const res = await rampart(['run', 's.ts', '--workers', '1', '--out', 'json=r.json', '--out', 'html=r.html'], {
      cwd: dir,
      env: { TARGET: target.url },
    });
    expect(res.code, res.stderr).toBe(0);
    const r = readJson(join(dir, 'r.json'));
    const found = r.insights.find((i: any) => i.kind === 'sweep-capacity');
    expect(found, JSON.stringify(r.insights)).toBeDefined();
    // rates 20, 60, 100, 140 against a capacity of 80/s: 60 holds, 100 queues without end
    expect(found.data.sustainableRate).toBe(60);
    expect(found.data.brokeAt).toBe(100);
    expect(found.message).toMatch(/highest sustainable rate is 60 it\/s; at 100 it\/s .*p95 .* > 150 ms/);
    const steps = found.data.steps;
    expect(steps.map((s: any) => s.rate)).toEqual([20, 60, 100, 140]);
    expect(steps.slice(0, 2).every((s: any) => s.holds === true && s.errorRate === 0)).toBe(true);
    // what a step completed follows what it was offered below the capacity
    expect(steps[0].throughput).toBeGreaterThan(20 * 0.8);
    expect(steps[1].throughput).toBeGreaterThan(60 * 0.8);
    // each rate's own samples: stage-tagged metrics carry them
    expect(r.metrics['http_reqs{stage:0}'].count).toBeGreaterThanOrEqual(35);
    expect(r.stages.map((s: any) => s.kind)).toEqual(['sweep', 'sweep', 'sweep', 'sweep']);
    expect(r.stages[1].offered).toMatchObject({ executor: 'arrival-rate', fromRate: 60, sweep: { step: 2, of: 4, first: 0 } });
    // the console's table: a header and one line per rate
    expect(res.stdout).toMatch(/sweep {2}\(highest sustainable rate: 60 it\/s\)/);
    expect(res.stdout).toMatch(/\n {2}60 +[\d.]+ +0% .*held\n/);
    expect(res.stdout).toMatch(/\n {2}100 +.*broke: p95/);
    // the HTML report: the section, the knee, one bar per rate (green held, red broke)
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<section id="sweep"><h2>Capacity sweep</h2>');
    expect(html).toContain('<b class="sustainable">60 it/s</b>');
    const svg = html.slice(html.indexOf('<svg class="sweep-chart"'), html.indexOf('</svg>', html.indexOf('<svg class="sweep-chart"')));
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg.match(/fill="#3a8a4a"/g)).toHaveLength(2);
    expect(svg).toContain('class="knee"');
  }, 60_000);
});

describe('sweep verdicts at the edges', () => {
  let target: Awaited<ReturnType<typeof cappedServer>>;
  beforeAll(async () => {
    target = await cappedServer(2, 50);
  }); // 40 requests/s
  afterAll(async () => {
    await target.close();
  });

  const runSweep = async (from: number, to: number) => {
    const dir = workspace({
      's.ts': `import { scenario, sweep } from 'rampart';
export default scenario({ name: 'edge', target: process.env.TARGET,
  stages: [sweep({ from: ${from}, to: ${to}, steps: 2, each: '1500ms', maxVUs: 100, limits: { p95: '150ms' } })],
  async iteration(ctx) { await ctx.http.get('/work'); } });
`,
    });
    const res = await rampart(['run', 's.ts', '-q', '--workers', '1', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    expect(res.code, res.stderr).toBe(0);
    return readJson(join(dir, 'r.json')).insights.find((i: any) => i.kind === 'sweep-capacity');
  };

  it('every rate held: info, the capacity is above the top rate', async () => {
    const f = await runSweep(5, 15);
    expect(f).toMatchObject({ severity: 'info', data: { sustainableRate: 15, brokeAt: null } });
    expect(f.message).toBe('Capacity sweep: every rate held, up to 15 it/s; the capacity is above it: sweep higher.');
  }, 30_000);

  it('the first rate already broke: warn, sweep lower', async () => {
    const f = await runSweep(80, 120);
    expect(f).toMatchObject({ severity: 'warn', data: { sustainableRate: null, brokeAt: 80 } });
    expect(f.message).toMatch(
      /^Capacity sweep: even the first rate, 80 it\/s, did not hold \(p95 .* > 150 ms\); the sustainable rate is below it: sweep lower\./,
    );
  }, 30_000);
});

describe('sweep on the openai simulator', () => {
  let sim: Simulator;
  // one warm worker batching 8 sequences of 20 tokens; no prefill; decode 5 ms + 1 ms per other sequence
  const config = { mode: 'openai' as const, minWorkers: 1, maxWorkers: 1, maxBatch: 8, decodeMs: 5, decodeMsPerSeq: 1, prefillMsPerToken: 0 };
  const outputTokens = 20;
  beforeAll(async () => {
    sim = await startSimulator(config);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('finds the knee within one step of the rate the configuration implies', async () => {
    // a full batch finishes a sequence every (tokens − 1) decode steps of a full batch:
    // workers × maxBatch / ((tokens − 1) × step(maxBatch)) sequences per second
    const sequenceMs = (outputTokens - 1) * decodeStepMs(config, config.maxBatch);
    const implied = (config.maxWorkers * config.maxBatch) / (sequenceMs / 1000); // ≈ 35.1/s
    const from = 10;
    const stepSize = 10;
    const dir = workspace({
      's.ts': `import { scenario, sweep } from 'rampart';
export default scenario({
  name: 'llm-sweep',
  target: process.env.TARGET,
  slo: { ttft: '150ms' },
  stages: [sweep({ from: ${from}, to: 60, steps: 6, each: '3s', maxVUs: 20 })],
  async iteration(ctx) {
    await ctx.llm.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: ${outputTokens}, stream: true });
  },
});
`,
    });
    const res = await rampart(['run', 's.ts', '--workers', '1', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: sim.url } });
    expect(res.code, res.stderr).toBe(0);
    const r = readJson(join(dir, 'r.json'));
    const found = r.insights.find((i: any) => i.kind === 'sweep-capacity');
    expect(found, JSON.stringify(r.insights.map((i: any) => i.message))).toBeDefined();
    const { sustainableRate, brokeAt, steps } = found.data;
    expect(Math.abs(sustainableRate - implied)).toBeLessThanOrEqual(stepSize);
    expect(brokeAt).toBeGreaterThan(implied - stepSize);
    expect(brokeAt).toBeLessThanOrEqual(implied + 2 * stepSize);
    // below the knee every stream met its TTFT; at the knee goodput fell
    for (const s of steps.filter((x: any) => x.rate <= sustainableRate)) expect(s.goodput).toBeGreaterThanOrEqual(0.95);
    expect(steps.find((x: any) => x.rate === brokeAt).broke.join(' ')).toMatch(/goodput|dropped/);
    // tokens: every stream got its 20
    expect(r.metrics.llm_output_tokens.count).toBe(outputTokens * r.metrics.llm_requests.count);
  }, 90_000);
});
