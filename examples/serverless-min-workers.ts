/**
 * The field report's first recommendation: keep a few workers warm. The same burst as
 * examples/burst.ts, meant to run against an endpoint with 3 minimum ("active") workers:
 *
 *   rampart simulate --port 8080 --time-scale 0.01 --min-workers 3
 *   rampart run examples/serverless-min-workers.ts --out json=min3.json
 *
 * About 2 s. Three requests start at once on warm workers; compare cold_starts, the
 * failures and the min-workers finding with a run of examples/burst.ts at --min-workers 0
 * (`rampart compare burst.json min3.json`).
 */
import { scenario, burst, check, env } from 'rampart';

export default scenario({
  name: 'serverless-min-workers-3',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  stages: [burst({ vus: 15, iterations: 30 })],
  serverless: 'runpod',
  http: { timeout: '6m' },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    cold_starts: ['count<=5'], // the 3 warm workers never count as cold
  },
  async iteration(ctx) {
    const res = await ctx.http.post('/run', { json: { input: { prompt: 'a lighthouse at dusk' } }, name: 'generate' });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
