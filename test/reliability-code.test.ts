import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampart, workspace } from './support/cli.js';
import { accounting, limiter, results, STACK_LINE } from './support/reliability.js';
import { startTarget, type Target } from './support/target.js';

/**
 * Scenario code that fails: an exception fails its iteration only (grouped by message and
 * TypeScript location), stray rejections and timers cannot crash or hang the run, and a
 * worker thread that dies is reported while the measurements so far are kept.
 */

const run = limiter(2);
let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});

/** 1-based line and column of the first `needle` in `text`, as V8 reports a `new Error` there. */
function locate(text: string, needle: string): string {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  return `${line + 1}:${lines[line].indexOf(needle) + 1}`;
}

async function runIn(text: string, args: string[] = [], timeoutMs = 30_000) {
  const dir = workspace({ 's.ts': text });
  const t0 = Date.now();
  const res = await run(() => rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', ...args], { cwd: dir, timeoutMs }));
  return { dir, res, elapsedMs: Date.now() - t0 };
}

describe.concurrent('scenario code failures', () => {
  it('an exception fails that iteration only, grouped by message and the .ts line of the throw', async () => {
    const text = `import { scenario, burst } from 'rampart';

interface Order { id: number }
let n = 0;

export default scenario({
  name: 'throws', target: ${JSON.stringify(target.url)},
  stages: [burst({ vus: 2, iterations: 10 })],
  async iteration(ctx) {
    const order: Order = { id: n++ };
    await ctx.http.get('/');
    if (order.id % 2 === 1) {
      throw new Error('odd order');
    }
  },
});
`;
    const { dir, res } = await runIn(text);
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.code, res.stderr).toBe(0);
    const s = results(dir);
    const a = accounting(s);
    expect(a.iterations).toBe(10); // failed iterations are iterations too
    expect(a.failedIterations).toBe(5);
    expect(a.interrupted).toBe(0);
    expect(a.requests).toBe(10);
    expect(s.errors).toEqual([{ kind: 'exception', message: 'odd order', location: `s.ts:${locate(text, 'new Error')}`, count: 5 }]);
  });

  it('exceptions with a distinct message each are all counted, in a bounded number of groups', async () => {
    const text = `import { scenario, burst } from 'rampart';
let n = 0;
export default scenario({
  name: 'distinct', target: ${JSON.stringify(target.url)},
  stages: [burst({ vus: 4, iterations: 1500 })],
  async iteration() { throw new Error('order ' + n++ + ' failed'); },
});
`;
    const { dir, res } = await runIn(text);
    expect(res.code, res.stderr).toBe(3); // every iteration threw: the run measured nothing (runner/verdict.ts)
    const s = results(dir);
    expect(accounting(s).failedIterations).toBe(1500);
    expect(s.verdict.message).toMatch(
      /^every iteration failed: order \d+ failed at s\.ts:\d+:\d+, all 1,500 iterations \(more than 500 distinct errors\)$/,
    );
    expect(s.errors.length).toBeLessThanOrEqual(501);
    expect(s.errors.reduce((sum: number, e: any) => sum + e.count, 0)).toBe(1500);
    expect(s.errors[0].message).toMatch(/^\(other messages: more than 500 distinct errors\)$/);
  });

  it('stray rejections, throwing timers and timers left running neither crash nor hang the run', async () => {
    const text = `import { scenario, soak } from 'rampart';
let armed = false;
export default scenario({
  name: 'stray', target: ${JSON.stringify(target.url)},
  stages: [soak({ vus: 2, for: '2s' })],
  async setup() { setInterval(() => {}, 1000); setTimeout(() => {}, 600_000); },
  async iteration(ctx) {
    await ctx.http.get('/');
    if (!armed) { armed = true; setInterval(() => {}, 1000); setTimeout(() => {}, 600_000); }
    if (ctx.iteration < 5) Promise.reject(new Error('stray rejection'));
    if (ctx.iteration === 3) setTimeout(() => { throw new Error('timer throw'); }, 5);
    await ctx.sleep('20ms');
  },
});
`;
    const { dir, res, elapsedMs } = await runIn(text);
    expect(res.signal).toBeNull(); // not killed by the harness
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.code, res.stderr).toBe(0);
    expect(elapsedMs).toBeLessThan(20_000); // a 2 s run; the 10-minute timers are not waited for
    const s = results(dir);
    const a = accounting(s);
    expect(a.iterations).toBe(a.requests);
    expect(a.failedIterations).toBe(0); // a stray rejection is not the iteration's outcome
    const byMessage = Object.fromEntries(s.errors.map((e: any) => [e.message, e]));
    expect(byMessage['unhandled rejection: stray rejection'].count).toBe(10); // 5 per VU
    expect(byMessage['unhandled rejection: stray rejection'].location).toBe(`s.ts:${locate(text, "new Error('stray")}`);
    expect(byMessage['uncaught exception: timer throw'].count).toBe(2);
  });

  it('a worker thread that dies (process.exit in an iteration) is reported; the other thread and the data so far are kept', async () => {
    const text = `import { scenario, soak } from 'rampart';
export default scenario({
  name: 'dies', target: ${JSON.stringify(target.url)},
  stages: [soak({ vus: 2, for: '3s' })],
  async iteration(ctx) {
    await ctx.http.get('/');
    await ctx.sleep('5ms');
    if (ctx.vu === 1 && ctx.iteration === 150) process.exit(3);
  },
});
`;
    const before = target.stats.requests;
    const { dir, res, elapsedMs } = await runIn(text, ['--workers', '2']);
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.code, res.stderr).toBe(107);
    expect(res.stderr).toMatch(/1 of 2 worker thread\(s\) died during the run/);
    expect(elapsedMs).toBeLessThan(20_000);
    const s = results(dir);
    expect(s.errors).toContainEqual({ kind: 'worker', message: 'a worker thread exited with code 3 before it finished', count: 1 });
    const a = accounting(s);
    const seen = target.stats.requests - before;
    // everything reported before the death is kept; at most the dead thread's last interval is lost
    expect(a.requests).toBeGreaterThan(150);
    expect(a.requests).toBeLessThanOrEqual(seen);
    // the iteration in flight on the dying thread may have its request reported, but it has no outcome
    expect(a.iterations).toBeLessThanOrEqual(a.requests);
    expect(a.requests - a.iterations).toBeLessThanOrEqual(1);
  });
});
