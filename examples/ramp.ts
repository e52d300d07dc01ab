/**
 * Closed model: VUs ramp up, hold, ramp down. Each VU sends its next request when its
 * previous one finished, so the load follows the backend's speed.
 *
 *   rampart simulate --port 8080 --time-scale 0.01
 *   rampart run examples/ramp.ts --out json=results.json --out html=report.html
 *
 * About 11 s. A ramp gives the autoscaler time to add workers before the full load arrives:
 * compare its findings with examples/burst.ts.
 */
import { scenario, ramp, soak, check, env } from 'rampart';

export default scenario({
  name: 'ramp-soak',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  stages: [
    ramp({ to: 10, over: '4s' }), // 0 → 10 VUs (the first stage ramps from 0)
    soak({ vus: 10, for: '5s' }), // hold 10 VUs
    ramp({ to: 0, over: '2s' }), // 10 → 0: VUs above the level finish their iteration, then stop
  ],
  thresholds: {
    'http_req_duration{name:generate}': ['p(95)<2000', 'med<1000'], // a sub-metric: one request name
    http_req_failed: ['rate<0.05'],
    iteration_duration: ['max<5000'],
  },
  async iteration(ctx) {
    const res = await ctx.http.post('/run', { json: { input: { vu: ctx.vu, n: ctx.iteration } }, name: 'generate' });
    check(res, {
      'status is 200': (r) => r.status === 200,
      'has output': (r) => r.status !== 200 || r.json().output !== undefined,
    });
  },
});
