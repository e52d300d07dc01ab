/**
 * The run store: where the segments of one distributed run meet. A local folder (every
 * process on one machine, or a shared volume) or `s3://bucket/prefix/RUN_ID` (S3, MinIO,
 * any S3-compatible store; endpoint, region and credentials from the standard AWS_*
 * variables, as for --upload). Objects are small JSON documents under the run's prefix.
 */
import { mkdir, readFile, stat, writeFile, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { UploadOptions } from '../s3/upload.js';
import { parseS3Url } from '../s3/upload.js';

export interface StoredObject {
  body: string;
  /** the store's clock when the object was written, ms since the epoch */
  writtenAt: number;
}

export interface RunStore {
  /** for messages: the folder or s3:// URL */
  readonly where: string;
  get(key: string): Promise<StoredObject | null>;
  put(key: string, body: string): Promise<void>;
  /**
   * The store's clock minus ours (ms), estimated from what it told so far (S3: the Date
   * header of every response; a folder is on our own clock: 0), and its uncertainty.
   */
  skew(): { ms: number; uncertaintyMs: number };
  /** a cheap request that also samples the store's clock; throws a UsageError when unreachable */
  check(): Promise<void>;
  close(): Promise<void>;
}

export function isS3Url(s: string): boolean {
  return /^s3:\/\//i.test(s.trim());
}

/** A folder or an s3:// URL; the store is checked before anything else happens. */
export async function openStore(location: string, flag: string, s3: UploadOptions = {}): Promise<RunStore> {
  const store = isS3Url(location) ? await openS3Store(location, flag, s3) : new FolderStore(resolve(location));
  try {
    await store.check();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

class FolderStore implements RunStore {
  constructor(readonly where: string) {}
  async get(key: string): Promise<StoredObject | null> {
    const file = join(this.where, key);
    try {
      const [body, s] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
      return { body, writtenAt: s.mtimeMs };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new UsageError(`store ${this.where}: cannot read ${key}: ${(err as Error).message}`);
    }
  }
  async put(key: string, body: string): Promise<void> {
    const file = join(this.where, key);
    try {
      await mkdir(dirname(file), { recursive: true });
      // written whole or not at all: another process may read it at any moment
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, file);
    } catch (err) {
      throw new UsageError(`store ${this.where}: cannot write ${key}: ${(err as Error).message}`);
    }
  }
  skew() {
    return { ms: 0, uncertaintyMs: 0 };
  }
  async check(): Promise<void> {
    try {
      await mkdir(this.where, { recursive: true });
    } catch (err) {
      throw new UsageError(`store ${this.where}: cannot create the folder: ${(err as Error).message}`);
    }
  }
  async close(): Promise<void> {}
}

/** The S3 store is loaded only when used: runs without --store never pay for the AWS SDK. */
async function openS3Store(url: string, flag: string, options: UploadOptions): Promise<RunStore> {
  let parsed: { bucket: string; prefix: string };
  try {
    parsed = parseS3Url(url);
  } catch (err) {
    throw new UsageError(`${flag} ${(err as Error).message.replace(/^--upload /, '')}`);
  }
  const { S3Store } = await import('./s3-store.js');
  return new S3Store(url.trim().replace(/\/+$/, ''), parsed.bucket, parsed.prefix, options);
}
