/**
 * `rampart run ... --upload s3://bucket/prefix`: checks the bucket before the load starts,
 * then puts every file the run wrote under the prefix. A failed upload is reported, never thrown.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import type { S3Helper } from './client.js';
import type { S3HelperOptions } from './config.js';
import { contentTypeFor, DEFAULT_CONTENT_TYPE } from './content-type.js';

export type UploadOptions = Omit<S3HelperOptions, 'maxSockets'> & { maxSockets?: number };

export interface UploadReport {
  uploaded: { file: string; key: string; bytes: number }[];
  failed: { file: string; message: string }[];
}

/** Uploads run at most this many at a time: a run writes a handful of files. */
const UPLOAD_POOL = 4;
/** The check before the load gives up sooner than an upload would. */
const CHECK_TIMEOUT_MS = 10_000;

// S3's rules for new buckets: 3-63 characters, lowercase letters, digits, dots and hyphens,
// a letter or digit at each end
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** 's3://bucket/some/prefix/' → { bucket: 'bucket', prefix: 'some/prefix' }; UsageError otherwise. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url.trim());
  if (!m) throw new UsageError(`--upload '${url}': expected s3://bucket[/prefix]`);
  const [, bucket, rest = ''] = m;
  if (bucket === '') throw new UsageError(`--upload '${url}': the bucket name is empty (expected s3://bucket[/prefix])`);
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new UsageError(`--upload '${url}': '${bucket}' is not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)`);
  }
  return { bucket, prefix: rest.replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/') };
}

/** The object key of a file under a prefix: prefix/basename. */
export function artifactKey(prefix: string, file: string): string {
  return prefix ? `${prefix}/${basename(file)}` : basename(file);
}

/**
 * Before the load starts: the bucket must exist and be reachable with these credentials
 * (HeadBucket). Throws a UsageError with a one-line message otherwise.
 */
export async function checkUploadTarget(url: string, options: UploadOptions): Promise<void> {
  const { bucket } = parseS3Url(url);
  const helper = await uploadHelper({ ...options, timeoutMs: options.timeoutMs ?? CHECK_TIMEOUT_MS }, 1);
  try {
    const res = await helper.headBucket(bucket);
    if (res.ok) return;
    const { resolveS3Options } = await import('./config.js');
    const where = resolveS3Options(options).endpoint ?? 'AWS S3';
    const why = (() => {
      switch (res.error?.kind) {
        case 'not-found':
          return `bucket '${bucket}' does not exist at ${where}`;
        case 'auth':
          return `access to bucket '${bucket}' was denied (check the AWS credentials)`;
        case 'connect':
        case 'dns':
        case 'reset':
        case 'timeout':
          return `cannot reach ${where}: ${res.error.message}`;
        default:
          return `bucket '${bucket}' is not usable: ${res.error?.message ?? `HTTP ${res.status}`}`;
      }
    })();
    throw new UsageError(`--upload ${url}: ${why}`);
  } finally {
    await helper.close();
  }
}

/** Puts each file at prefix/basename with a content type by extension; reports each failure. */
export async function uploadArtifacts(files: string[], url: string, options: UploadOptions): Promise<UploadReport> {
  const { bucket, prefix } = parseS3Url(url);
  const report: UploadReport = { uploaded: [], failed: [] };
  const byKey = new Map<string, string>();
  const todo: { file: string; key: string }[] = [];
  for (const file of files) {
    const key = artifactKey(prefix, file);
    const earlier = byKey.get(key);
    if (earlier !== undefined) {
      report.failed.push({ file, message: `same key ${key} as ${earlier}; not uploaded` });
      continue;
    }
    byKey.set(key, file);
    todo.push({ file, key });
  }
  const helper = await uploadHelper(options, UPLOAD_POOL);
  try {
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const { file, key } = todo[next++];
        await uploadOne(helper, bucket, file, key, report);
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOAD_POOL, todo.length) }, worker));
  } finally {
    await helper.close();
  }
  return report;
}

async function uploadOne(helper: S3Helper, bucket: string, file: string, key: string, report: UploadReport): Promise<void> {
  let body: Uint8Array;
  try {
    body = await readFile(file);
  } catch (err) {
    report.failed.push({ file, message: `cannot read: ${(err as Error).message}` });
    return;
  }
  const res = await helper.put(bucket, key, body, { contentType: contentTypeFor(file) ?? DEFAULT_CONTENT_TYPE });
  if (res.ok) report.uploaded.push({ file, key, bytes: body.byteLength });
  else report.failed.push({ file, message: `s3://${bucket}/${key}: ${res.error?.message ?? `HTTP ${res.status}`}` });
}

/** Artifact uploads are not part of the run's measurements: they record into a collector of their own. */
async function uploadHelper(options: UploadOptions, maxSockets: number): Promise<S3Helper> {
  // the AWS SDK loads when S3 is used, not with every command that can upload (start-up, issue 11)
  const [{ createS3Helper }, { Collector }] = await Promise.all([import('./client.js'), import('../metrics/collector.js')]);
  return createS3Helper({ ...options, maxSockets: options.maxSockets ?? maxSockets }, new Collector());
}
