/**
 * The findings corpus, LLM streams: real runs of the built CLI with ctx.llm against the openai
 * simulator, whose batching is known, each asserting the exact set of findings (kind and
 * severity) and the evidence the stream findings quote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js';
import { decodeStepMs } from '../simulator/openai.js';
import { rampart, readJson, workspace } from './support/cli.js';

interface Insight {
  kind: string;
  severity: string;
  message: string;
  data: Record<string, any>;
}

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function sim(opts: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ mode: 'openai', minWorkers: 1, maxWorkers: 1, ...opts });
  sims.push(s);
  return s;
}

/** Runs `stages` of ctx.llm.chat streams against the simulator; the results file's findings. */
async function run(s: Simulator, stages: string, body: string) {
  // The simulator sends X-Runpod-Worker-Id, which switches on the cold-start classifier; a stream's headers come
  // in well under a millisecond, so the bound it learns (1.5 × the fastest) marks the run's first stream cold on
  // any hiccup. Naming a header the simulator does not send keeps these runs about streams only.
  const source = `import { scenario, soak, ramp } from 'rampart';
export default scenario({ name: 'streams', target: process.env.TARGET, serverless: { preset: 'none', workerHeader: 'x-not-sent' },
  stages: [${stages}],
  async iteration(ctx) { await ctx.llm.chat(${body}); } });`;
  const dir = workspace({ 's.ts': source });
  const out = await rampart(['run', 's.ts', '-q', '--workers', '1', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: s.url }, timeoutMs: 40_000 });
  const results = readJson(join(dir, 'r.json'));
  const insights = results.insights as Insight[];
  return {
    ...out,
    results,
    insights,
    found: (kind: string) => insights.find((i) => i.kind === kind),
    kinds: insights.map((i) => `${i.kind}:${i.severity}`).sort(),
  };
}

const chat = (tokens: number, content = 'hi') =>
  `{ model: 'm', messages: [{ role: 'user', content: '${content}' }], max_tokens: ${tokens}, stream: true }`;

describe('findings corpus: LLM streams', () => {
  it('batch saturation: ITL at 32 concurrent streams is measurably above ITL at 1, and itl-concurrency says so', async () => {
    const config = { maxBatch: 32, decodeMs: 8, decodeMsPerSeq: 1, prefillMsPerToken: 0 };
    const s = await sim(config);
    // a ramp, so that 31 connections are not opened in the same millisecond
    const r = await run(s, `soak({ vus: 1, for: '2s' }), ramp({ to: 32, over: '1s' }), soak({ vus: 32, for: '3s' })`, chat(20));
    expect(r.code, r.stderr).toBe(0);
    const itl1 = r.results.metrics['llm_itl{stage:0}'].med;
    const itl32 = r.results.metrics['llm_itl{stage:2}'].med;
    // the simulator's decode step: 8 ms alone, 39 ms with 32 in the batch; 2× is the margin for a busy box
    expect(decodeStepMs(config, 32)).toBe(39);
    expect(itl32).toBeGreaterThan(itl1 * 2);
    expect(r.kinds, JSON.stringify(r.insights.map((i) => i.message))).toEqual(['itl-concurrency:warn']);
    const f = r.found('itl-concurrency')!;
    expect(f.data.quiet.stage).toBe(0);
    // the ramp's one or two timeline points may hold more streams in flight than the soak's mean
    expect([1, 2]).toContain(f.data.busy.stage);
    expect(f.data.busy.inFlight).toBeGreaterThan(f.data.quiet.inFlight * 8);
    expect(f.data.ratio).toBeGreaterThan(2);
    expect(f.message).toMatch(/^The gap between tokens grows with concurrency: median ITL .* \(stage 0\) against .* \(stage [12]\), [\d.]+×/);
  }, 60_000);

  it('a batch of 2 behind 8 streams: TTFT is mostly queueing, not prefill (ttft-waiting), and ITL stays flat', async () => {
    // 400 input tokens × 0.1 ms = 40 ms of prefill; a sequence holds its slot ~40 + 19 × 5 ms
    const s = await sim({ maxBatch: 2, decodeMs: 5, decodeMsPerSeq: 0, prefillMsPerToken: 0.1 });
    const r = await run(s, `soak({ vus: 1, for: '2s' }), soak({ vus: 8, for: '3s' })`, chat(20, 'x'.repeat(1600)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.kinds, JSON.stringify(r.insights.map((i) => i.message))).toEqual(['ttft-waiting:warn']);
    const f = r.found('ttft-waiting')!;
    // the floor is the prefill (40 ms) plus the loopback; the p95 waited for ~3 sequences ahead
    expect(f.data.p10Ms).toBeGreaterThanOrEqual(40);
    expect(f.data.p10Ms).toBeLessThan(120);
    expect(f.data.p95Ms).toBeGreaterThan(f.data.p10Ms * 3);
    expect(f.message).toMatch(/^Time to first token is mostly waiting, not prefill: p10 .* against p95 .*queueing/);
  }, 60_000);

  it('an unloaded server: TTFT is its prefill, ITL its decode step: no stream finding', async () => {
    const s = await sim({ maxBatch: 16, decodeMs: 5, decodeMsPerSeq: 0, prefillMsPerToken: 0.1 });
    const r = await run(s, `soak({ vus: 1, for: '1s' }), soak({ vus: 4, for: '2s' })`, chat(20, 'x'.repeat(1600)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.kinds, JSON.stringify(r.insights.map((i) => i.message))).toEqual([]);
    expect(r.results.metrics.llm_ttft.med).toBeGreaterThanOrEqual(40);
  }, 60_000);
});
