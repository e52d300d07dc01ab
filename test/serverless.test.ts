import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js';
import { rampart, readJson, workspace } from './support/cli.js';

// the field report at 1/100 of its time: cold starts 0.4–0.9 s, warm runs 0.25–0.35 s, the balancer gives up at 1.2 s
const SCALE = { timeScale: 0.01, seed: 3 } satisfies SimulatorOptions;

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A load-balancer scenario: each iteration one POST; the simulator's ground truth is kept in custom metrics. */
function lbScenario(stages: string, extra = ''): string {
  return `import { scenario, burst, soak, ramp, check } from 'rampart';
export default scenario({
  name: 'lb',
  target: process.env.TARGET,
  serverless: 'runpod',
  stages: [${stages}],
  ${extra}
  async iteration(ctx) {
    const res = await ctx.http.post('/generate', { json: { input: { prompt: 'hi' } }, name: 'generate' });
    check(res, { 'status is 200': (r) => r.status === 200 });
    const truthWorker = res.headers['x-sim-worker-id'];
    if (res.status === 200 && truthWorker) {
      ctx.metrics.counter(res.headers['x-sim-cold'] === '1' ? 'truth_cold' : 'truth_warm').add(1, { worker: String(truthWorker) });
    }
  },
});
`;
}

async function runAgainst(options: SimulatorOptions, source: string, args: string[] = []) {
  sim = await startSimulator({ ...SCALE, ...options });
  const dir = workspace({ 's.ts': source });
  const result = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json', ...args], { cwd: dir, env: { TARGET: sim.url } });
  expect(result.stderr).not.toMatch(/internal error/);
  return { ...result, results: readJson(join(dir, 'r.json')), stats: sim.stats() };
}

const workersIn = (metrics: Record<string, unknown>, name: string) =>
  new Set(
    Object.keys(metrics)
      .filter((k) => k.startsWith(`${name}{worker:`))
      .map((k) => k.slice(name.length + 8, -1)),
  );

describe('serverless endpoints, against the simulator', () => {
  it('a burst of 15 against min workers 0: 400s at the queue timeout, cold starts classified like the truth', async () => {
    const { results, stats } = await runAgainst({}, lbScenario('burst({ vus: 15, iterations: 30 })'));
    const m = results.metrics;
    expect(m.http_reqs.count).toBe(30);
    const failed400 = m['http_reqs{status:400}']?.count ?? 0;
    expect(failed400).toBe(stats.requests.queueTimeouts);
    expect(failed400).toBeGreaterThanOrEqual(1);
    // every 400 came back at the balancer's timeout (1.2 s), not before
    expect(m['http_req_duration{status:400}'].min).toBeGreaterThan(1100);
    expect(m['http_req_duration{status:400}'].max).toBeLessThan(2500);
    // cold classification per worker vs the simulator's truth, scored per request
    const served = m['http_reqs{status:200}']?.count ?? 0;
    const ours = workersIn(m, 'cold_starts');
    const truth = workersIn(m, 'truth_cold');
    const disagreements = [...ours].filter((w) => !truth.has(w)).length + [...truth].filter((w) => !ours.has(w)).length;
    expect(truth.size).toBeGreaterThan(0);
    expect(1 - disagreements / served).toBeGreaterThanOrEqual(0.95);
    expect(m.cold_starts.count).toBe(ours.size);
    expect(m['http_req_duration{cold:true}'].med).toBeGreaterThan(m['http_req_duration{cold:false}'].med);
    expect(m.workers_seen.max).toBe(stats.workersStarted);
    // and it says so by itself
    const kinds = results.insights.map((i: any) => i.kind);
    expect(kinds[0]).toBe('gateway-timeout');
    expect(results.insights[0]).toMatchObject({ severity: 'fail', data: { status: 400, count: failed400 } });
    expect(kinds).toContain('cold-starts');
    expect(kinds).toContain('min-workers');
  });

  it('with 3 warm workers and room to scale, only the workers started for the burst are called cold', async () => {
    const { results } = await runAgainst({ minWorkers: 3, maxWorkers: 8 }, lbScenario('burst({ vus: 12, iterations: 36 })'));
    const m = results.metrics;
    const served = m['http_reqs{status:200}'].count;
    const ours = workersIn(m, 'cold_starts');
    const truth = workersIn(m, 'truth_cold');
    const disagreements = [...ours].filter((w) => !truth.has(w)).length + [...truth].filter((w) => !ours.has(w)).length;
    expect(truth.size).toBeGreaterThan(0);
    expect(m.workers_seen.max).toBeGreaterThan(truth.size); // the warm ones were seen too
    expect(1 - disagreements / served).toBeGreaterThanOrEqual(0.95);
  });

  it('with two worker threads, each worker is counted once: one classifier for the run', async () => {
    const { results, stats } = await runAgainst({}, lbScenario('burst({ vus: 14, iterations: 28 })'), ['--workers', '2']);
    const m = results.metrics;
    expect(results.meta.workers).toBe(2);
    expect(m.workers_seen.max).toBe(stats.workersStarted);
    expect(m.cold_starts.count).toBe(workersIn(m, 'cold_starts').size);
    expect(m.cold_starts.count).toBeLessThanOrEqual(stats.workersStarted);
    expect(m.cold_starts.count).toBe(workersIn(m, 'truth_cold').size);
  });

  it('all workers warm (min workers 15): no 400, nothing cold', async () => {
    const { results } = await runAgainst({ minWorkers: 15, maxWorkers: 15 }, lbScenario('burst({ vus: 15, iterations: 30 })'));
    const m = results.metrics;
    expect(m['http_reqs{status:200}'].count).toBe(30);
    expect(m['http_reqs{status:400}']).toBeUndefined();
    expect(m.cold_starts).toBeUndefined();
    expect(workersIn(m, 'truth_cold').size).toBe(0);
    expect(m['http_req_duration{cold:false}'].count).toBe(30);
    expect(results.insights.filter((i: any) => i.severity !== 'info')).toEqual([]);
  });

  it('retries with backoff rescue the calls the burst lost', async () => {
    const retry = `http: { retry: { statuses: [400], attempts: 4, backoff: '300ms', maxBackoff: '1s' } },`;
    const { results } = await runAgainst({}, lbScenario('burst({ vus: 15, iterations: 30 })', retry));
    const m = results.metrics;
    expect(m['http_reqs{status:400}'].count).toBeGreaterThanOrEqual(1);
    expect(m.http_calls_rescued.count).toBeGreaterThanOrEqual(1);
    expect(m.http_call_failed.trues).toBe(0); // every logical call ended in a success
    expect(m.http_call_duration.count).toBe(30);
    expect(m.http_reqs.count).toBe(30 + m.http_retries.count);
    expect(m['http_reqs{retry:true}'].count).toBe(m.http_retries.count);
    expect(results.checks['status is 200']).toEqual({ passes: 30, fails: 0 });
  });

  it('queue API: the job helper submits, polls, and records the platform queue and execution times', async () => {
    const source = `import { scenario, burst, check } from 'rampart';
export default scenario({
  name: 'jobs',
  target: process.env.TARGET,
  serverless: { preset: 'runpod', poll: { interval: '50ms', max: '200ms' }, cold: { minDelay: '150ms' } },
  stages: [burst({ vus: 6, iterations: 12 })],
  async iteration(ctx) {
    const job = await ctx.jobs.run({ prompt: 'hi' }, { name: 'infer' });
    check(job, { 'job completed': (j) => j.status === 'COMPLETED' });
    if (job.queueMs !== undefined) ctx.metrics.trend('seen_queue').add(job.queueMs);
    if (job.executionMs !== undefined) ctx.metrics.trend('seen_exec').add(job.executionMs);
  },
});
`;
    const { results, stats } = await runAgainst({ mode: 'queue', maxWorkers: 3 }, source);
    const m = results.metrics;
    expect(results.checks['job completed']).toEqual({ passes: 12, fails: 0 });
    expect(m['jobs{status:COMPLETED}'].count).toBe(12);
    expect(m.job_queue_time.count).toBe(12);
    expect(m.job_execution_time.count).toBe(12);
    // the platform's own numbers, passed through: what the scenario saw is what was recorded
    expect(m.job_execution_time.avg).toBeCloseTo(m.seen_exec.avg, 0);
    expect(m.job_queue_time.avg).toBeCloseTo(m.seen_queue.avg, 0);
    // execution 0.25–0.35 s at this time scale
    expect(m.job_execution_time.min).toBeGreaterThanOrEqual(240);
    expect(m.job_execution_time.max).toBeLessThanOrEqual(360);
    expect(m.job_total_time.min).toBeGreaterThanOrEqual(m.job_execution_time.min);
    expect(m.cold_starts.count).toBe(stats.workersStarted);
  });

  it('the health monitor puts workers and queue on the timeline', async () => {
    const source = lbScenario("soak({ vus: 4, for: '2500ms' })").replace(
      "serverless: 'runpod',",
      "serverless: { preset: 'runpod', monitor: { every: '200ms' } },",
    );
    const { results } = await runAgainst({}, source);
    const gauges = results.timeline.map((p: any) => p.gauges ?? {});
    expect(gauges.some((g: any) => 'workers_running' in g || 'workers_initializing' in g)).toBe(true);
    expect(gauges.some((g: any) => (g.workers_initializing ?? 0) > 0 || (g.workers_running ?? 0) > 0)).toBe(true);
    expect(gauges.at(-1).workers_seen).toBeGreaterThanOrEqual(1);
  });
});

describe('ctx.s3 in a run, against a real local S3 server', () => {
  it('round-trips inputs through a pool sized to the run: no socket waits, every operation measured', async () => {
    const { startS3Server } = await import('./support/s3-server.js');
    const s3 = await startS3Server(['inputs']);
    try {
      const source = `import { scenario, burst, check } from 'rampart';
export default scenario({
  name: 's3', stages: [burst({ vus: 12, iterations: 48 })],
  thresholds: { s3_pool_saturated: ['count==0'], s3_op_failed: ['rate==0'] },
  async iteration(ctx) {
    const key = 'in/' + ctx.vu + '-' + ctx.iteration + '.json';
    const body = JSON.stringify({ vu: ctx.vu, iteration: ctx.iteration, pad: 'x'.repeat(2000) });
    const put = await ctx.s3.put('inputs', key, body, { name: 'input' });
    const got = await ctx.s3.get('inputs', key, { name: 'input' });
    check(got, { 'same bytes back': (g) => put.ok && g.ok && g.text() === body });
  },
});
`;
      const dir = workspace({ 's.ts': source });
      const { code, stderr } = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], {
        cwd: dir,
        env: {
          AWS_ENDPOINT_URL: s3.endpoint,
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
          AWS_REGION: 'us-east-1',
        },
      });
      const results = readJson(join(dir, 'r.json'));
      expect(stderr).not.toMatch(/internal error/);
      expect(code).toBe(0);
      expect(results.checks['same bytes back']).toEqual({ passes: 48, fails: 0 });
      expect(results.metrics.s3_ops.count).toBe(96);
      expect(results.metrics['s3_op_duration{op:put}'].count).toBe(48);
      expect(results.metrics.s3_pool_saturated).toBeUndefined();
      expect(results.meta.connectionsPerOrigin).toBeGreaterThanOrEqual(12);
    } finally {
      await s3.close();
    }
  });
});
