/**
 * Capacity search on a chat model: the request rate climbs 1 → 8 per second in 8 steps of 30 s;
 * each step holds while 95% of its streams meet the SLOs (goodput) and under 1% fail. The report
 * names the highest rate that held, with every step's numbers (console, JSON, HTML chart).
 *
 *   rampart simulate --mode openai --port 8080 --min-workers 1 --max-workers 1
 *   rampart run examples/llm-sweep.ts --out html=sweep.html
 *
 * With the simulator's defaults one worker decodes 16 streams at 15 ms + 1 ms per other stream
 * a token: 16 / (127 × 30 ms) ≈ 4.2 streams of 128 tokens a second; beyond it they queue and
 * TTFT breaks its SLO. Against a real server: TARGET=https://host (its /v1 API), OPENAI_API_KEY.
 */
import { scenario, sweep, env } from 'rampart';

export default scenario({
  name: 'llm-sweep',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  llm: { apiKey: env('OPENAI_API_KEY'), model: env('MODEL', 'rampart-sim') },
  // a stream is good when its first token came within 1 s and the next ones 50 ms apart at most
  slo: { ttft: '1s', tpot: '50ms' },
  stages: [sweep({ from: 1, to: 8, steps: 8, each: '30s', maxVUs: 64, limits: { goodput: 0.95, errorRate: 0.01 } })],
  http: { timeout: '2m' },
  async iteration(ctx) {
    await ctx.llm.chat(
      {
        messages: [{ role: 'user', content: 'Summarise the plot of Hamlet in a paragraph.' }],
        max_tokens: 128,
        stream: true,
      },
      { name: 'chat' },
    );
  },
});
