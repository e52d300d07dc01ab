// The simulator in queue mode: RunPod's /run, /runsync, /status, /cancel, /retry,
// /purge-queue and /health on a real, time-scaled server.

import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js';

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sim(opts: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ mode: 'queue', timeScale: 0.01, ...opts });
  running.push(s);
  return s;
}

interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

async function api(base: string, method: 'GET' | 'POST', path: string, json?: unknown): Promise<Answer> {
  const res = await request(base + path, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/** Poll /status every 15 ms (bounded) until the job is final. */
async function poll(base: string, id: string, prefix = '', maxMs = 5000): Promise<Answer> {
  const end = performance.now() + maxMs;
  for (;;) {
    const a = await api(base, 'GET', `${prefix}/status/${id}`);
    if (FINAL.includes(a.body.status)) return a;
    if (performance.now() > end) throw new Error(`job ${id} still ${a.body.status}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

describe('simulator queue mode', () => {
  it('submits with /run and polls /status; delayTime and executionTime match the ground truth', async () => {
    const s = await sim({ maxWorkers: 1, coldStartMs: [30_000, 30_000], execMs: [20_000, 20_000] });
    const sub = await api(s.url, 'POST', '/v2/my-endpoint/run', { input: { prompt: 'hi' } });
    expect(sub.status).toBe(200);
    expect(sub.body).toEqual({ id: expect.stringMatching(/-u1$/), status: 'IN_QUEUE' });
    const first = await api(s.url, 'GET', `/v2/my-endpoint/status/${sub.body.id}`);
    expect(['IN_QUEUE', 'IN_PROGRESS']).toContain(first.body.status);
    expect(first.headers['x-sim-cold']).toBeUndefined(); // ground truth only once finished

    const done = await poll(s.url, sub.body.id, '/v2/my-endpoint');
    expect(done.body).toMatchObject({ id: sub.body.id, status: 'COMPLETED', output: { prompt: 'hi' } });
    expect(done.body.workerId).toBe(s.stats().workerIds[0]);
    expect(done.headers['x-sim-worker-id']).toBe(done.body.workerId);
    expect(done.headers['x-sim-cold']).toBe('1');
    expect(Number(done.headers['x-sim-queue-ms'])).toBe(done.body.delayTime);
    expect(Number(done.headers['x-sim-exec-ms'])).toBe(done.body.executionTime);
    // Real elapsed ms: delay includes the 300 ms cold start, execution the 200 ms run.
    expect(done.body.delayTime).toBeGreaterThanOrEqual(300 * 0.95);
    expect(done.body.executionTime).toBeGreaterThanOrEqual(200 * 0.95);
    expect(done.body.executionTime).toBeLessThan(200 * 5);

    // The same worker, now warm, takes the next job without the cold start.
    const next = await api(s.url, 'POST', '/run', { input: {} });
    const warm = await poll(s.url, next.body.id);
    expect(warm.headers['x-sim-cold']).toBe('0');
    expect(warm.body.delayTime).toBeLessThan(done.body.delayTime);
  });

  it('runsync answers the finished job, or the id with a non-final status when the wait runs out', async () => {
    const s = await sim({ minWorkers: 1, maxWorkers: 1, execMs: [5_000, 5_000] });
    const quick = await api(s.url, 'POST', '/runsync', { input: { a: 1 } });
    expect(quick.body).toMatchObject({ status: 'COMPLETED', output: { a: 1 } });
    expect(quick.headers['x-sim-cold']).toBe('0');
    expect(typeof quick.body.delayTime).toBe('number');

    const slow = await sim({ minWorkers: 1, maxWorkers: 1, execMs: [200_000, 200_000] });
    const t0 = performance.now();
    const partial = await api(slow.url, 'POST', '/runsync?wait=1000', { input: {} }); // 1 s simulated = 10 ms
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(partial.body.status).toBe('IN_PROGRESS');
    expect(typeof partial.body.id).toBe('string');
    const cancelled = await api(slow.url, 'POST', `/cancel/${partial.body.id}`);
    expect(cancelled.body).toEqual({ id: partial.body.id, status: 'CANCELLED' });
    // Cancelling a running job frees its worker at once.
    expect(slow.stats().workers).toMatchObject({ idle: 1, running: 0 });
  });

  it('cancels a queued job; cancelling a final job changes nothing', async () => {
    const s = await sim({ maxWorkers: 1, coldStartMs: [600_000, 600_000] });
    const sub = await api(s.url, 'POST', '/run', { input: {} });
    const c = await api(s.url, 'POST', `/cancel/${sub.body.id}`);
    expect(c.body.status).toBe('CANCELLED');
    expect((await api(s.url, 'GET', `/status/${sub.body.id}`)).body).toEqual({ id: sub.body.id, status: 'CANCELLED' });
    expect(s.stats().queued).toBe(0);
    expect((await api(s.url, 'POST', `/cancel/${sub.body.id}`)).body.status).toBe('CANCELLED');
  });

  it('fails jobs at failJobFraction with a JSON error string, and retries them under the same id', async () => {
    const s = await sim({ minWorkers: 1, execMs: [1_000, 1_000], failJobFraction: 1 });
    const sub = await api(s.url, 'POST', '/run', { input: {} });
    const failed = await poll(s.url, sub.body.id);
    expect(failed.body.status).toBe('FAILED');
    expect(JSON.parse(failed.body.error)).toMatchObject({ error_type: expect.any(String), error_message: expect.any(String) });
    expect(failed.headers['x-sim-worker-id']).toBe(failed.body.workerId);

    const retry = await api(s.url, 'POST', `/retry/${sub.body.id}`);
    expect(retry.body).toEqual({ id: sub.body.id, status: 'IN_QUEUE' });
    expect((await poll(s.url, sub.body.id)).body.status).toBe('FAILED'); // still failing at fraction 1
    const health = await api(s.url, 'GET', '/health');
    expect(health.body.jobs).toMatchObject({ retried: 1, failed: 1, completed: 0 });
  });

  it('only FAILED or TIMED_OUT jobs can be retried; executionTimeout gives TIMED_OUT', async () => {
    const s = await sim({ minWorkers: 1, execMs: [50_000, 50_000] });
    const sub = await api(s.url, 'POST', '/run', { input: {}, policy: { executionTimeout: 5_000 } });
    const timedOut = await poll(s.url, sub.body.id);
    expect(timedOut.body.status).toBe('TIMED_OUT');
    expect(timedOut.body.executionTime).toBeLessThan(500 * 0.9); // cut at 50 ms, not after the 500 ms run
    expect((await api(s.url, 'POST', `/retry/${sub.body.id}`)).status).toBe(200);

    const ok = await sim({ minWorkers: 1, execMs: [1_000, 1_000] });
    const job = await api(ok.url, 'POST', '/runsync', { input: {} });
    expect(job.body.status).toBe('COMPLETED');
    const refused = await api(ok.url, 'POST', `/retry/${job.body.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/COMPLETED/);
  });

  it('purges queued jobs and reports health counts', async () => {
    const s = await sim({ maxWorkers: 1, coldStartMs: [600_000, 600_000] });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await api(s.url, 'POST', '/run', { input: { i } })).body.id);
    const before = await api(s.url, 'GET', '/v2/x/health');
    expect(before.body).toEqual({
      jobs: { completed: 0, failed: 0, inProgress: 0, inQueue: 4, retried: 0 },
      workers: { idle: 0, initializing: 1, ready: 0, running: 0, throttled: 0, unhealthy: 0 },
    });
    const purge = await api(s.url, 'POST', '/purge-queue');
    expect(purge.body).toEqual({ removed: 4, status: 'completed' });
    expect((await api(s.url, 'GET', '/health')).body.jobs.inQueue).toBe(0);
    expect((await api(s.url, 'GET', `/status/${ids[0]}`)).body.status).toBe('CANCELLED');
  });

  it('counts running and finished jobs in /health', async () => {
    const s = await sim({ minWorkers: 2, maxWorkers: 2, execMs: [100_000, 100_000] });
    for (let i = 0; i < 3; i++) await api(s.url, 'POST', '/run', { input: {} });
    const h = await api(s.url, 'GET', '/health');
    expect(h.body.jobs).toMatchObject({ inProgress: 2, inQueue: 1 });
    expect(h.body.workers).toMatchObject({ running: 2, idle: 0, ready: 2 });
  });

  it('fails about failJobFraction of many jobs', async () => {
    const s = await sim({ minWorkers: 5, maxWorkers: 5, execMs: [1_000, 1_000], failJobFraction: 0.5, seed: 5 });
    const answers = await Promise.all(Array.from({ length: 40 }, () => api(s.url, 'POST', '/runsync', { input: {} })));
    const statuses = answers.map((a) => a.body.status);
    expect(statuses.every((st) => st === 'COMPLETED' || st === 'FAILED')).toBe(true);
    const failed = statuses.filter((st) => st === 'FAILED').length;
    expect(failed).toBeGreaterThanOrEqual(8);
    expect(failed).toBeLessThanOrEqual(32);
    expect((await api(s.url, 'GET', '/health')).body.jobs).toMatchObject({ failed, completed: 40 - failed });
  });

  it('answers 404 JSON for unknown jobs and routes, 405 for a wrong method', async () => {
    const s = await sim({});
    const missing = await api(s.url, 'GET', '/status/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/nope/);
    expect((await api(s.url, 'POST', '/cancel/nope')).status).toBe(404);
    expect((await api(s.url, 'GET', '/v2/e/unknown')).status).toBe(404);
    expect((await api(s.url, 'GET', '/run')).status).toBe(405);
  });

  it('times out a queued job after queueTimeoutMs (the job TTL)', async () => {
    const s = await sim({ maxWorkers: 1, coldStartMs: [600_000, 600_000], queueTimeoutMs: 10_000 });
    const sub = await api(s.url, 'POST', '/run', { input: {} });
    const done = await poll(s.url, sub.body.id);
    expect(done.body).toEqual({ id: sub.body.id, status: 'TIMED_OUT' });
  });
});
