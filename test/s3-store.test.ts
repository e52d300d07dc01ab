/**
 * The S3 run store against s3rver, through a proxy on loopback that cuts responses short:
 * a body cut off after its headers is read again; a store that keeps cutting fails with one line.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../runner/distributed/store.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';

const BUCKET = 'rampart-store';
let s3: S3TestServer;
let proxy: Server;
let proxyUrl: string;
/** how many more GET responses of objects the proxy cuts after their headers */
let toCut = 0;
let cut = 0;

/** Passes bytes both ways; a connection whose request is a GET of an object may get its response cut. */
function relay(client: Socket): void {
  const upstream = createConnection(Number(new URL(s3.endpoint).port), '127.0.0.1');
  let cutThis = false;
  client.on('data', (chunk) => {
    if (toCut > 0 && chunk.toString('latin1').startsWith(`GET /${BUCKET}/runs/`)) {
      toCut--;
      cutThis = true;
    }
    upstream.write(chunk);
  });
  upstream.on('data', (chunk) => {
    if (!cutThis) return void client.write(chunk);
    const end = chunk.indexOf('\r\n\r\n');
    if (end < 0) return void client.write(chunk);
    cut++;
    client.write(chunk.subarray(0, end + 4 + 3)); // the headers and three bytes of the body
    client.destroy();
    upstream.destroy();
  });
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
}

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  proxy = createServer(relay);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await s3?.close();
});

const options = () => ({ endpoint: proxyUrl, credentials: s3.credentials, region: 'us-east-1' });

describe('the S3 run store', () => {
  it('reads an object again when its body was cut off after the headers', async () => {
    const store = await openStore(`s3://${BUCKET}/runs/a`, '--store', options());
    try {
      const body = JSON.stringify({ segments: 8, padding: 'x'.repeat(200) });
      await store.put('run.json', body);
      toCut = 1;
      cut = 0;
      const got = await store.get('run.json');
      expect(cut).toBe(1);
      expect(got?.body).toBe(body);
    } finally {
      await store.close();
    }
  });

  it('a store that cuts every response fails with one line naming it', async () => {
    const store = await openStore(`s3://${BUCKET}/runs/b`, '--store', options());
    try {
      await store.put('run.json', '{"segments":2,"padding":"................................"}');
      toCut = 100;
      cut = 0;
      const err = await store.get('run.json').then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(new RegExp(`^store s3://${BUCKET}/runs/b: cannot reach ${proxyUrl}: `));
      expect(err?.message).not.toContain('\n');
      expect(cut).toBe(3); // one read and two more
    } finally {
      toCut = 0;
      await store.close();
    }
  });
});
