// Issue 10, "one of each helper" and folder rules: each named defect of a duplicated helper,
// checked through the one helper that replaces the copies.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNdjsonReporter } from '../reporters/ndjson.js';
import { rampart, readJson, workspace } from './support/cli.js';
import { formatDuration, parseDuration } from '../runner/duration.js';
import { request } from 'undici';
import { classifyError } from '../runner/http/errors.js';
import { Collector } from '../runner/metrics/collector.js';
import { tagSetKey } from '../runner/metrics/names.js';
import { createS3Helper } from '../runner/s3/client.js';
import { parseDuration as simulatorDuration, parseDurationRange } from '../simulator/options.js';

const root = join(import.meta.dirname, '..');

/** Every relative import of the .ts files below `folder` (recursively), as 'file: specifier'. */
function importsOf(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(join(root, rel), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) out.push(`${rel}: ${m[1]}`);
      }
    }
  };
  walk(folder);
  return out;
}

describe('one duration parser and formatter', () => {
  it('formats 119.6 s as 2m (seconds are rounded before minutes are split), not 1m60s', () => {
    expect(formatDuration(119_600)).toBe('2m');
    expect(formatDuration(3_599_700)).toBe('1h');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_661_000)).toBe('1h1m1s');
  });

  it('the simulator accepts 1m30s as scenarios do, and still refuses a bad duration in one line', () => {
    expect(simulatorDuration('1m30s')).toBe(90_000);
    expect(parseDurationRange('1m..1m30s')).toEqual([60_000, 90_000]);
    expect(simulatorDuration('.5s')).toBe(500);
    expect(simulatorDuration('500')).toBe(500);
    expect(() => simulatorDuration('5x')).toThrow(/^invalid duration "5x"/);
    for (const text of ['250ms', '30s', '2m', '1h', '1.5s', '1m30s']) expect(simulatorDuration(text)).toBe(parseDuration(text));
  });
});

describe('one network-error table', () => {
  // '.invalid' never resolves (RFC 2606): the resolver answers ENOTFOUND at once, no network needed
  const HOST = 'rampart-no-such-host.invalid';

  it('a name that does not resolve is a dns error for ctx.http and for ctx.s3 alike (S3 said connect)', async () => {
    const httpError = await request(`http://${HOST}:9/`).then(
      () => null,
      (err: unknown) => err,
    );
    expect(classifyError(httpError, undefined, 1000)).toMatchObject({ kind: 'dns', code: 'ENOTFOUND' });
    const s3 = createS3Helper(
      {
        endpoint: `http://${HOST}:9`,
        region: 'us-east-1',
        maxSockets: 1,
        timeoutMs: 5000,
        maxAttempts: 1,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret-key' },
      },
      new Collector(),
    );
    try {
      expect((await s3.put('bucket', 'k', 'x')).error).toMatchObject({ kind: 'dns', code: 'ENOTFOUND' });
    } finally {
      await s3.close();
    }
  });
});

describe('one secret mask', () => {
  it("the S3 credentials ctx.s3 resolves join the run's mask: a scenario that logs or names them leaks nothing", async () => {
    const creds = { AWS_ACCESS_KEY_ID: 'AKIDPLANTED7Q2X', AWS_SECRET_ACCESS_KEY: 'planted-s3-secret-3f9d' };
    const dir = workspace({
      's.ts': `import { scenario, burst, check, env } from 'rampart';
export default scenario({
  name: 's3-secrets',
  stages: [burst({ vus: 1, iterations: 2 })],
  async iteration(ctx) {
    const r = await ctx.s3.head('bucket', 'key');
    const secret = env('AWS_SECRET_ACCESS_KEY'), id = env('AWS_ACCESS_KEY_ID');
    ctx.log('s3 said', r.error?.kind, 'with', id, secret);
    check(r, { ['failed with ' + secret]: (res) => !res.ok });
  },
});
`,
    });
    const res = await rampart(['run', 's.ts', '--out', 'json=r.json'], {
      cwd: dir,
      timeoutMs: 30_000,
      env: { ...creds, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' },
    });
    const json = JSON.stringify(readJson(join(dir, 'r.json')));
    for (const text of [res.stdout, res.stderr, json]) {
      for (const value of Object.values(creds)) expect(text).not.toContain(value);
    }
    expect(res.stderr).toMatch(/s3 said connect with \*\*\* \*\*\*/);
    expect(json).toContain('failed with ***');
  });
});

describe('one atomic writer, with a streaming variant for ndjson', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const records = [
    { t: 1, name: 'a' },
    { t: 2, name: 'b' },
  ] as any[];

  it("the ndjson file is fsync'ed before it is renamed into place (the stream copy skipped it)", async () => {
    // the real FileHandle class, observed (not replaced): sync() still runs
    const probe = await open(join(mkdtempSync(join(tmpdir(), 'rampart-sync-')), 'probe'), 'w');
    const sync = vi.spyOn(Object.getPrototypeOf(probe), 'sync');
    await probe.close();
    const path = join(mkdtempSync(join(tmpdir(), 'rampart-ndjson-')), 'deeper', 'requests.ndjson');
    const reporter = createNdjsonReporter({ path });
    await reporter.onStart?.({} as any);
    reporter.onRecords?.(records);
    reporter.onRecords?.(records.slice(0, 1));
    expect(await reporter.onEnd?.({} as any)).toEqual([path]);
    expect(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).name),
    ).toEqual(['a', 'b', 'a']);
    expect(sync).toHaveBeenCalledTimes(1);
  });

  it('a write error mid-run does not crash the process: the report fails at the end with the file and the reason', async () => {
    // the final name fits (250 characters) but the temp file beside it cannot (ENAMETOOLONG), even as root
    const path = join(mkdtempSync(join(tmpdir(), 'rampart-ndjson-')), `${'r'.repeat(243)}.ndjson`);
    const reporter = createNdjsonReporter({ path });
    await reporter.onStart?.({} as any);
    reporter.onRecords?.(records);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the failed open has happened by now
    reporter.onRecords?.(records);
    await expect(reporter.onEnd?.({} as any)).rejects.toThrow(`cannot write ${path}: ENAMETOOLONG`);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });
});

describe('one tag-key encoder', () => {
  it('escapes : , and \\ so that no two tag sets share a key', () => {
    const sets: [string, string][][] = [
      [['a', 'x,b:y']],
      [
        ['a', 'x'],
        ['b', 'y'],
      ],
      [['a:x', 'y']],
      [['a', 'x:y']],
      [
        ['a', 'x\\'],
        ['b', 'y'],
      ],
      [['a', 'x\\,b:y']],
    ];
    expect(new Set(sets.map(tagSetKey)).size).toBe(sets.length);
    expect(
      tagSetKey([
        ['name', 'submit'],
        ['status', '200'],
      ]),
    ).toBe('name:submit,status:200');
  });

  it("custom metric tags whose values hold : and , count where they belong (they were added to the other set's metrics)", async () => {
    const dir = workspace({
      's.ts': `import { scenario, burst } from 'rampart';
export default scenario({
  name: 'tag-values',
  stages: [burst({ vus: 1, iterations: 1 })],
  async iteration(ctx) {
    const hits = ctx.metrics.counter('hits');
    hits.add(1, { a: 'x,b:y' });
    hits.add(10, { a: 'x', b: 'y' });
    hits.add(100, { a: 'x', b: 'y' });
  },
});
`,
    });
    const res = await rampart(['run', 's.ts', '--out', 'json=r.json'], { cwd: dir, timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    const metrics = readJson(join(dir, 'r.json')).metrics;
    expect(metrics.hits.count).toBe(111);
    expect(metrics['hits{a:x}'].count).toBe(110);
    expect(metrics['hits{b:y}'].count).toBe(110);
    expect(metrics['hits{a:x,b:y}'].count).toBe(1);
  });
});

describe('folder rules', () => {
  it('simulator/ imports nothing from runner/, reporters/ or scenarios/ (shared/ is for both)', () => {
    const bad = importsOf('simulator').filter((line) => /'?\.\.\/(runner|reporters|scenarios)\//.test(line.split(': ')[1]));
    expect(bad).toEqual([]);
  });

  it("reporters do not import another reporter's module (shared helpers live in hdr-curves.ts, summary-rows.ts)", () => {
    const reporterModules = /\/(console|csv|hdrlog|hgrm|json|junit|ndjson)\.js$/;
    const bad = importsOf('reporters').filter((line) => !line.startsWith('reporters/index.ts') && reporterModules.test(line.split(': ')[1]));
    expect(bad).toEqual([]);
  });

  it('shared/ imports nothing', () => {
    expect(importsOf('shared')).toEqual([]);
  });
});
