/**
 * The findings corpus, serverless half: real runs of the built CLI against the simulator, seeded,
 * at 1/100 of real time (cold starts 0.4–0.9 s, warm runs 0.25–0.35 s, the balancer gives up at
 * 1.2 s), each with the exact set of findings (kind and severity) its known truth must produce
 * and no other. Where a number of workers is advised, the same seeded run twice gives the same.
 *
 * One allowance: client-queueing with event-loop lag as its only cause says the machine running
 * the tests was busy (2 shared cores), which is true of that run and no property of the target;
 * it is set aside. Any other client-queueing counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthMonitor } from '../runner/serverless/monitor.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js';
import { rampart, readJson, workspace } from './support/cli.js';

const SCALE = { timeScale: 0.01, seed: 3 } satisfies SimulatorOptions;
const BURST = 'burst({ vus: 15, iterations: 30 })'; // the field report: 15 at once, 30 in all

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Each iteration one POST to a load-balancing endpoint (worker id in X-Runpod-Worker-Id). */
function lbScenario(stages: string, extra = ''): string {
  return `import { scenario, burst, ramp, soak, check } from 'rampart';
export default scenario({
  name: 'lb', target: process.env.TARGET, serverless: 'runpod', stages: [${stages}],
  http: { timeout: '10s' }, ${extra}
  async iteration(ctx) {
    const res = await ctx.http.post('/run', { json: { input: { prompt: 'hi' } }, name: 'run' });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
`;
}

/** Each iteration one job through the queue API: submit, poll until a final status. */
function queueScenario(stages: string): string {
  return `import { scenario, burst, check } from 'rampart';
export default scenario({
  name: 'queue', target: process.env.TARGET, stages: [${stages}],
  serverless: { preset: 'runpod', poll: { interval: '50ms', max: '100ms', timeout: '20s' }, cold: { minDelay: '200ms' } },
  async iteration(ctx) {
    const job = await ctx.jobs.run({ prompt: 'hi' }, { name: 'generate' });
    check(job, { 'job completed': (j) => j.status === 'COMPLETED' });
  },
});
`;
}

interface Finding {
  kind: string;
  severity: string;
  message: string;
  data: Record<string, any>;
}

async function findingsOf(options: SimulatorOptions, source: string) {
  sim = await startSimulator({ ...SCALE, ...options });
  const dir = workspace({ 's.ts': source });
  const result = await rampart(['run', 's.ts', '-q', '--interval', '200ms', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: sim.url } });
  await sim.close();
  sim = undefined;
  expect(result.stderr).toBe('');
  const results = readJson(join(dir, 'r.json'));
  const insights = (results.insights as Finding[]).filter((i) => !busyMachine(i));
  const set = insights.map((i) => `${i.kind}:${i.severity}`).sort();
  const peakVUs = Math.max(...(results.timeline as Array<{ vus: number }>).map((p) => p.vus));
  return { insights, set, peakVUs, text: insights.map((i) => `${i.kind}:${i.severity} ${i.message}`).join('\n') };
}

const busyMachine = (i: Finding) => i.kind === 'client-queueing' && JSON.stringify(i.data.causes) === '["event_loop_delay"]';
const of = (insights: Finding[], kind: string) => insights.filter((i) => i.kind === kind);

describe('findings corpus: serverless endpoints (simulator, seeded)', () => {
  it('cold burst (min workers 0, 15 VUs, 30 iterations): the field report, the same advice twice', async () => {
    const first = await findingsOf({}, lbScenario(BURST));
    expect(first.set, first.text).toEqual(['cold-starts:warn', 'gateway-timeout:fail', 'min-workers:warn', 'retries:warn', 'supply-demand:warn']);
    const advice = of(first.insights, 'min-workers')[0];
    expect(advice.data).toMatchObject({ basis: 'burst', recommended: 15, burst: 15 });
    expect(advice.message).toContain('set min workers ≥ 15');
    const second = await findingsOf({}, lbScenario(BURST));
    expect(second.set, second.text).toEqual(first.set);
    const again = of(second.insights, 'min-workers')[0];
    expect(again.data.recommended).toBe(advice.data.recommended);
    expect(again.data.minWorkersForTimeout).toBe(advice.data.minWorkersForTimeout);
    expect(advice.data.minWorkersForTimeout).toBeGreaterThanOrEqual(2);
    expect(advice.data.minWorkersForTimeout).toBeLessThan(15);
  });

  it('warm burst (5 warm workers of 5): nothing cold, nothing failed, no worker advice', async () => {
    const { set, text, insights } = await findingsOf({ minWorkers: 5 }, lbScenario(BURST));
    expect(set, text).toEqual(['cold-starts:info', 'supply-demand:info']);
    expect(of(insights, 'supply-demand')[0].message).toMatch(/requests waited at the balancer|no request failed or waited/);
  });

  it('healthy ramp (15 VUs over 4 s, min workers 0): no failure, so no warning about supply and no worker number', async () => {
    const { set, text, insights } = await findingsOf({}, lbScenario("ramp({ to: 15, over: '4s' }), soak({ vus: 15, for: '1s' })"));
    expect(set, text).toEqual(['cold-starts:warn', 'supply-demand:info']);
    expect(text).not.toMatch(/burst/);
    expect(of(insights, 'supply-demand')[0].message).not.toMatch(/\bjobs?\b/);
  });

  it('queue mode, cold (10 jobs at once, min workers 0): cold jobs counted from the job trends', async () => {
    const { set, text, insights, peakVUs } = await findingsOf({ mode: 'queue' }, queueScenario('burst({ vus: 10, iterations: 10 })'));
    expect(peakVUs).toBe(10); // all ten at once (a closed burst of as many iterations as VUs once ran half of them)
    expect(set, text).toEqual(['cold-starts:warn', 'cold-starts:warn', 'min-workers:warn', 'supply-demand:info']);
    expect(text).not.toMatch(/did not tag/);
    expect(
      of(insights, 'cold-starts')
        .map((i) => i.message)
        .join('\n'),
    ).toMatch(/of 10 jobs \([\d.]+%\) came from a cold worker/);
    expect(of(insights, 'min-workers')[0].data).toMatchObject({ basis: 'burst', recommended: 10 });
  });

  it('queue mode, warm (5 jobs at a time on 5 warm workers): nothing cold, the model is the slow part', async () => {
    const { set, text } = await findingsOf({ mode: 'queue', minWorkers: 5 }, queueScenario('burst({ vus: 5, iterations: 10 })'));
    expect(set, text).toEqual(['cold-starts:info', 'cold-starts:info', 'supply-demand:info']);
    expect(text).toMatch(/No job came from a cold worker/);
  });

  it('retries on (the cold burst, 400 retried with backoff): the calls rescued, the timeouts still explained', async () => {
    const retry = `http: { timeout: '10s', retry: { statuses: [400], attempts: 4, backoff: '300ms', maxBackoff: '1s' } },`;
    const { set, text } = await findingsOf({}, lbScenario(BURST, retry).replace("http: { timeout: '10s' }, ", ''));
    expect(set, text).toEqual(['cold-starts:warn', 'gateway-timeout:fail', 'min-workers:warn', 'retries:info', 'supply-demand:warn']);
  });
});

describe('the health monitor: a sample belongs to the interval it was taken in', () => {
  it('hands each sample to its own interval once, and nothing to an interval with no sample', async () => {
    let n = 0;
    const server = createServer((_req, res) => res.end(JSON.stringify({ jobs: { inQueue: ++n } })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const monitor = new HealthMonitor(`http://127.0.0.1:${(server.address() as AddressInfo).port}/health`, 100, {});
    try {
      monitor.start(); // samples about 50, 150, 250, 350 ms in
      await sleep(400);
      await monitor.stop();
      const handed = [100, 200, 300, 400, 10_000].map((t) => monitor.sampleFor(t)?.jobs_in_queue ?? null);
      const values = handed.filter((v): v is number => v !== null);
      expect(values.length, String(handed)).toBeGreaterThanOrEqual(3);
      // never the same sample twice: each value is newer than the one before
      expect(values, String(handed)).toEqual([...new Set(values)].sort((a, b) => a - b));
      expect(values.at(-1)).toBe(n); // the newest reaches the interval it was taken in
      expect(monitor.sampleFor(10_000)).toBeNull(); // an empty interval gets nothing
      expect(monitor.sampleFor(20_000)).toBeNull(); // after the last sample: no stale copy
    } finally {
      await monitor.stop();
      server.close();
    }
  });
});
