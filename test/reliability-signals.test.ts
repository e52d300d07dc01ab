import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampart, workspace } from './support/cli.js';
import { startFaultTarget, type FaultTarget } from './support/fault-target.js';
import { accounting, errorsByKind, filesIn, limiter, results, STACK_LINE, waitUntil } from './support/reliability.js';
import { startTarget, type Target } from './support/target.js';

/**
 * Stopping a run: SIGINT/SIGTERM (graceful, then hard on the second signal), an abortOnFail
 * threshold, and abortTest() from scenario code. Every requested report must be complete.
 */

const run = limiter(2);
let target: Target;
let faults: FaultTarget;
beforeAll(async () => {
  [target, faults] = await Promise.all([startTarget(), startFaultTarget()]);
});
afterAll(async () => {
  await Promise.all([target?.close(), faults?.close()]);
});

const OUTS = ['--out', 'json=r.json', '--out', 'junit=r.xml', '--out', 'html=r.html', '--out', 'csv=r.csv'];

function scenario(url: string, fields: string, body: string): string {
  return `import { scenario, soak, abortTest } from 'rampart';
export default scenario({
  name: 'signals', target: ${JSON.stringify(url)},
  ${fields}
  async iteration(ctx) { ${body} },
});
`;
}

/** Runs the scenario; `whenLoaded` gets the child once `loaded()` holds. */
async function runUntil(text: string, loaded: () => boolean, whenLoaded?: (child: ChildProcess) => Promise<void>) {
  const dir = workspace({ 's.ts': text });
  let child!: ChildProcess;
  const t0 = Date.now();
  const res = await run(() => {
    const p = rampart(['run', 's.ts', '--quiet', ...OUTS], {
      cwd: dir,
      timeoutMs: 40_000,
      onSpawn: (c) => {
        child = c;
      },
    });
    if (whenLoaded)
      void waitUntil(loaded, 20_000, 'load')
        .then(() => whenLoaded(child))
        .catch(() => child.kill('SIGKILL'));
    return p;
  });
  return { dir, res, elapsedMs: Date.now() - t0 };
}

/** Every report is there, complete and parseable, and no temp file is left behind. */
function expectCompleteReports(dir: string) {
  const files = filesIn(dir);
  expect(files.filter((f) => f.name.endsWith('.tmp'))).toEqual([]);
  const s = results(dir);
  const xml = readFileSync(join(dir, 'r.xml'), 'utf8');
  expect(xml.trim()).toMatch(/^<\?xml[\s\S]*<\/testsuites>$/);
  expect(readFileSync(join(dir, 'r.html'), 'utf8').trim()).toMatch(/<\/html>$/i);
  expect(readFileSync(join(dir, 'r.csv'), 'utf8').split('\n').length).toBeGreaterThan(1);
  return s;
}

describe.concurrent('signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: load stops, in-flight requests finish, reports are complete and aborted, exit 105`, async () => {
      const path = signal === 'SIGINT' ? '/delay/300' : '/delay/301';
      const seen = () => target.stats.arrivals.filter((a) => a.path === path).length;
      const before = seen();
      const { dir, res, elapsedMs } = await runUntil(
        scenario(
          target.url,
          "stages: [soak({ vus: 4, for: '60s' })], gracefulStop: '10s',",
          `await ctx.http.get(${JSON.stringify(path)}, { name: 'slow' });`,
        ),
        () => seen() - before >= 8,
        async (child) => {
          child.kill(signal);
        },
      );
      expect(res.stderr).not.toMatch(STACK_LINE);
      expect(res.code, res.stderr).toBe(105);
      expect(elapsedMs).toBeLessThan(30_000);
      const s = expectCompleteReports(dir);
      expect(s.aborted).toBe(true);
      expect(s.exitCode).toBe(105);
      expect(s.abortReason).toMatch(/signal/);
      const a = accounting(s);
      // the in-flight requests finished within gracefulStop: nothing failed, nothing interrupted
      expect(a.interrupted).toBe(0);
      expect(a.failedTrues).toBe(0);
      expect(a.iterations).toBe(a.requests);
      expect(a.requests).toBeGreaterThanOrEqual(8);
      expect(seen() - before).toBe(a.requests); // every request the target saw is counted, once
    });
  }

  it('a second signal skips the graceful wait, and still leaves only complete files', async () => {
    const seen = () => faults.stats.byPath['/hang-after-headers'] ?? 0;
    const before = seen();
    const { dir, res, elapsedMs } = await runUntil(
      scenario(
        faults.url,
        "stages: [soak({ vus: 3, for: '60s' })], gracefulStop: '60s', http: { timeout: '60s' },",
        "await ctx.http.get('/hang-after-headers');",
      ),
      () => seen() - before >= 3,
      async (child) => {
        child.kill('SIGINT');
        await new Promise((resolve) => setTimeout(resolve, 700));
        child.kill('SIGINT');
      },
    );
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.code, res.stderr).toBe(105);
    expect(elapsedMs).toBeLessThan(30_000); // gracefulStop and the request timeout are 60 s
    const s = expectCompleteReports(dir);
    expect(s.aborted).toBe(true);
    const a = accounting(s);
    expect(a.interrupted).toBe(3);
    expect(a.iterations).toBe(0);
    expect(a.requests).toBe(3);
    expect(errorsByKind(s)).toEqual({ aborted: 3 });
  });

  it('a second signal also ends a setup() stuck on a hanging request', async () => {
    // (its own query: the test above hangs on the same route at the same time)
    const seen = () => faults.stats.byPath['/hang-after-headers?setup'] ?? 0;
    const before = seen();
    const { dir, res, elapsedMs } = await runUntil(
      scenario(
        faults.url,
        `stages: [soak({ vus: 1, for: '5s' })], http: { timeout: '60s' },
  async setup(ctx) { await ctx.http.get('/hang-after-headers?setup'); return {}; },`,
        "await ctx.http.get('/ok');",
      ),
      () => seen() - before >= 1,
      async (child) => {
        child.kill('SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 700));
        child.kill('SIGTERM');
      },
    );
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.code, res.stderr).toBe(105);
    expect(elapsedMs).toBeLessThan(30_000); // the setup request's timeout is 60 s
    const s = expectCompleteReports(dir);
    expect(s.aborted).toBe(true);
    expect(accounting(s).iterations).toBe(0); // the load never started
  });

  it('an abortOnFail threshold stops the run early: exit 99, aborted', async () => {
    const { dir, res, elapsedMs } = await runUntil(
      scenario(
        target.url,
        "stages: [soak({ vus: 2, for: '60s' })], thresholds: { http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true }] },",
        "await ctx.http.get('/status/500'); await ctx.sleep('20ms');",
      ),
      () => true,
    );
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.code, res.stderr).toBe(99);
    expect(elapsedMs).toBeLessThan(30_000);
    const s = expectCompleteReports(dir);
    expect(s.aborted).toBe(true);
    expect(s.abortReason).toMatch(/threshold/);
    expect(s.thresholds.http_req_failed[0].ok).toBe(false);
  });

  it('abortTest() from the scenario: exit 105, the reason in abortReason', async () => {
    const { dir, res } = await runUntil(
      scenario(
        target.url,
        "stages: [soak({ vus: 2, for: '60s' })],",
        "await ctx.http.get('/'); if (ctx.iteration >= 3) abortTest('enough of this target');",
      ),
      () => true,
    );
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.code, res.stderr).toBe(105);
    const s = expectCompleteReports(dir);
    expect(s.aborted).toBe(true);
    expect(s.abortReason).toMatch(/enough of this target/);
    const a = accounting(s);
    expect(a.failedIterations).toBe(0); // the aborting iteration is no failure
    expect(a.iterations + a.interrupted).toBeGreaterThanOrEqual(8);
  });
});
