/**
 * A real S3-protocol server on loopback for tests: s3rver, on a random port, storing objects
 * in a temporary directory that close() removes. It accepts only the credentials S3RVER/S3RVER.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
// s3rver ships no types (and test/ is outside tsconfig's include)
// @ts-ignore
import S3rver from 's3rver';

export interface S3TestServer {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dir: string;
  close(): Promise<void>;
}

export const S3RVER_CREDENTIALS = Object.freeze({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

export async function startS3Server(buckets: string[]): Promise<S3TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    credentials: { ...S3RVER_CREDENTIALS },
    dir,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
