import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Helper, type S3Helper, type S3HelperOptions } from '../runner/s3/client.js';
import { Collector } from '../runner/metrics/collector.js';
import type { CounterMetric, RateMetric, TrendMetric } from '../runner/metrics/metric.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';

const BUCKET = 'inputs';
let server: S3TestServer;

beforeAll(async () => {
  server = await startS3Server([BUCKET, 'other']);
});
afterAll(async () => {
  await server?.close();
});

function options(extra: Partial<S3HelperOptions> = {}): S3HelperOptions {
  return { endpoint: server.endpoint, region: 'us-east-1', credentials: server.credentials, maxSockets: 20, timeoutMs: 5000, ...extra };
}

/** The metrics by key, as the main thread sees them (a thread's collector records series). */
function keyed(c: Collector): Collector {
  const view = new Collector();
  view.absorb(c);
  return view;
}

async function withHelper<T>(opts: Partial<S3HelperOptions>, fn: (s3: S3Helper, c: Collector) => Promise<T>): Promise<T> {
  const collector = new Collector();
  const s3 = createS3Helper(options(opts), collector);
  try {
    return await fn(s3, collector);
  } finally {
    await s3.close();
  }
}

/** Runs `total` calls of `task`, at most `concurrency` at a time (a closed model, like VUs). */
async function closedLoop(concurrency: number, total: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

describe('S3 helper round trip', () => {
  it('puts, gets the same bytes, heads, deletes, and reports the missing key as not-found', async () => {
    await withHelper({}, async (s3) => {
      const bytes = new Uint8Array(4096).map((_, i) => (i * 31) % 256);
      const put = await s3.put(BUCKET, 'round/trip.bin', bytes, { contentType: 'application/x-test' });
      expect(put).toMatchObject({ ok: true, op: 'put', status: 200, bucket: BUCKET, key: 'round/trip.bin' });
      expect(put.etag).toBeTruthy();

      const got = await s3.get(BUCKET, 'round/trip.bin');
      expect(got.ok).toBe(true);
      expect(got.contentType).toBe('application/x-test');
      expect(Buffer.from(got.body!).equals(Buffer.from(bytes))).toBe(true);

      const text = await s3.put(BUCKET, 'round/hello.json', '{"hello":"wörld"}');
      expect(text.ok).toBe(true);
      const gotText = await s3.get(BUCKET, 'round/hello.json');
      expect(gotText.text()).toBe('{"hello":"wörld"}');
      expect(gotText.contentType).toBe('application/json'); // from the key's extension

      const head = await s3.head(BUCKET, 'round/trip.bin');
      expect(head).toMatchObject({ ok: true, contentLength: 4096, contentType: 'application/x-test' });

      expect((await s3.delete(BUCKET, 'round/trip.bin')).ok).toBe(true);
      const gone = await s3.get(BUCKET, 'round/trip.bin');
      expect(gone).toMatchObject({ ok: false, status: 404, error: { kind: 'not-found', code: 'NoSuchKey' } });
      expect(gone.body).toBeUndefined();
      expect(gone.text()).toBe('');
      const headGone = await s3.head(BUCKET, 'round/trip.bin');
      expect(headGone).toMatchObject({ ok: false, status: 404, error: { kind: 'not-found' } });

      expect(await s3.headBucket(BUCKET)).toMatchObject({ ok: true, op: 'head-bucket' });
      expect(await s3.headBucket('no-such-bucket')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    });
  });

  it('reports a refused connection as a connect error, without throwing', async () => {
    const collector = new Collector();
    const s3 = createS3Helper({ ...options(), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }, collector);
    try {
      const res = await s3.put(BUCKET, 'k', 'x');
      expect(res).toMatchObject({ ok: false, status: 0, error: { kind: 'connect', code: 'ECONNREFUSED' } });
    } finally {
      await s3.close();
    }
  });
});

describe('S3 pool saturation', () => {
  it('a pool as large as the concurrency never makes an operation wait (20 VUs, 60 puts)', async () => {
    await withHelper({ maxSockets: 20 }, async (s3, c) => {
      const results: boolean[] = [];
      await closedLoop(20, 60, async (i) => results.push((await s3.put(BUCKET, `wide/${i}.txt`, `object ${i}`)).ok));
      expect(results.filter(Boolean)).toHaveLength(60);
      expect(s3.saturationEvents).toBe(0);
      expect(keyed(c).metrics.get('s3_pool_saturated')?.empty ?? true).toBe(true);
    });
  });

  it('a pool of 2 under 20 VUs is detected as the bottleneck', async () => {
    await withHelper({ maxSockets: 2 }, async (s3, c) => {
      const results: boolean[] = [];
      await closedLoop(20, 60, async (i) => results.push((await s3.put(BUCKET, `narrow/${i}.txt`, `object ${i}`)).ok));
      expect(results.filter(Boolean)).toHaveLength(60);
      // the first 18 requests alone find both sockets busy
      expect(s3.saturationEvents).toBeGreaterThanOrEqual(18);
      expect(s3.saturationEvents).toBeLessThanOrEqual(60);
      expect(keyed(c).counter('s3_pool_saturated').count).toBe(s3.saturationEvents);
      expect(keyed(c).trend('s3_pool_wait').histogram.totalCount).toBe(s3.saturationEvents);
    });
  });
});

describe('S3 metrics', () => {
  it('records duration, count and failure rate per op and bucket, and the bytes', async () => {
    await withHelper({}, async (s3, c) => {
      const body = 'x'.repeat(1000);
      for (let i = 0; i < 3; i++) await s3.put(BUCKET, `m/${i}.txt`, body, { name: 'input' });
      await s3.get(BUCKET, 'm/0.txt');
      await s3.get(BUCKET, 'm/missing.txt');
      await s3.put('other', 'm/x.txt', 'abc');

      const v = keyed(c);
      const trend = (k: string) => (v.metrics.get(k) as TrendMetric | undefined)?.histogram.totalCount ?? 0;
      const count = (k: string) => (v.metrics.get(k) as CounterMetric | undefined)?.count ?? 0;
      const rate = (k: string) => v.metrics.get(k) as RateMetric | undefined;

      expect(trend('s3_op_duration')).toBe(6);
      expect(count('s3_ops')).toBe(6);
      expect(trend('s3_op_duration{op:put}')).toBe(4);
      expect(count('s3_ops{op:get}')).toBe(2);
      expect(count('s3_ops{bucket:inputs}')).toBe(5);
      expect(count('s3_ops{bucket:other}')).toBe(1);
      expect(count('s3_ops{name:input}')).toBe(3);
      expect(rate('s3_op_failed')?.serialize()).toEqual({ type: 'rate', trues: 1, falses: 5 });
      expect(rate('s3_op_failed{op:get}')?.serialize()).toEqual({ type: 'rate', trues: 1, falses: 1 });
      expect(count('data_sent')).toBe(3 * 1000 + 3);
      expect(count('data_received')).toBe(1000);
      // keys are never tags
      expect([...v.metrics.keys()].some((k) => k.includes('m/0.txt'))).toBe(false);
      expect([...c.errors.values()]).toEqual([expect.objectContaining({ kind: 'not-found', status: 404, count: 1 })]);
    });
  });
});

describe('S3 credentials', () => {
  it('bad credentials give kind auth, and no secret in the message or the metrics', async () => {
    // s3rver checks the access key id but not SigV4 signatures, so the key id is what is wrong here
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY' };
    await withHelper({ credentials, maxAttempts: 1 }, async (s3, c) => {
      const res = await s3.put(BUCKET, 'secret/x.txt', 'x');
      expect(res).toMatchObject({ ok: false, status: 403, error: { kind: 'auth', code: 'InvalidAccessKeyId' } });
      const everything = JSON.stringify({ metrics: [...keyed(c).metrics.keys()], errors: [...c.errors.values()], res });
      expect(everything).not.toContain(credentials.secretAccessKey);
      expect(everything).not.toContain(credentials.accessKeyId);
    });
  });
});

describe('S3 error classification', () => {
  it('scrubs every credential string out of a message', async () => {
    const { classifyS3Error } = await import('../runner/s3/errors.js');
    const secret = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
    const err = Object.assign(new Error(`signature for ${secret} with token tok-123456 failed`), {
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    const e = classifyS3Error(err, null, [secret, 'tok-123456']);
    expect(e).toEqual({ kind: 'auth', code: 'SignatureDoesNotMatch', message: 'signature for *** with token *** failed' });
    expect(classifyS3Error(new Error('x'), 250, [])).toMatchObject({ kind: 'timeout', message: 'no complete S3 response within 250ms' });
  });
});
