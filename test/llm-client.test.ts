import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from './support/cli.js';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './support/openai-stream-server.js';

// known timing: the first token 100 ms after the request arrives, then one token every 20 ms
const TTFT = 100;
const ITL = 20;
const TOKENS = 12;
let server: OpenAiStreamServer;
beforeAll(async () => {
  server = await startOpenAiStreamServer({ ttftMs: TTFT, itlMs: ITL });
});
afterAll(async () => {
  await server.close();
});

const runFile = (source: string, args: string[] = [], env: Record<string, string> = {}) => runScenario(source, { target: server.url, args, env });

/** The results printed by ctx.log as JSON lines, one per request. */
function logged(stdout: string, stderr: string): any[] {
  return `${stdout}\n${stderr}`
    .split('\n')
    .filter((l) => l.includes('] {'))
    .map((l) => JSON.parse(l.slice(l.indexOf('] {') + 2)));
}

describe('ctx.llm against a streaming server with known timing', () => {
  it('output tokens exactly, TTFT and TPOT within the tolerance of timers on a shared machine, goodput against the SLOs', async () => {
    // one VU, one request at a time: what is measured is the server's timing plus the loopback, not a queue
    const { code, stdout, stderr, results } = await runFile(`import { scenario, burst } from 'rampart';
export default scenario({ name: 'llm', target: process.env.TARGET, stages: [burst({ vus: 1, iterations: 8 })],
  llm: { model: 'sim', apiKey: 'sk-test-secret-123456' },
  slo: { ttft: '2s', tpot: '1s' },
  thresholds: { llm_ttft: ['p(50)<${TTFT + 60}'], llm_goodput: ['rate==1'], 'llm_output_tokens': ['count==${8 * TOKENS}'] },
  async iteration(ctx) {
    const r = await ctx.llm.chat({ messages: [{ role: 'user', content: 'one two three four' }], max_tokens: ${TOKENS}, stream: true });
    ctx.log(JSON.stringify({ ok: r.ok, out: r.outputTokens, inp: r.inputTokens, est: r.estimated, ttft: r.ttft, tpot: r.tpot, e2e: r.e2e, itl: r.itl.length, text: r.text, good: r.good }));
  } });`);
    expect(code, stderr).toBe(0);
    const rows = logged(stdout, stderr);
    expect(rows).toHaveLength(8);
    for (const r of rows) {
      expect(r).toMatchObject({ ok: true, out: TOKENS, inp: 4, est: false, itl: TOKENS - 1, good: true });
      expect(r.text).toBe(Array.from({ length: TOKENS }, (_, i) => `tok${i} `).join(''));
      // causality: no token can be seen before the server sent it
      expect(r.ttft).toBeGreaterThanOrEqual(TTFT - 1);
      expect(r.e2e).toBeGreaterThanOrEqual(TTFT + (TOKENS - 1) * ITL - 1);
    }
    // the median request: TTFT within 60 ms of the server's (a loopback request plus timer lateness on 2 shared cores);
    // TPOT averages 11 gaps, so one late timer moves it by little: within 40% of the server's 20 ms
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(med(rows.map((r) => r.ttft))).toBeLessThan(TTFT + 60);
    expect(med(rows.map((r) => r.tpot))).toBeGreaterThan(ITL * 0.6);
    expect(med(rows.map((r) => r.tpot))).toBeLessThan(ITL * 1.4);
    const m = results.metrics;
    expect(m.llm_output_tokens.count).toBe(8 * TOKENS);
    expect(m.llm_input_tokens.count).toBe(8 * 4);
    expect(m.llm_requests.count).toBe(8);
    expect(m.llm_ttft.count).toBe(8);
    expect(m.llm_tpot.count).toBe(8);
    expect(m.llm_itl.count).toBe(8 * (TOKENS - 1));
    expect(m.llm_goodput.rate).toBe(1);
    expect(m.http_reqs.count).toBe(8);
    // the role chunk, 12 tokens, the usage chunk and [DONE]
    expect(m.http_stream_events.count).toBe(8 * (TOKENS + 3));
    expect(results.thresholds.llm_ttft[0].ok).toBe(true);
    // the request asked for usage and carried the key, which no output shows
    expect(server.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    expect(server.requests.at(-1)!.authorization).toBe('Bearer sk-test-secret-123456');
    expect(`${stdout}${stderr}${JSON.stringify(results)}`).not.toContain('sk-test-secret');
  });

  it('non-streamed chat and completions: text and usage from the body; a tight SLO makes goodput fall', async () => {
    const { code, stdout, stderr, results } = await runFile(`import { scenario, burst } from 'rampart';
export default scenario({ name: 'llm', target: process.env.TARGET, stages: [burst({ vus: 1, iterations: 2 })],
  slo: { ttft: '${TTFT + 10 * ITL}' },
  async iteration(ctx) {
    const c = await ctx.llm.chat({ model: 'sim', messages: [{ role: 'user', content: 'a b' }], max_tokens: 20 }, { name: 'chat' });
    const p = await ctx.llm.complete({ model: 'sim', prompt: 'x y z', max_tokens: 10, stream: true }, { name: 'complete' });
    ctx.log(JSON.stringify({ c: [c.ok, c.streamed, c.text, c.outputTokens, c.inputTokens, c.ttft === undefined, c.good], p: [p.ok, p.streamed, p.outputTokens, p.inputTokens, p.good] }));
  } });`);
    expect(code, stderr).toBe(0);
    const rows = logged(stdout, stderr);
    // 20 tokens take 100 + 19 * 20 ms: a non-streamed answer's first token is seen at its end, past the 300 ms SLO;
    // the streamed one shows its first token at 100 ms and is good
    expect(rows[0].c).toEqual([true, false, Array.from({ length: 20 }, (_, i) => `tok${i} `).join(''), 20, 2, true, false]);
    expect(rows[0].p).toEqual([true, true, 10, 3, true]);
    const m = results.metrics;
    expect(m['llm_output_tokens{name:chat}'].count).toBe(40);
    expect(m['llm_goodput{name:chat}'].rate).toBe(0);
    expect(m['llm_goodput{name:complete}'].rate).toBe(1);
    expect(m['llm_output_tokens{name:complete}'].count).toBe(20);
    expect(m['llm_ttft{name:chat}']).toBeUndefined();
    expect(m['llm_e2e{name:chat}'].count).toBe(2);
  });
});
