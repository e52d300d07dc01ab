import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSoak, runSoak, thirds, type SoakOptions } from './support/soak-probe.js';
import { startTarget, type Target } from './support/target.js';

/**
 * A short open-model soak (15 s at 2000 it/s): memory, file descriptors and the event loop
 * stay flat, and every arrival is accounted for. bench/soak.ts is the 10-minute version.
 */

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});

describe.skipIf(process.platform !== 'linux')('short soak', () => {
  it('RSS, open fds and event-loop delay stay bounded; every arrival has one outcome', async () => {
    const o: SoakOptions = { url: target.url, rate: 2000, seconds: 15, maxVUs: 100 };
    const r = await runSoak(o);
    console.log(describeSoak(r, o));
    expect(r.res.code, r.res.stderr.slice(-2000)).toBe(0);
    const m = r.summary.metrics;
    // arrival k starts at k/rate s: exactly rate × seconds arrivals, each started or dropped
    const arrivals = o.rate * o.seconds;
    expect(m.iterations.count + (m.interrupted_iterations?.count ?? 0) + (m.dropped_iterations?.count ?? 0)).toBe(arrivals);
    expect(m.http_reqs.count).toBe(m.iterations.count);
    expect(m.http_req_failed.trues).toBe(0);
    expect(m.http_reqs.count).toBeGreaterThan(arrivals / 2); // generous: 2 shared cores

    const loadMs = o.seconds * 1000;
    expect(r.samples.length).toBeGreaterThanOrEqual(10);
    const rss = thirds(r.samples, loadMs, (s) => s.rssMb);
    expect(rss.last).toBeLessThan(rss.first * 1.5);
    const fds = thirds(r.samples, loadMs, (s) => s.fds);
    expect(Math.abs(fds.last - fds.first)).toBeLessThan(50);
    expect(r.loop.length).toBeGreaterThanOrEqual(5);
    const loop = thirds(r.loop, loadMs, (l) => l.p99Ms);
    expect(loop.last).toBeLessThan(Math.max(250, loop.first * 5));
  }, 90_000);
});
