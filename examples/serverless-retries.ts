/**
 * The field report's second recommendation: retry the balancer's "400 timed out waiting for
 * worker" with exponential backoff. Same burst as examples/burst.ts, with a retry policy.
 *
 *   rampart simulate --port 8080 --time-scale 0.01
 *   rampart run examples/serverless-retries.ts --out json=results.json
 *
 * Up to ~15 s (backoff is full jitter: a random wait in [0, 2 s], then [0, 4 s], [0, 8 s]).
 * http_reqs / http_req_failed count every attempt; http_call_duration / http_call_failed
 * count the logical call, retries included; http_calls_rescued counts calls a retry saved.
 */
import { scenario, burst, check, env } from 'rampart';

export default scenario({
  name: 'serverless-retries',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  stages: [burst({ vus: 15, iterations: 30 })],
  serverless: 'runpod',
  http: {
    timeout: '6m',
    // 400 is not retryable in general: here it is RunPod's "no worker within 2 minutes"
    retry: { statuses: [400, 429, 503], attempts: 4, backoff: '2s' },
  },
  thresholds: {
    http_call_failed: ['rate<0.01'], // what the application would see, after retries
    http_retries: ['count<30'],
  },
  async iteration(ctx) {
    const res = await ctx.http.post('/run', { json: { input: { prompt: 'a lighthouse at dusk' } }, name: 'generate' });
    check(res, { 'status is 200 (after retries)': (r) => r.status === 200 });
  },
});
