/**
 * The field report in one line: 15 clients at once, 30 requests in all, against a RunPod
 * load-balancing endpoint that starts with no warm worker.
 *
 *   rampart simulate --port 8080 --time-scale 0.01     # 120 s balancer timeout → 1.2 s
 *   rampart run examples/burst.ts --out json=results.json
 *
 * Expect exit code 99: a few requests get `400 timed out waiting for worker` and the
 * findings explain why (cold starts, demand above supply, the balancer's timeout).
 */
import { scenario, burst, check, env } from 'rampart';

export default scenario({
  name: 'field-report-burst',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  stages: [burst({ vus: 15, iterations: 30 })],
  // worker identity from X-Runpod-Worker-Id, cold starts, /health sampled into the timeline
  serverless: 'runpod',
  http: { timeout: '6m' }, // longer than the balancer's own limits: let the endpoint answer
  thresholds: {
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
  async iteration(ctx) {
    const res = await ctx.http.post('/run', { json: { input: { prompt: 'a lighthouse at dusk' } }, name: 'generate' });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
