/**
 * What goes wrong in a distributed run says so in one line, with its exit code, and overwrites
 * nothing: segments of two scenarios, a missing segment, a segment run twice, an unreachable
 * store, a segment that never reaches the barrier. Folder stores (and a closed port for S3).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetShareOf, shareOf } from '../runner/plan/segment.js';
import { globalThread, resolveSegment } from '../runner/distributed/segment-source.js';
import { rampart, readJson, workspace } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';

let target: Target;
let dir: string;
const past = '2020-01-01T00:00:00Z'; // --start-at in the past: start at once, no barrier

const oneLine = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('rampart:'));

beforeAll(async () => {
  target = await startTarget();
  const file = (name: string, iterations: number) => `import { scenario, burst } from 'rampart';
export default scenario({
  name: '${name}', target: '${target.url}',
  stages: [burst({ vus: 2, iterations: ${iterations} })],
  async iteration(ctx) { await ctx.http.get('/'); },
});
`;
  dir = workspace({
    'a.ts': file('a', 10),
    'b.ts': file('b', 12),
    'workloads.ts': `import { scenario, burst } from 'rampart';
export default scenario({
  name: 'two workloads', target: '${target.url}',
  workloads: {
    reads: { stages: [burst({ vus: 2, iterations: 17 })], async iteration(ctx) { await ctx.http.get('/json'); } },
    writes: { stages: [burst({ iterations: 11, maxVUs: 4 })], async iteration(ctx) { await ctx.http.get('/'); } },
  },
});
`,
    'fails.ts': `if (process.env.FAIL_HERE) throw new Error('cannot load here');\n${file('fails', 4)}`,
  });
});
afterAll(async () => {
  await target?.close();
});

describe('the split across segments and threads', () => {
  it('segment s of n with T threads each: the threads add up to the segment, the segments to the whole', () => {
    for (const total of [0, 1, 7, 100, 1001]) {
      for (const n of [1, 3, 8]) {
        for (const T of [1, 2, 3]) {
          const perSegment = Array.from({ length: n }, (_, s) =>
            Array.from({ length: T }, (_, t) => {
              const g = globalThread({ index: s, count: n }, t, T);
              return shareOf(total, g.thread, g.threads);
            }).reduce((a, b) => a + b, 0),
          );
          expect(perSegment).toEqual(Array.from({ length: n }, (_, s) => shareOf(total, s, n)));
        }
      }
    }
  });

  it('a shared budget goes only to parts with a VU, and all of it', () => {
    for (const budget of [0, 1, 12, 100]) {
      for (const vus of [1, 2, 5, 9]) {
        for (const n of [1, 4, 8, 16]) {
          const parts = Array.from({ length: n }, (_, i) => ({ vus: shareOf(vus, i, n), budget: budgetShareOf(budget, vus, i, n) }));
          expect(parts.reduce((s, p) => s + p.budget, 0)).toBe(budget);
          for (const p of parts) if (p.vus === 0) expect(p.budget).toBe(0);
        }
      }
    }
  });

  it('the index from the environment', () => {
    expect(resolveSegment({ segments: 8 }, { JOB_COMPLETION_INDEX: '7' })).toEqual({ index: 7, count: 8 });
    expect(resolveSegment({}, { JOB_COMPLETION_INDEX: '0', RAMPART_SEGMENTS: '4' })).toEqual({ index: 0, count: 4 });
    expect(resolveSegment({}, { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '5' })).toEqual({ index: 2, count: 5 });
    expect(resolveSegment({ segments: 2 }, { AWS_BATCH_JOB_ARRAY_INDEX: '1' })).toEqual({ index: 1, count: 2 });
    expect(resolveSegment({ segment: '2/8' }, {})).toEqual({ index: 1, count: 8 });
    expect(resolveSegment({}, {})).toBeUndefined();
    expect(() => resolveSegment({ segments: 8 }, { JOB_COMPLETION_INDEX: '8' })).toThrow(/outside 0\.\.7/);
    expect(() => resolveSegment({ segment: '9/8' }, {})).toThrow(/expected I\/N/);
  });
});

describe('distributed runs: mistakes', () => {
  it('a missing segment, segments of two scenarios, a segment run twice: named, exit 4 or 2, nothing overwritten', async () => {
    const seg = (scenario: string, i: number, store: string) =>
      rampart(['run', scenario, '--segment', `${i}/2`, '--store', store, '--start-at', past, '-q'], { cwd: dir });
    target.reset();
    const [a1, b2] = await Promise.all([seg('a.ts', 1, 'store-a'), seg('b.ts', 2, 'store-b')]);
    expect([a1.code, b2.code], a1.stderr + b2.stderr).toEqual([0, 0]);
    expect(target.stats.requests).toBe(5 + 6); // each its own half: 10 → 5, 12 → 6

    writeFileSync(join(dir, 'merged.json'), 'before');
    const missing = await rampart(['merge', 'store-a', '--out', 'json=merged.json'], { cwd: dir });
    expect(missing.code).toBe(4);
    expect(oneLine(missing.stderr)).toEqual([expect.stringMatching(/segment\(s\) 2\/2 of 2 missing/)]);

    const mixed = await rampart(['merge', 'store-a/results/0.json', 'store-b/results/1.json', '--out', 'json=merged.json'], { cwd: dir });
    expect(mixed.code).toBe(4);
    expect(oneLine(mixed.stderr)).toEqual([expect.stringMatching(/different scenarios.*1\/2 \(a\.ts.*vs 2\/2 \(b\.ts/)]);
    expect(readFileSync(join(dir, 'merged.json'), 'utf8')).toBe('before');

    const before = readFileSync(join(dir, 'store-a/results/0.json'), 'utf8');
    target.reset();
    const again = await seg('a.ts', 1, 'store-a');
    expect(again.code).toBe(2);
    expect(oneLine(again.stderr)).toEqual([expect.stringMatching(/segment 1\/2 already ran there .*own RUN_ID/)]);
    expect(readFileSync(join(dir, 'store-a/results/0.json'), 'utf8')).toBe(before);
    expect(target.stats.requests).toBe(0);

    // the missing half, then the merge is whole: 10 requests, as one run of a.ts would send
    expect((await seg('a.ts', 2, 'store-a')).code).toBe(0);
    const whole = await rampart(['merge', 'store-a', '--out', 'json=merged.json', '-q'], { cwd: dir });
    expect(whole.code, whole.stderr).toBe(0);
    expect(readJson(join(dir, 'merged.json')).metrics.http_reqs.count).toBe(10);
  }, 90_000);

  it('three segments split every workload exactly; merge keeps them apart', async () => {
    target.reset();
    const runs = await Promise.all(
      [1, 2, 3].map((i) => rampart(['run', 'workloads.ts', '--segment', `${i}/3`, '--store', 'store-w', '-q'], { cwd: dir })),
    );
    expect(
      runs.map((r) => r.code),
      runs.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0, 0]);
    // the open burst's 11 arrivals come at once to maxVUs 4 (1 + 1 + 2): 4 run and 7 are dropped, as in one process
    expect(target.stats.byPath).toEqual({ '/json': 17, '/': 4 });
    const merged = await rampart(['merge', 'store-w', '--out', 'json=workloads.json', '-q'], { cwd: dir });
    expect(merged.code, merged.stderr).toBe(0);
    const m = readJson(join(dir, 'workloads.json')).metrics;
    expect([m['http_reqs{workload:reads}'].count, m['http_reqs{workload:writes}'].count, m.http_reqs.count]).toEqual([17, 4, 21]);
    expect(m['dropped_iterations{workload:writes}'].count).toBe(7);
  }, 60_000);

  it('an unreachable S3 store: one line, exit 2, before any load', async () => {
    target.reset();
    const env = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'very-secret-value' };
    const run = await rampart(['run', 'a.ts', '--segment', '1/2', '--store', 's3://runs/r1', '-q'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toEqual([expect.stringMatching(/store s3:\/\/runs\/r1: cannot reach http:\/\/127\.0\.0\.1:1/)]);
    expect(run.stderr).not.toContain('very-secret-value');
    expect(target.stats.requests).toBe(0);
    const merge = await rampart(['merge', 's3://runs/r1'], { cwd: dir, env });
    expect(merge.code).toBe(2);
    expect(oneLine(merge.stderr)).toHaveLength(1);
  }, 60_000);

  it('a segment that never arrives ends the barrier after --barrier-timeout, naming it (exit 4)', async () => {
    target.reset();
    const run = await rampart(['run', 'a.ts', '--segment', '1/3', '--store', 'store-c', '--barrier-timeout', '1s', '-q'], { cwd: dir });
    expect(run.code).toBe(4);
    expect(oneLine(run.stderr)).toEqual([expect.stringMatching(/barrier: segment\(s\) 2\/3, 3\/3 did not arrive .* within --barrier-timeout 1s/)]);
    expect(target.stats.requests).toBe(0);
  }, 60_000);

  it('a segment that fails before its load sets the others free of the barrier (exit 105), not after --barrier-timeout', async () => {
    target.reset();
    const args = (i: number) => ['run', 'fails.ts', '--segment', `${i}/2`, '--store', 'store-f', '--barrier-timeout', '60s', '-q'];
    const started = Date.now();
    const [bad, good] = await Promise.all([rampart(args(1), { cwd: dir, env: { FAIL_HERE: '1' } }), rampart(args(2), { cwd: dir })]);
    expect(bad.code).toBe(107);
    expect(good.code).toBe(105);
    expect(oneLine(good.stderr)).toEqual([expect.stringMatching(/segment 1\/2 aborted \(failed: .*cannot load here\) before the load started/)]);
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(target.stats.requests).toBe(0);
  }, 60_000);

  it('Ctrl-C while waiting at the barrier ends the wait (exit 105) and tells the other segments', async () => {
    target.reset();
    const started = Date.now();
    const run = await rampart(['run', 'a.ts', '--segment', '1/2', '--store', 'store-g', '--barrier-timeout', '60s', '-q'], {
      cwd: dir,
      onSpawn: (child) => {
        setTimeout(() => child.kill('SIGINT'), 4000);
      },
    });
    expect(run.code, run.stderr).toBe(105);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(readJson(join(dir, 'store-g/abort.json'))).toMatchObject({ segment: 0, reason: 'signal' });
    expect(target.stats.requests).toBe(0);
  }, 60_000);

  it('the index from the engine: JOB_COMPLETION_INDEX needs --segments; CI_NODE_INDEX counts from 1; inspect shows a share', async () => {
    const noCount = await rampart(['inspect', 'a.ts'], { cwd: dir, env: {} });
    expect(noCount.code).toBe(0);
    const bad = await rampart(['run', 'a.ts', '-q'], { cwd: dir, env: { JOB_COMPLETION_INDEX: '1' } });
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toEqual([expect.stringMatching(/JOB_COMPLETION_INDEX is set: .*--segments N/)]);
    const out = await rampart(['inspect', 'b.ts', '--segment', '2/5'], { cwd: dir });
    expect(out.stdout).toMatch(/segment 2\/5's share/);
    // 2 VUs over 5 segments: 0,0,1,0,1; the 12 iterations go to the two with a VU, never to one without
    expect(out.stdout).toMatch(/stage 0: 0 VUs, 0 iterations/);
    const shares = await Promise.all(
      [1, 2, 3, 4, 5].map(
        async (i) => JSON.parse((await rampart(['inspect', 'b.ts', '--segment', `${i}/5`, '--json'], { cwd: dir })).stdout).segment.steps[0],
      ),
    );
    expect(shares.map((s) => [s.vus[0], s.iterations])).toEqual([
      [0, 0],
      [0, 0],
      [1, 6],
      [0, 0],
      [1, 6],
    ]);
  }, 60_000);
});
