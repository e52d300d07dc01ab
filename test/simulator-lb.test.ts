// The simulator in load-balancer mode: a real server on 127.0.0.1, time-scaled so that
// minutes of simulated time take about a second. Assertions are counts, orders and
// generous ratios, never tight timings (the machine is a busy 2-core box).

import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js';
import { QUEUE_TIMEOUT_BODY } from '../simulator/lb.js';

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sim(opts: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ timeScale: 0.01, ...opts });
  running.push(s);
  return s;
}

interface Result {
  n: number;
  status: number;
  ms: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

async function call(base: string, n = 0, headers: Record<string, string> = {}, path = '/infer'): Promise<Result> {
  const t0 = performance.now();
  const res = await request(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ input: { n } }),
  });
  const text = await res.body.text();
  return { n, status: res.statusCode, ms: performance.now() - t0, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** `clients` concurrent loops sharing `total` requests; each sends its next when the previous one finished. */
async function burst(base: string, clients: number, total: number): Promise<Result[]> {
  let issued = 0;
  const results: Result[] = [];
  const loop = async () => {
    while (issued < total) results.push(await call(base, issued++));
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return results.sort((a, b) => a.n - b.n);
}

async function statusOf(url: string): Promise<number> {
  const res = await request(url);
  await res.body.text();
  return res.statusCode;
}

async function until(cond: () => boolean, maxMs = 3000): Promise<void> {
  const end = performance.now() + maxMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('simulator lb mode', () => {
  it('calibrated defaults: a 15-client burst of 30 gives a handful of first-wave 400s at the queue timeout', async () => {
    const s = await sim({ seed: 3 });
    expect(s.options).toMatchObject({ minWorkers: 0, maxWorkers: 5, queueTimeoutMs: 120_000, coldStartMs: [40_000, 90_000] });
    const results = await burst(s.url, 15, 30);
    expect(results).toHaveLength(30);
    const failed = results.filter((r) => r.status !== 200);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed.length).toBeLessThanOrEqual(6);
    const queueTimeoutReal = 120_000 * 0.01;
    for (const r of failed) {
      expect(r.status).toBe(400);
      expect(r.body).toEqual(QUEUE_TIMEOUT_BODY);
      expect(r.n).toBeLessThan(15); // first wave only
      expect(r.ms).toBeGreaterThanOrEqual(queueTimeoutReal * 0.95);
      expect(r.ms).toBeLessThan(queueTimeoutReal * 2.5);
      expect(r.headers['x-runpod-worker-id']).toBeUndefined();
    }
    // Every request after the first wave succeeds.
    expect(results.filter((r) => r.n >= 15).every((r) => r.status === 200)).toBe(true);
    const stats = s.stats();
    expect(stats.requests.queueTimeouts).toBe(failed.length);
    expect(stats.workersStarted).toBe(5);
    // Cold requests are exactly the first request of each cold-started worker.
    expect(results.filter((r) => r.headers['x-sim-cold'] === '1')).toHaveLength(stats.workersStarted);
  }, 20_000);

  it('with min workers ≥ 15 the same burst never times out and nothing is cold', async () => {
    const s = await sim({ seed: 3, minWorkers: 15, maxWorkers: 15 });
    expect(await statusOf(s.url + '/ping')).toBe(200);
    const results = await burst(s.url, 15, 30);
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(results.every((r) => r.headers['x-sim-cold'] === '0')).toBe(true);
    expect(s.stats().workersStarted).toBe(0);
    // Warm workers take the first wave at once: queue time is far below the cold start.
    for (const r of results.slice(0, 15)) expect(Number(r.headers['x-sim-queue-ms'])).toBeLessThan(400);
  }, 20_000);

  it('marks only the first request of each scaler-started worker as cold', async () => {
    const s = await sim({ minWorkers: 1, maxWorkers: 3, coldStartMs: [20_000, 30_000], execMs: [10_000, 10_000], idleTimeoutMs: 600_000 });
    const first = await Promise.all([0, 1, 2].map((n) => call(s.url, n)));
    const second = await Promise.all([3, 4, 5].map((n) => call(s.url, n)));
    const all = [...first, ...second];
    expect(all.every((r) => r.status === 200)).toBe(true);
    const byWorker = new Map<string, string[]>();
    for (const r of all) {
      const id = String(r.headers['x-sim-worker-id']);
      expect(r.headers['x-runpod-worker-id']).toBe(id);
      expect(r.body.workerId).toBe(id);
      byWorker.set(id, [...(byWorker.get(id) ?? []), String(r.headers['x-sim-cold'])]);
    }
    expect(byWorker.size).toBe(3);
    const prewarmed = s.stats().workerIds[0];
    expect(byWorker.get(prewarmed)!.every((c) => c === '0')).toBe(true);
    for (const [id, flags] of byWorker) {
      if (id !== prewarmed) expect(flags[0]).toBe('1');
      expect(flags.slice(1).every((c) => c === '0')).toBe(true);
    }
    expect(all.filter((r) => r.headers['x-sim-cold'] === '1')).toHaveLength(2);
    expect(s.stats().requests.cold).toBe(2);
  });

  it('echoes the input and reports ground truth consistent with what the client measured', async () => {
    const s = await sim({ minWorkers: 0, maxWorkers: 1, coldStartMs: [30_000, 30_000], execMs: [20_000, 20_000] });
    const r = await call(s.url, 7);
    expect(r.status).toBe(200);
    expect(r.body.output).toEqual({ n: 7 });
    const queueMs = Number(r.headers['x-sim-queue-ms']);
    const execMs = Number(r.headers['x-sim-exec-ms']);
    expect(queueMs).toBeGreaterThanOrEqual(300 * 0.95); // the cold start, in real ms
    expect(execMs).toBeGreaterThanOrEqual(200 * 0.95);
    expect(queueMs + execMs).toBeLessThanOrEqual(r.ms + 5);
  });

  it('releases idle workers after the idle timeout, never below min workers', async () => {
    const s = await sim({ minWorkers: 1, maxWorkers: 2, coldStartMs: [5_000, 5_000], execMs: [5_000, 5_000], idleTimeoutMs: 10_000 });
    await Promise.all([call(s.url, 1), call(s.url, 2)]);
    expect(s.stats().workersStarted).toBe(1);
    await until(() => s.stats().workersReleased === 1);
    await new Promise((r) => setTimeout(r, 300)); // three more idle timeouts
    expect(s.stats().workers).toMatchObject({ idle: 1, running: 0, initializing: 0 });
    expect(s.stats().workersReleased).toBe(1);
  });

  it('scales to zero and answers /ping 204 while initializing, 200 once a worker is ready', async () => {
    const s = await sim({ minWorkers: 0, maxWorkers: 1, coldStartMs: [40_000, 40_000], execMs: [5_000, 5_000], idleTimeoutMs: 10_000 });
    expect(await statusOf(s.url + '/ping')).toBe(204);
    const pending = call(s.url, 1);
    await until(() => s.stats().workers.initializing === 1);
    expect(await statusOf(s.url + '/ping')).toBe(204);
    await until(() => s.stats().workers.ready === 1);
    const ping = await request(s.url + '/ping');
    expect(ping.statusCode).toBe(200);
    await ping.body.text();
    expect((await pending).status).toBe(200);
    await until(() => s.stats().workers.ready === 0);
    expect(await statusOf(s.url + '/ping')).toBe(204);
  });

  it('pins a request to the worker named in X-Runpod-Worker-Id', async () => {
    const s = await sim({ minWorkers: 3, maxWorkers: 3, execMs: [5_000, 5_000] });
    const first = await call(s.url, 0);
    const pinned = String(first.headers['x-runpod-worker-id']);
    const again = await Promise.all([1, 2, 3, 4].map((n) => call(s.url, n, { 'x-runpod-worker-id': pinned })));
    expect(again.map((r) => r.headers['x-runpod-worker-id'])).toEqual(Array(4).fill(pinned));
    // They had to queue for that one worker although two others were idle.
    const queued = again.map((r) => Number(r.headers['x-sim-queue-ms'])).sort((a, b) => a - b);
    expect(queued[3]).toBeGreaterThan(queued[0]);
    // An unknown worker id is ignored.
    const unknown = await call(s.url, 5, { 'x-runpod-worker-id': 'wkr-999-nope' });
    expect(unknown.status).toBe(200);
  });

  it('injects 500s at about fail5xxFraction', async () => {
    const s = await sim({ minWorkers: 5, maxWorkers: 5, execMs: [1_000, 1_000], fail5xxFraction: 0.5, seed: 11 });
    const results = await burst(s.url, 5, 40);
    const fails = results.filter((r) => r.status === 500);
    expect(results.every((r) => r.status === 200 || r.status === 500)).toBe(true);
    expect(fails.length).toBeGreaterThanOrEqual(8);
    expect(fails.length).toBeLessThanOrEqual(32);
    expect(fails.every((r) => typeof r.headers['x-runpod-worker-id'] === 'string')).toBe(true);
    expect(s.stats().requests.failed5xx).toBe(fails.length);
  });

  it('answers 429 with Retry-After over the rate limit', async () => {
    const s = await sim({ timeScale: 1, minWorkers: 1, execMs: [1, 1], rateLimit: { perWindow: 5, windowMs: 30_000 } });
    const results: Result[] = [];
    for (let n = 0; n < 8; n++) results.push(await call(s.url, n));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    for (const r of results.slice(5)) {
      const retryAfter = Number(r.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(30);
    }
    // /ping and /health are not rate limited.
    expect(await statusOf(s.url + '/ping')).toBe(200);
    expect(s.stats().requests.rateLimited).toBe(3);
  });

  it('cuts a request that runs past requestMaxMs with 524', async () => {
    const s = await sim({ minWorkers: 1, maxWorkers: 1, execMs: [100_000, 100_000], requestMaxMs: 20_000 });
    const r = await call(s.url, 1);
    expect(r.status).toBe(524);
    expect(r.headers['x-runpod-worker-id']).toBe(s.stats().workerIds[0]);
    expect(r.ms).toBeLessThan(1000 * 0.9); // cut well before the 1 s execution would end
    expect(s.stats().requests.cut524).toBe(1);
  });

  it('serves /health in lb mode and closes promptly with requests still queued', async () => {
    const s = await sim({ minWorkers: 0, maxWorkers: 1, coldStartMs: [600_000, 600_000] });
    const pending = call(s.url, 1).catch((e: Error) => e);
    await until(() => s.stats().queued === 1);
    const health = await request(s.url + '/health');
    expect(await health.body.json()).toMatchObject({ workers: { initializing: 1, ready: 0 } });
    const t0 = performance.now();
    await s.close();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
