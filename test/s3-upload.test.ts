import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../runner/errors.js';
import { Collector } from '../runner/metrics/collector.js';
import { createS3Helper } from '../runner/s3/client.js';
import { checkUploadTarget, parseS3Url, uploadArtifacts, type UploadOptions } from '../runner/s3/upload.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';

const BUCKET = 'rampart-results';
let server: S3TestServer;
let dir: string;

beforeAll(async () => {
  server = await startS3Server([BUCKET]);
  dir = await mkdtemp(join(tmpdir(), 'rampart-upload-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const opts = (): UploadOptions => ({ endpoint: server.endpoint, region: 'us-east-1', credentials: server.credentials, timeoutMs: 5000 });

describe('parseS3Url', () => {
  it('accepts s3://bucket and s3://bucket/prefix, normalising slashes', () => {
    expect(parseS3Url('s3://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Url('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Url('s3://my.bucket.01/runs/2026-01-01/')).toEqual({ bucket: 'my.bucket.01', prefix: 'runs/2026-01-01' });
    expect(parseS3Url('s3://abc/a//b')).toEqual({ bucket: 'abc', prefix: 'a/b' });
  });

  it.each([
    ['http://bucket/prefix', /expected s3:\/\/bucket/],
    ['bucket/prefix', /expected s3:\/\/bucket/],
    ['s3:/bucket', /expected s3:\/\/bucket/],
    ['s3://', /bucket name is empty/],
    ['s3:///prefix', /bucket name is empty/],
    ['s3://My_Bucket/x', /not a valid bucket name/],
    ['s3://ab', /not a valid bucket name/],
    ['s3://-bucket', /not a valid bucket name/],
    ['s3://a..b', /not a valid bucket name/],
  ])('rejects %s with a one-line UsageError', (url, message) => {
    let caught: unknown;
    try {
      parseS3Url(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });
});

describe('uploadArtifacts', () => {
  it('uploads json, xml and html files under the prefix, byte-equal, with their content types', async () => {
    const files = {
      'results.json': JSON.stringify({ version: 1, metrics: { http_reqs: { count: 30 } } }, null, 2),
      'junit.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rampart" tests="1"/>\n',
      'report.html': '<!doctype html><title>rampart — run</title><p>ünïcode</p>\n',
    };
    const paths = await Promise.all(
      Object.entries(files).map(async ([name, text]) => {
        const path = join(dir, name);
        await writeFile(path, text);
        return path;
      }),
    );

    const report = await uploadArtifacts(paths, `s3://${BUCKET}/runs/42/`, opts());
    expect(report.failed).toEqual([]);
    expect(report.uploaded.map((u) => u.key).sort()).toEqual(['runs/42/junit.xml', 'runs/42/report.html', 'runs/42/results.json']);
    for (const u of report.uploaded) expect(u.bytes).toBe(Buffer.byteLength(files[u.key.slice('runs/42/'.length) as keyof typeof files]));

    const s3 = createS3Helper({ ...opts(), maxSockets: 2 }, new Collector());
    try {
      const expected: Record<string, string> = {
        'results.json': 'application/json',
        'junit.xml': 'application/xml',
        'report.html': 'text/html; charset=utf-8',
      };
      for (const [name, text] of Object.entries(files)) {
        const got = await s3.get(BUCKET, `runs/42/${name}`);
        expect(got.ok).toBe(true);
        expect(Buffer.from(got.body!).equals(Buffer.from(text))).toBe(true);
        expect(got.contentType).toBe(expected[name]);
      }
    } finally {
      await s3.close();
    }
  });

  it('reports unreadable files, clashing names and a missing bucket without throwing', async () => {
    const a = join(dir, 'summary.txt');
    await writeFile(a, 'ok\n');
    const report = await uploadArtifacts([a, join(dir, 'missing.csv'), join(dir, '..', 'summary.txt')], `s3://${BUCKET}`, opts());
    expect(report.uploaded).toEqual([{ file: a, key: 'summary.txt', bytes: 3 }]);
    expect(report.failed).toHaveLength(2);
    expect(report.failed[0].message).toMatch(/same key summary.txt/);
    expect(report.failed[1]).toMatchObject({ file: join(dir, 'missing.csv'), message: expect.stringMatching(/cannot read/) });

    const nowhere = await uploadArtifacts([a], 's3://no-such-bucket/x', opts());
    expect(nowhere.uploaded).toEqual([]);
    expect(nowhere.failed).toEqual([{ file: a, message: expect.stringMatching(/^s3:\/\/no-such-bucket\/x\/summary.txt: /) }]);
  });
});

describe('checkUploadTarget', () => {
  it('passes for an existing bucket', async () => {
    await expect(checkUploadTarget(`s3://${BUCKET}/runs`, opts())).resolves.toBeUndefined();
  });

  it('rejects a missing bucket with a clear one-line UsageError', async () => {
    const err = await checkUploadTarget('s3://no-such-bucket/runs', opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`--upload s3://no-such-bucket/runs: bucket 'no-such-bucket' does not exist at ${server.endpoint}`);
  });

  it('rejects an unreachable endpoint and bad credentials', async () => {
    const refused = await checkUploadTarget(`s3://${BUCKET}`, { ...opts(), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);

    const denied = await checkUploadTarget(`s3://${BUCKET}`, {
      ...opts(),
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-the-secret-0123456789' },
    }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(UsageError);
    expect((denied as Error).message).toMatch(/access to bucket 'rampart-results' was denied/);
    expect((denied as Error).message).not.toContain('not-the-secret');
  });
});
