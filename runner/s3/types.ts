/** The S3 helper's types: what ctx.s3 offers a scenario (re-exported by scenarios/types.ts). */
import type { S3Error } from './errors.js';

export type S3Op = 'put' | 'get' | 'head' | 'delete' | 'head-bucket';

export interface S3Result {
  ok: boolean;
  op: S3Op;
  bucket: string;
  key: string;
  /** HTTP status of the response; 0 when there was none (network error, timeout) */
  status: number;
  durationMs: number;
  etag?: string;
  contentType?: string;
  contentLength?: number;
  error?: S3Error;
}

export interface S3GetResult extends S3Result {
  body?: Uint8Array;
  /** the body decoded as UTF-8 ('' when there is none) */
  text(): string;
}

export interface S3OpOptions {
  /** a tag for the metrics, like ctx.http's name (keys are never tags: they are unbounded) */
  name?: string;
}

export interface S3PutOptions extends S3OpOptions {
  /** default: from the key's extension, else the server's default */
  contentType?: string;
}

export interface S3Helper {
  put(bucket: string, key: string, body: string | Uint8Array, opts?: S3PutOptions): Promise<S3Result>;
  get(bucket: string, key: string, opts?: S3OpOptions): Promise<S3GetResult>;
  head(bucket: string, key: string, opts?: S3OpOptions): Promise<S3Result>;
  delete(bucket: string, key: string, opts?: S3OpOptions): Promise<S3Result>;
  /** whether the bucket exists and these credentials may use it (key is '') */
  headBucket(bucket: string, opts?: S3OpOptions): Promise<S3Result>;
  /** operations that found every socket busy and waited for one */
  readonly saturationEvents: number;
  readonly maxSockets: number;
  readonly inFlight: number;
  /** closes the pool; operations still in flight end with a 'reset' error */
  close(): Promise<void>;
}
