/**
 * The field report's comparison: the same load-balancing endpoint hit by a burst (15 at
 * once, 30 requests) and by a ramp to the same 15 VUs. Pick one with --profile:
 *
 *   rampart simulate --port 8080 --time-scale 0.01 --min-workers 0   # a fresh one per run
 *   rampart run examples/serverless-lb.ts --profile burst --out json=burst.json
 *   rampart run examples/serverless-lb.ts --profile ramp  --out json=ramp.json
 *   rampart compare burst.json ramp.json
 *
 * Durations are simulated-time friendly: at --time-scale 0.01 a 120 s balancer timeout is
 * 1.2 s, so the ramp below ("6 s") is ~10 simulated minutes of warm-up for the autoscaler.
 */
import { scenario, burst, ramp, soak, check, env } from 'rampart';

export default scenario({
  name: 'serverless-lb',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  profiles: {
    burst: [burst({ vus: 15, iterations: 30 })],
    ramp: [ramp({ to: 15, over: '6s' }), soak({ vus: 15, for: '3s' })],
  },
  serverless: 'runpod', // X-Runpod-Worker-Id → workers seen, cold starts; /health → timeline gauges
  http: { timeout: '6m' },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:run}': ['p(95)<1500'],
  },
  async iteration(ctx) {
    const res = await ctx.http.post('/run', { json: { input: { prompt: 'a lighthouse at dusk' } }, name: 'run' });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
