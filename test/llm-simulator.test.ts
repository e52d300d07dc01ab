// ctx.llm against L13b's simulator in openai mode: rampart's numbers against the simulator's
// configuration and its ground-truth headers, at time scale 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { rampart, readJson, workspace } from './support/cli.js';

// 4,000 input tokens × 0.05 ms = 200 ms of prefill; a lone sequence decodes a token every 20 ms
const PREFILL = 200;
const DECODE = 20;
const TOKENS = 15;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ mode: 'openai', seed: 7, minWorkers: 1, prefillMsPerToken: 0.05, decodeMs: DECODE, decodeMsPerSeq: 5 });
});
afterAll(async () => {
  await sim.close();
});

describe('ctx.llm against rampart simulate --mode openai', () => {
  it('tokens exactly as the simulator counts them; TTFT and TPOT within the tolerance of a shared machine', async () => {
    const dir = workspace({
      's.ts': `import { scenario, burst } from 'rampart';
export default scenario({ name: 'sim', target: process.env.TARGET, stages: [burst({ vus: 1, iterations: 6 })],
  llm: { model: 'llama' },
  async iteration(ctx) {
    const r = await ctx.llm.chat({ messages: [{ role: 'user', content: 'y'.repeat(16000) }], max_tokens: ${TOKENS}, stream: true });
    ctx.log(JSON.stringify({ ok: r.ok, out: r.outputTokens, inp: r.inputTokens, est: r.estimated, simOut: r.response.headers['x-sim-output-tokens'],
      simIn: r.response.headers['x-sim-input-tokens'], cold: r.response.headers['x-sim-cold'], ttft: r.ttft, tpot: r.tpot, itl: r.itl.length }));
  } });`,
    });
    const { code, stdout, stderr } = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: sim.url } });
    expect(code, stderr).toBe(0);
    const rows = `${stdout}\n${stderr}`
      .split('\n')
      .filter((l) => l.includes('] {'))
      .map((l) => JSON.parse(l.slice(l.indexOf('] {') + 2)));
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r).toMatchObject({ ok: true, out: TOKENS, inp: 4000, est: false, simOut: String(TOKENS), simIn: '4000', cold: '0', itl: TOKENS - 1 });
      // causality: the first token cannot come before the prefill, nor the tokens faster than the decode step
      expect(r.ttft).toBeGreaterThanOrEqual(PREFILL - 1);
    }
    // the median: TTFT within 40% of the prefill (a loopback request and late timers on 2 shared cores add tens of ms),
    // TPOT within 40% of the decode step (14 gaps average out a late timer)
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(med(rows.map((r) => r.ttft))).toBeLessThan(PREFILL * 1.4);
    expect(med(rows.map((r) => r.tpot))).toBeGreaterThan(DECODE * 0.6);
    expect(med(rows.map((r) => r.tpot))).toBeLessThan(DECODE * 1.4);
    const m = readJson(join(dir, 'r.json')).metrics;
    expect(m.llm_output_tokens.count).toBe(6 * TOKENS);
    expect(m.llm_input_tokens.count).toBe(6 * 4000);
    expect(m.llm_failed.rate).toBe(0);
  });
});
