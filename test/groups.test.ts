import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const runFile = (source: string, args: string[] = []) => runScenario(source, { target: target.url, args });

describe('ctx.group', () => {
  it("tags the requests inside with group:<outer::inner> and records group_duration; thresholds take k6's ::name form too", async () => {
    const { code, stderr, results } = await runFile(
      `import { scenario, burst } from 'rampart';
      export default scenario({ name: 'g', target: process.env.TARGET, stages: [burst({ vus: 2, iterations: 6 })],
        thresholds: {
          'http_reqs{group:::login}': ['count==6'],
          'http_reqs{group:login::submit}': ['count==12'],
          'group_duration{group:login}': ['count==6'],
          'group_duration{group:login::submit}': ['count==6'],
          'http_reqs{state:on}': ['count==6'],
        },
        async iteration(ctx) {
          await ctx.http.get('/outside');
          const inner = await ctx.group('login', async () => {
            await ctx.http.get('/login');
            return ctx.group('submit', async () => {
              await ctx.http.post('/submit', { body: 'x' });
              await ctx.http.get('/after', { tags: { state: 'on' } });
              return 'returned';
            });
          });
          if (inner !== 'returned') throw new Error('group() must return what fn returns');
          await ctx.http.get('/after-group');
        } });`,
      ['--workers', '2'],
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const m = results.metrics;
    expect(m.http_reqs.count).toBe(30);
    expect(m['http_reqs{group:login}'].count).toBe(6);
    expect(m['http_reqs{group:login::submit}'].count).toBe(12);
    expect(m.group_duration.count).toBe(12);
    // a group's time includes its inner group's
    expect(m['group_duration{group:login}'].max).toBeGreaterThanOrEqual(m['group_duration{group:login::submit}'].min);
    // k6's '::login' is recorded as rampart's 'login'
    expect(results.thresholds['http_reqs{group:login}'][0]).toMatchObject({ ok: true, actual: 6 });
    expect(results.thresholds['http_reqs{state:on}'][0]).toMatchObject({ ok: true, actual: 6 });
  });

  it("a group whose function throws leaves the VU out of the group; a bad name is the scenario's error", async () => {
    const { results } = await runFile(
      `import { scenario, burst } from 'rampart';
      export default scenario({ name: 'g', target: process.env.TARGET, stages: [burst({ vus: 1, iterations: 2 })],
        async iteration(ctx) {
          if (ctx.iteration === 0) {
            await ctx.group('boom', async () => { await ctx.http.get('/a'); throw new Error('inside'); }).catch(() => {});
            await ctx.http.get('/b');
          } else {
            await ctx.group('a::b', async () => {});
          }
        } });`,
      ['--no-fail-unmeasured'],
    );
    const m = results.metrics;
    expect(m['http_reqs{group:boom}'].count).toBe(1);
    expect(m.http_reqs.count).toBe(2);
    expect(m['group_duration{group:boom}']).toBeUndefined(); // only groups that finished are timed
    expect(results.errors.map((e: { message: string }) => e.message)).toContainEqual(
      expect.stringMatching(/group\(name, fn\): name must be a non-empty string without '::'/),
    );
  });
});

describe('delayAbortEval', () => {
  it('abortOnFail is not judged before delayAbortEval; then the run stops (exit 99)', async () => {
    const started = Date.now();
    const { code, results } = await runFile(
      `import { scenario, soak } from 'rampart';
      export default scenario({ name: 'd', target: process.env.TARGET, stages: [soak({ vus: 2, for: '30s' })],
        thresholds: { http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '3s' }] },
        async iteration(ctx) { await ctx.http.get('/status/503'); await ctx.sleep(20); } });`,
      ['--interval', '250ms'],
    );
    expect(code).toBe(99);
    expect(results.aborted).toBe(true);
    expect(results.abortReason).toBe('threshold');
    expect(results.durationMs).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});
