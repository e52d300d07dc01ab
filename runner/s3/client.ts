/**
 * The S3 helper scenarios use (ctx.s3): put, get, head and delete objects through a pool
 * sized to the run's peak concurrency, each operation measured. Like ctx.http it never
 * throws for S3 or network errors: the result carries ok: false and a classified error.
 *
 * Metrics: s3_op_duration (trend), s3_ops (counter), s3_op_failed (rate), tagged op, bucket
 * and, when given, name; data_sent/data_received; s3_pool_saturated (counter) and
 * s3_pool_wait (trend) for operations that waited for a free socket.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import type { Collector, TagList } from '../metrics/collector.js';
import type { CounterMetric, RateMetric, TrendMetric } from '../metrics/metric.js';
import { msToUs } from '../metrics/hdr.js';
import { resolveS3Options, s3ClientConfig, secretsOf, type S3HelperOptions } from './config.js';
import { contentTypeFor } from './content-type.js';
import { classifyS3Error, statusOf } from './errors.js';
import { createCountingAgents, type CountingAgents } from './pool.js';
import type { S3GetResult, S3Helper, S3Op, S3OpOptions, S3PutOptions, S3Result } from './types.js';

export type { S3HelperOptions, S3Credentials } from './config.js';
export type { S3Error, S3ErrorKind } from './errors.js';
export type { S3GetResult, S3Helper, S3Op, S3OpOptions, S3PutOptions, S3Result } from './types.js';

interface OpSpec<T> {
  op: S3Op;
  bucket: string;
  key: string;
  name: string | undefined;
  sent: number;
  send(signal: AbortSignal): Promise<T>;
  /** fills the result from the SDK's output; returns the bytes received */
  read(out: T, result: S3Result & { body?: Uint8Array }): Promise<number> | number;
}

interface OpSink {
  duration: TrendMetric[];
  ops: CounterMetric[];
  failed: RateMetric[];
}

const MAX_NAMES = 200;
const OTHER_NAME = '(other)';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function createS3Helper(options: S3HelperOptions, collector: Collector): S3Helper {
  return new PooledS3Helper(options, collector);
}

class PooledS3Helper implements S3Helper {
  readonly maxSockets: number;
  saturationEvents = 0;
  inFlight = 0;
  private readonly client: S3Client;
  private readonly agents: CountingAgents;
  private readonly timeoutMs: number;
  private readonly secrets: string[];
  private readonly sinks = new Map<string, OpSink>();
  private readonly names = new Set<string>();

  constructor(
    options: S3HelperOptions,
    private readonly collector: Collector,
  ) {
    const resolved = resolveS3Options(options);
    this.maxSockets = Math.max(1, Math.floor(options.maxSockets));
    this.timeoutMs = resolved.timeoutMs;
    this.secrets = secretsOf(resolved);
    const saturated = collector.counter('s3_pool_saturated');
    const poolWait = collector.trend('s3_pool_wait');
    this.agents = createCountingAgents(this.maxSockets, (waitMs) => {
      this.saturationEvents++;
      saturated.add();
      poolWait.record(msToUs(waitMs));
    });
    // the SDK's log lines (its coarse pool warning, failed attempts) would garble the live
    // progress; failures reach the user through results and metrics instead
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    this.client = new S3Client(s3ClientConfig(resolved, this.agents, silent));
  }

  put(bucket: string, key: string, body: string | Uint8Array, opts: S3PutOptions = {}): Promise<S3Result> {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body;
    const contentType = opts.contentType ?? contentTypeFor(key);
    return this.run({
      op: 'put',
      bucket,
      key,
      name: opts.name,
      sent: bytes.byteLength,
      send: (abortSignal) =>
        this.client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: bytes,
            ContentType: contentType,
            ContentLength: bytes.byteLength,
          }),
          { abortSignal },
        ),
      read: (out, r) => {
        r.etag = out.ETag;
        r.contentType = contentType;
        r.contentLength = bytes.byteLength;
        return 0;
      },
    });
  }

  async get(bucket: string, key: string, opts: S3OpOptions = {}): Promise<S3GetResult> {
    const result = await this.run<GetObjectCommandOutput>({
      op: 'get',
      bucket,
      key,
      name: opts.name,
      sent: 0,
      send: (abortSignal) => this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }),
      read: async (out, r) => {
        const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
        r.etag = out.ETag;
        r.contentType = out.ContentType;
        r.contentLength = body.byteLength;
        r.body = body;
        return body.byteLength;
      },
    });
    return Object.assign(result, { text: () => (result.body ? decoder.decode(result.body) : '') });
  }

  head(bucket: string, key: string, opts: S3OpOptions = {}): Promise<S3Result> {
    return this.run({
      op: 'head',
      bucket,
      key,
      name: opts.name,
      sent: 0,
      send: (abortSignal) => this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }),
      read: (out, r) => {
        r.etag = out.ETag;
        r.contentType = out.ContentType;
        r.contentLength = out.ContentLength;
        return 0;
      },
    });
  }

  delete(bucket: string, key: string, opts: S3OpOptions = {}): Promise<S3Result> {
    return this.run({
      op: 'delete',
      bucket,
      key,
      name: opts.name,
      sent: 0,
      send: (abortSignal) => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }),
      read: () => 0,
    });
  }

  headBucket(bucket: string, opts: S3OpOptions = {}): Promise<S3Result> {
    return this.run({
      op: 'head-bucket',
      bucket,
      key: '',
      name: opts.name,
      sent: 0,
      send: (abortSignal) => this.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }),
      read: () => 0,
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.agents.destroy();
  }

  /** One measured operation under the helper's deadline; never rejects for S3 or network errors. */
  private async run<T extends { $metadata: { httpStatusCode?: number } }>(spec: OpSpec<T>): Promise<S3Result & { body?: Uint8Array }> {
    const result: S3Result & { body?: Uint8Array } = {
      ok: false,
      op: spec.op,
      bucket: spec.bucket,
      key: spec.key,
      status: 0,
      durationMs: 0,
    };
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.timeoutMs);
    const started = performance.now();
    let received = 0;
    this.inFlight++;
    try {
      const out = await spec.send(ac.signal);
      result.status = out.$metadata.httpStatusCode ?? 200;
      received = await spec.read(out, result);
      result.ok = true;
    } catch (err) {
      result.status = timedOut ? 0 : statusOf(err);
      result.error = classifyS3Error(err, timedOut ? this.timeoutMs : null, this.secrets);
    } finally {
      clearTimeout(timer);
      this.inFlight--;
    }
    result.durationMs = performance.now() - started;
    this.record(spec, result, received);
    return result;
  }

  private record(spec: OpSpec<unknown>, result: S3Result, received: number): void {
    const c = this.collector;
    const name = spec.name === undefined ? undefined : this.boundedName(spec.name);
    const tagKey = `${spec.op}\u0001${spec.bucket}\u0001${name ?? ''}`;
    let sink = this.sinks.get(tagKey);
    if (!sink) {
      const tags: TagList = [
        ['op', spec.op],
        ['bucket', spec.bucket],
      ];
      if (name !== undefined) tags.push(['name', name]);
      sink = {
        duration: c.tagged('s3_op_duration', 'trend', tags, tagKey) as TrendMetric[],
        ops: c.tagged('s3_ops', 'counter', tags, tagKey) as CounterMetric[],
        failed: c.tagged('s3_op_failed', 'rate', tags, tagKey) as RateMetric[],
      };
      this.sinks.set(tagKey, sink);
    }
    const us = msToUs(result.durationMs);
    for (const m of sink.duration) m.record(us);
    for (const m of sink.ops) m.add();
    for (const m of sink.failed) m.add(!result.ok);
    c.dataSent.add(spec.sent);
    c.dataReceived.add(received);
    if (result.error) {
      const { kind, message } = result.error;
      c.recordError({ kind, status: result.status || undefined, message: `S3 ${spec.op} ${spec.bucket}: ${message}` });
    }
  }

  private boundedName(name: string): string {
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_NAMES) return OTHER_NAME; // unbounded names would mean unbounded sub-metrics
    this.names.add(name);
    return name;
  }
}
