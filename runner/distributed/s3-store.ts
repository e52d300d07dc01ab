/**
 * The run store on S3 (or MinIO, s3rver...): rampart's S3 client settings (runner/s3/config.ts),
 * plus the Date header of every response, which measures the store's clock against ours.
 */
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../errors.js';
import { resolveS3Options, s3ClientConfig, secretsOf } from '../s3/config.js';
import { classifyS3Error } from '../s3/errors.js';
import { createCountingAgents, type CountingAgents } from '../s3/pool.js';
import type { UploadOptions } from '../s3/upload.js';
import type { RunStore, StoredObject } from './store.js';

/**
 * A store request's deadline and attempts. Eight segments polling one store at their barrier can
 * keep it busy for seconds (s3rver under a loaded CI machine answered none of two 10 s attempts
 * once); an unreachable store still fails at once (a refused connect does not wait).
 */
const STORE_TIMEOUT_MS = 30_000;
const STORE_ATTEMPTS = 3;

/**
 * The SDK retries a request whose response never came, but not a body cut off after the
 * headers (Node's "aborted", ECONNRESET): s3rver did that once to one of eight segments polling
 * it on a loaded CI machine. A store operation is idempotent, so the whole of it is tried again.
 */
async function again<T>(op: () => Promise<T>, secrets: readonly string[]): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const kind = classifyS3Error(err, null, secrets).kind;
      if (attempt >= STORE_ATTEMPTS || kind !== 'reset') throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

export class S3Store implements RunStore {
  private readonly client: S3Client;
  private readonly agents: CountingAgents;
  private readonly secrets: string[];
  private readonly endpoint: string;
  /** the store's clock minus ours lies in [low, high]: each response narrows it (Date has whole seconds) */
  private low = -Infinity;
  private high = Infinity;

  constructor(
    readonly where: string,
    private readonly bucket: string,
    private readonly prefix: string,
    options: UploadOptions,
  ) {
    const resolved = resolveS3Options({
      ...options,
      timeoutMs: options.timeoutMs ?? STORE_TIMEOUT_MS,
      maxAttempts: options.maxAttempts ?? STORE_ATTEMPTS,
    });
    this.endpoint = resolved.endpoint ?? 'AWS S3';
    this.secrets = secretsOf(resolved);
    this.agents = createCountingAgents(4, () => {});
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    this.client = new S3Client(s3ClientConfig(resolved, this.agents, silent));
    this.client.middlewareStack.add(
      (next) => async (args) => {
        const sent = Date.now();
        const out = await next(args);
        this.sampleClock(sent, Date.now(), (out.response as { headers?: Record<string, string> })?.headers?.date);
        return out;
      },
      { step: 'deserialize', name: 'rampartStoreClock' },
    );
  }

  private sampleClock(sent: number, received: number, date: string | undefined): void {
    const at = date ? Date.parse(date) : NaN;
    if (!Number.isFinite(at)) return;
    // the server stamped a time in [at, at + 1000) somewhere between sent and received
    const low = at - received;
    const high = at + 1000 - sent;
    if (low > this.high || high < this.low) {
      this.low = low;
      this.high = high;
      return;
    } // its clock jumped: start over
    this.low = Math.max(this.low, low);
    this.high = Math.min(this.high, high);
  }

  skew() {
    if (!Number.isFinite(this.low) || !Number.isFinite(this.high)) return { ms: 0, uncertaintyMs: Infinity };
    return { ms: Math.round((this.low + this.high) / 2), uncertaintyMs: Math.round((this.high - this.low) / 2) };
  }

  private key(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private failure(what: string, err: unknown): UsageError {
    const e = classifyS3Error(err, null, this.secrets);
    const why =
      e.kind === 'not-found'
        ? `bucket '${this.bucket}' does not exist at ${this.endpoint}`
        : e.kind === 'auth'
          ? `access to bucket '${this.bucket}' was denied (check the AWS credentials)`
          : ['connect', 'dns', 'reset', 'timeout'].includes(e.kind)
            ? `cannot reach ${this.endpoint}: ${e.message}`
            : `${what}: ${e.message}`;
    return new UsageError(`store ${this.where}: ${why}`);
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      throw this.failure('bucket not usable', err);
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      return await again(async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
        const body = out.Body ? await out.Body.transformToString() : '';
        return { body, writtenAt: out.LastModified?.getTime() ?? Date.now() + this.skew().ms };
      }, this.secrets);
    } catch (err) {
      if (classifyS3Error(err, null, this.secrets).kind === 'not-found' && (err as { name?: string }).name !== 'NoSuchBucket') return null;
      throw this.failure(`cannot read ${key}`, err);
    }
  }

  async put(key: string, body: string): Promise<void> {
    try {
      await again(
        () =>
          this.client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: this.key(key),
              Body: body,
              ContentType: 'application/json',
              ContentLength: Buffer.byteLength(body),
            }),
          ),
        this.secrets,
      );
    } catch (err) {
      throw this.failure(`cannot write ${key}`, err);
    }
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.agents.destroy();
  }
}
