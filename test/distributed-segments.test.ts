/**
 * An 8-pod Indexed Job on this machine: 8 rampart processes with JOB_COMPLETION_INDEX=0..7,
 * s3rver as the run store, one target that counts what it receives; then `rampart merge`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clampedPercentileUs, createHistogram, msToUs } from '../runner/metrics/hdr.js';
import { rampart, readJson, workspace, type CliResult } from './support/cli.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';
import { startTarget, type Target } from './support/target.js';

const BUCKET = 'rampart-runs';
let s3: S3TestServer;
let target: Target;
let dir: string;
let runs = 0;

beforeAll(async () => {
  [s3, target] = await Promise.all([startS3Server([BUCKET]), startTarget()]);
  dir = workspace({
    'burst.ts': `import { scenario, burst } from 'rampart';
export default scenario({
  name: 'burst', target: '${target.url}',
  stages: [burst({ vus: 8, iterations: 100 })],
  // every segment alone sends about 12 requests and passes; the 100 of the run do not
  thresholds: { http_reqs: ['count<50'] },
  async iteration(ctx) { await ctx.http.get('/jitter/1/20'); },
});
`,
    'soak.ts': `import { scenario, soak } from 'rampart';
export default scenario({
  name: 'soak', target: '${target.url}',
  stages: [soak({ rate: 40, for: '20s', maxVUs: 400 })], // room for a busy machine's stalls: nothing dropped
  async iteration(ctx) { await ctx.http.get('/'); },
});
`,
    'abort.ts': `import { scenario, soak } from 'rampart';
export default scenario({
  name: 'abort', target: '${target.url}',
  stages: [soak({ vus: 4, for: '30s' })],
  thresholds: { http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '1s' }] },
  async iteration(ctx) {
    // only the first pod's requests fail
    await ctx.http.get(ctx.env.JOB_COMPLETION_INDEX === '0' ? '/status/500' : '/');
    await ctx.sleep('100ms');
  },
});
`,
  });
});
afterAll(async () => {
  await Promise.all([s3?.close(), target?.close()]);
});

const s3Env = () => ({
  AWS_ENDPOINT_URL_S3: s3.endpoint,
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  AWS_REGION: 'us-east-1',
});

/** An object of the test bucket, as text. */
async function getObject(key: string): Promise<string> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: s3.credentials, forcePathStyle: true });
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await out.Body!.transformToString();
  } finally {
    client.destroy();
  }
}

/** A segment's results file, as the store holds it. */
async function storedResults(store: string, i: number): Promise<any> {
  return JSON.parse(await getObject(`${store.replace(`s3://${BUCKET}/`, '')}/results/${i}.json`));
}

/** n pods of an Indexed Job: the same command, JOB_COMPLETION_INDEX=0..n-1. */
async function indexedJob(scenario: string, n: number, extra: (i: number) => string[] = () => []): Promise<{ store: string; pods: CliResult[] }> {
  const store = `s3://${BUCKET}/runs/run-${++runs}`;
  const pods = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      rampart(['run', scenario, '--segments', String(n), '--store', store, '-q', '--interval', '250ms', '--barrier-timeout', '60s', ...extra(i)], {
        cwd: dir,
        env: { ...s3Env(), JOB_COMPLETION_INDEX: String(i) },
        timeoutMs: 90_000,
      }),
    ),
  );
  return { store, pods };
}

describe('an Indexed Job of 8 segments with an S3 run store', () => {
  it('a shared-iterations burst of 100 sends exactly 100; merge is exact and judges the thresholds over the whole run (exit 99)', async () => {
    target.reset();
    const { store, pods } = await indexedJob('burst.ts', 8, (i) => ['--out', `ndjson=requests-${i}.ndjson`]);
    for (const pod of pods) expect(pod.stderr, pod.stderr).not.toMatch(/internal error/);
    // every segment alone passes its count threshold
    expect(
      pods.map((p) => p.code),
      pods.map((p) => p.stderr).join('\n'),
    ).toEqual(Array(8).fill(0));
    expect(target.stats.requests).toBe(100);

    const merged = await rampart(
      [
        'merge',
        store,
        '--out',
        'json=merged.json',
        '--out',
        'junit=merged.xml',
        '--out',
        'html=merged.html',
        '--upload',
        `s3://${BUCKET}/merged/burst`,
      ],
      { cwd: dir, env: s3Env() },
    );
    expect(merged.code, merged.stderr).toBe(99);
    expect(merged.stderr).toMatch(/uploaded 3 file\(s\)/);
    expect(JSON.parse(await getObject('merged/burst/merged.json')).metrics.http_reqs.count).toBe(100);
    const summary = readJson(join(dir, 'merged.json'));
    expect(summary.metrics.http_reqs.count).toBe(target.stats.requests);
    expect(summary.metrics.iterations.count).toBe(100);
    expect(summary.thresholds.http_reqs[0]).toMatchObject({ ok: false, actual: 100 });
    expect(summary.meta.workers).toBe(8);
    const junit = readFileSync(join(dir, 'merged.xml'), 'utf8');
    expect(junit).toMatch(/<testcase name="http_reqs count&lt;50"[^>]*>\s*<failure/);

    // merged percentiles are those of one histogram holding every request of every segment
    const one = createHistogram();
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 8; i++) {
      const seg = await storedResults(store, i);
      expect(seg.distributed).toMatchObject({ segment: i, segments: 8, scenarioHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const lines = readFileSync(join(dir, `requests-${i}.ndjson`), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean);
      expect(lines.length).toBe(seg.metrics.http_reqs.count);
      for (const line of lines) {
        const us = msToUs((JSON.parse(line) as { duration: number }).duration);
        one.recordValue(us);
        min = Math.min(min, us);
        max = Math.max(max, us);
      }
    }
    expect(one.totalCount).toBe(100);
    const d = summary.metrics.http_req_duration;
    for (const [p, key] of [
      [50, 'med'],
      [90, 'p90'],
      [95, 'p95'],
      [99, 'p99'],
    ] as const) {
      expect(d[key]).toBe(Math.round(clampedPercentileUs(one, p, min, max)) / 1000);
    }
    expect(d.min).toBe(min / 1000);
    expect(d.max).toBe(max / 1000);
  }, 120_000);

  it('an open soak at 40 it/s: the merged rate is 40/s within 2%, and http_reqs is what the target counted', async () => {
    target.reset();
    const { store, pods } = await indexedJob('soak.ts', 8);
    expect(
      pods.map((p) => p.code),
      pods.map((p) => p.stderr).join('\n'),
    ).toEqual(Array(8).fill(0));
    const merged = await rampart(['merge', store, '--out', 'json=soak.json', '-q'], { cwd: dir, env: s3Env() });
    expect(merged.code, merged.stderr).toBe(0);
    const summary = readJson(join(dir, 'soak.json'));
    expect(summary.metrics.http_reqs.count).toBe(target.stats.requests);
    const segs = await Promise.all(Array.from({ length: 8 }, (_, i) => storedResults(store, i)));
    const detail = segs
      .map(
        (x) =>
          `${x.metrics.http_reqs?.count} reqs, ${x.distributed.startLateMs}ms late, ${x.durationMs}ms ${JSON.stringify(x.metrics.dropped_iterations ?? null)}`,
      )
      .join('; ');
    expect(summary.metrics.http_reqs.count, detail).toBe(800); // arrivals k/40 s for k < 800
    expect(summary.metrics.dropped_iterations).toBeUndefined();
    // the run is one run's: from the common start to the end of the last segment's load
    expect(summary.startedAt).toBe(segs[0].distributed.startAt);
    const ends = segs.map((x) => x.distributed.startLateMs + x.durationMs);
    expect(summary.durationMs).toBeCloseTo(Math.max(...ends), 0);
    // the rate is count over that run: 40/s within 2% (20 s, so that a busy machine's last response
    // and drain, 100-200 ms here, stay well inside the 400 ms that 2% allows)
    expect(summary.metrics.http_reqs.rate).toBeCloseTo(800 / (summary.durationMs / 1000), 2);
    expect(Math.abs(summary.metrics.http_reqs.rate - 40) / 40, `${summary.durationMs} ms: ${detail}`).toBeLessThan(0.02);
    // the timeline is one run's: points in order, their requests adding up to the run's
    const ts = summary.timeline.map((p: { t: number }) => p.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(summary.timeline.reduce((s: number, p: { iterations: number }) => s + p.iterations, 0)).toBe(800);
  }, 120_000);

  it('abortOnFail in one segment stops the others within 5 s; merge says aborted, 105', async () => {
    target.reset();
    const { store, pods } = await indexedJob('abort.ts', 4);
    expect(pods[0].code, pods.map((p) => p.stderr).join('\n')).toBe(99);
    for (const pod of pods.slice(1)) expect(pod.code, pod.stderr).toBe(105);
    const merged = await rampart(['merge', store, '--out', 'json=abort.json', '-q'], { cwd: dir, env: s3Env() });
    expect(merged.code, merged.stderr).toBe(105);
    const summary = readJson(join(dir, 'abort.json'));
    expect(summary.aborted).toBe(true);
    expect(summary.abortReason).toMatch(/^segment 1\/4: threshold/);
    // the others' loads ended within 5 s of the first one's (the plan asked for 30 s)
    const ends = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const seg = await storedResults(store, i);
        return { end: Date.parse(seg.startedAt) + seg.durationMs, reason: seg.abortReason };
      }),
    );
    for (const e of ends.slice(1)) {
      expect(e.reason).toMatch(/^store: segment 1\/4 aborted \(threshold\)/);
      expect(e.end - ends[0].end).toBeLessThan(5000);
    }
    expect(summary.durationMs).toBeLessThan(15_000);
  }, 120_000);
});
