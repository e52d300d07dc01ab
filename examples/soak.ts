/**
 * Open model: iterations arrive at a rate, whether or not earlier ones finished (like real
 * users). `maxVUs` bounds the iterations in flight; an arrival that finds all of them busy
 * is dropped and counted in `dropped_iterations`, never queued.
 *
 *   node bench/server.mjs 8081         # or any fast HTTP server
 *   rampart run examples/soak.ts -e TARGET=http://127.0.0.1:8081 --out json=results.json
 *
 * About 8 s. Against `rampart simulate` (slow, 5 workers at most) the same arrival rate
 * outruns the backend: iterations pile up to maxVUs, get dropped, and the threshold fails.
 */
import { scenario, ramp, soak, check, env } from 'rampart';

export default scenario({
  name: 'open-soak',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  stages: [
    ramp({ rate: 50, over: '3s', maxVUs: 20 }), // 0 → 50 iterations/s
    soak({ rate: 50, for: '5s', maxVUs: 20 }), // hold 50 iterations/s
  ],
  thresholds: {
    dropped_iterations: ['count==0'], // every planned arrival found a free slot
    http_req_duration: ['p(95)<500'],
    // iteration_duration counts from the intended start: late starts show (no coordinated omission)
    iteration_duration: ['p(99)<1000'],
  },
  async iteration(ctx) {
    const res = await ctx.http.get('/', { name: 'home' });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
