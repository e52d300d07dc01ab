import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { rampart, readJson, workspace } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const scenario = (path: string, stages = 'burst({ vus: 4, iterations: 40 })') => `import { scenario, burst, soak, check } from 'rampart';
export default scenario({
  name: 'reports',
  target: process.env.TARGET,
  stages: [${stages}],
  thresholds: { http_req_duration: ['p(95)<5000'] },
  async iteration(ctx) {
    const res = await ctx.http.get('${path}');
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
`;

describe('outputs through the CLI', () => {
  it('ndjson: one line per request with timing, status, VU and iteration', async () => {
    const dir = workspace({ 's.ts': scenario('/') });
    const { code } = await rampart(['run', 's.ts', '-q', '--out', 'ndjson=req.ndjson', '--out', 'json=r.json'], {
      cwd: dir,
      env: { TARGET: target.url },
    });
    expect(code).toBe(0);
    const lines = readFileSync(join(dir, 'req.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(readJson(join(dir, 'r.json')).metrics.http_reqs.count);
    expect(lines[0]).toMatchObject({ status: 200, error: null, attempt: 1, method: 'GET', name: '/', intended: null });
    expect(new Set(lines.map((l) => l.vu)).size).toBe(4);
    expect(lines.every((l) => typeof l.t === 'number' && l.duration >= 0)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('hgrm, hdrlog and csv are written and read back to the same counts', async () => {
    const dir = workspace({ 's.ts': scenario('/', "soak({ vus: 2, for: '1500ms' })") });
    await rampart(['run', 's.ts', '-q', '--out', 'json=r.json', '--out', 'hgrm=r.hgrm', '--out', 'hdrlog=r.hlog', '--out', 'csv=r.csv'], {
      cwd: dir,
      env: { TARGET: target.url },
    });
    const count = readJson(join(dir, 'r.json')).metrics.http_reqs.count;
    expect(readFileSync(join(dir, 'r.hgrm'), 'utf8')).toMatch(new RegExp(`Total count\\s*=\\s*${count}`));
    const reader = new hdr.HistogramLogReader(readFileSync(join(dir, 'r.hlog'), 'utf8'));
    let total = 0;
    for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) total += h.totalCount;
    expect(total).toBe(count);
    expect(readFileSync(join(dir, 'r.csv'), 'utf8').split('\n')[0]).toMatch(/^t,vus,inFlight,rps/);
  });

  it('a user reporter file is bundled, loaded and called', async () => {
    const reporter = `import type { Reporter } from '${process.cwd()}/reporters/reporter.ts';
import { writeFileSync } from 'node:fs';
const calls: string[] = [];
export default (options: { path?: string }): Reporter => ({
  name: 'mine',
  onStart: (info) => { calls.push('start:' + info.scenario.name); },
  onInterval: () => { calls.push('interval'); },
  onEnd: (summary) => { calls.push('end:' + summary.metrics.http_reqs.type); writeFileSync(options.path!, calls.join('\\n')); return [options.path!]; },
});
`;
    const dir = workspace({ 's.ts': scenario('/', "soak({ vus: 1, for: '1200ms' })"), 'mine.ts': reporter });
    const { code, stderr } = await rampart(['run', 's.ts', '-q', '--out', './mine.ts=mine.txt'], { cwd: dir, env: { TARGET: target.url } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const calls = readFileSync(join(dir, 'mine.txt'), 'utf8').split('\n');
    expect(calls[0]).toBe('start:reports');
    expect(calls).toContain('interval');
    expect(calls.at(-1)).toBe('end:counter');
  });

  it('rampart report re-renders a saved results file with other reporters', async () => {
    const dir = workspace({ 's.ts': scenario('/') });
    await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: target.url } });
    const { code } = await rampart(['report', 'r.json', '--out', 'junit=r.xml', '--out', 'html=r.html'], { cwd: dir });
    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toMatch(/<testcase[^>]+name="http_req_duration p\(95\)&lt;5000"/);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/<html/);
    const printed = await rampart(['report', 'r.json'], { cwd: dir });
    expect(printed.stdout).toMatch(/http_req_duration/);
    const bad = await rampart(['report', 'nope.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nope\.json/);
  });
});

describe('comparison of runs', () => {
  it('flags a real difference between a fast and a slow server, and none between two runs of the same one', async () => {
    const slow = await startTarget(7);
    const sameA = await startTarget(3);
    const sameB = await startTarget(3);
    try {
      const dir = workspace({ 's.ts': scenario('/jitter/10/30', 'burst({ vus: 5, iterations: 80 })') });
      const runOn = (t: Target, out: string) => rampart(['run', 's.ts', '-q', '--out', `json=${out}`], { cwd: dir, env: { TARGET: t.url } });
      await runOn(target, 'fast.json');
      const slowDir = workspace({ 's.ts': scenario('/jitter/40/60', 'burst({ vus: 5, iterations: 80 })') });
      await rampart(['run', 's.ts', '-q', '--out', `json=${join(dir, 'slow.json')}`], { cwd: slowDir, env: { TARGET: slow.url } });
      await runOn(sameA, 'a.json');
      await runOn(sameB, 'b.json');
      const different = await rampart(['compare', 'fast.json', 'slow.json', '--out', 'json=d.json'], { cwd: dir });
      expect(different.code).toBe(0);
      const d = readJson(join(dir, 'd.json'));
      expect(d.differences[0].latency.p50.significant).toBe(true);
      expect(d.differences[0].latency.p90.significant).toBe(true);
      const same = await rampart(['compare', 'a.json', 'b.json', '--out', 'json=s.json'], { cwd: dir });
      const s = readJson(join(dir, 's.json'));
      expect(same.stdout).toMatch(/not significant/);
      expect(s.differences[0].latency.p50.significant).toBe(false);
      expect(s.differences[0].success.significant).toBe(false);
    } finally {
      await Promise.all([slow.close(), sameA.close(), sameB.close()]);
    }
  });

  it('run --profile a --profile b runs both and ends with their comparison', async () => {
    const src = `import { scenario, burst } from 'rampart';
export default scenario({ name: 'two', target: process.env.TARGET,
  profiles: { burst: [burst({ vus: 6, iterations: 24 })], gentle: [burst({ vus: 2, iterations: 24 })] },
  async iteration(ctx) { await ctx.http.get('/delay/20'); } });`;
    const dir = workspace({ 's.ts': src });
    const { code, stdout } = await rampart(
      ['run', 's.ts', '-q', '--profile', 'burst', '--profile', 'gentle', '--out', 'json=r.json', '--compare-out', 'html=cmp.html'],
      { cwd: dir, env: { TARGET: target.url } },
    );
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'r.burst.json'))).toBe(true);
    expect(existsSync(join(dir, 'r.gentle.json'))).toBe(true);
    expect(readJson(join(dir, 'r.gentle.json')).scenario.profile).toBe('gentle');
    expect(stdout).toMatch(/comparison of profiles burst vs gentle/);
    expect(readFileSync(join(dir, 'cmp.html'), 'utf8')).toMatch(/gentle/);
  });
});

describe('artifact upload', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server(['artifacts']);
  });
  afterAll(async () => {
    await s3.close();
  });

  it('--upload puts every file the run wrote into S3; a missing bucket fails before any load', async () => {
    const env = {
      TARGET: target.url,
      AWS_ENDPOINT_URL: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    };
    const dir = workspace({ 's.ts': scenario('/') });
    const { code, stderr } = await rampart(
      ['run', 's.ts', '-q', '--out', 'json=r.json', '--out', 'junit=r.xml', '--out', 'html=r.html', '--upload', 's3://artifacts/ci/run-1'],
      { cwd: dir, env },
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/uploaded 3 file\(s\) to s3:\/\/artifacts\/ci\/run-1\//);
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'ci/run-1/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(['ci/run-1/r.html', 'ci/run-1/r.json', 'ci/run-1/r.xml']);
    const json = await client.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'ci/run-1/r.json' }));
    expect(await json.Body!.transformToString()).toBe(readFileSync(join(dir, 'r.json'), 'utf8'));
    client.destroy();
    target.reset();
    const missing = await rampart(['run', 's.ts', '-q', '--upload', 's3://no-such-bucket/x'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-bucket/);
    expect(target.stats.requests).toBe(0);
  });
});
