/**
 * A chat model behind an OpenAI-compatible API: a ramp to 8 streams, then a burst of 24 at once,
 * judged by time to first token, time per output token and goodput (docs/llm.md).
 *
 *   rampart simulate --mode openai --port 8080 --min-workers 1
 *   rampart run examples/llm-chat.ts
 *
 * Against a real server: TARGET=https://host (its /v1 API) or set llm.baseURL, and OPENAI_API_KEY.
 */
import { scenario, ramp, burst, env } from 'rampart';

export default scenario({
  name: 'llm-chat',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  // the key goes as a Bearer header and is masked in every output
  llm: { apiKey: env('OPENAI_API_KEY'), model: env('MODEL', 'rampart-sim') },
  // a request is good when its first token came within 2 s and the next ones 100 ms apart at most
  slo: { ttft: '2s', tpot: '100ms' },
  stages: [ramp({ to: 8, over: '20s' }), burst({ vus: 24, iterations: 24 })],
  http: { timeout: '2m' },
  thresholds: {
    llm_ttft: ['p(95)<3000'],
    llm_tpot: ['p(95)<150'],
    llm_goodput: ['rate>0.9'],
    llm_failed: ['rate<0.01'],
  },
  async iteration(ctx) {
    const r = await ctx.llm.chat(
      {
        messages: [{ role: 'user', content: 'Write a haiku about load tests.' }],
        max_tokens: 64,
        stream: true,
      },
      { name: 'chat' },
    );
    if (!r.ok) ctx.log(`${r.error?.kind}: ${r.error?.message}`);
    await ctx.sleep('500ms');
  },
});
