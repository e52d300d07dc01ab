import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';

/**
 * TLS and HTTP/2 against real servers with a self-signed certificate made here by openssl:
 * refused without trust, accepted with `insecure` or its CA, HTTP/2 when asked, and the
 * TLS handshake measured as its own phase.
 */
let certDir: string;
let certPem: string;
let keyPem: string;
let tlsServer: https.Server;
let h2Server: http2.Http2SecureServer;
let tlsUrl = '';
let h2Url = '';
const seen = { tlsBytesIn: 0, tlsRequests: 0, tlsConnections: 0, h2Versions: [] as string[] };

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'rampart-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  certPem = readFileSync(join(certDir, 'cert.pem'), 'utf8');
  keyPem = readFileSync(join(certDir, 'key.pem'), 'utf8');

  tlsServer = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
    seen.tlsRequests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-length': 2 });
      res.end('ok');
    });
  });
  tlsServer.keepAliveTimeout = 30_000;
  tlsServer.on('secureConnection', (s: Socket) => {
    seen.tlsConnections++;
    s.on('data', (d: Buffer) => {
      seen.tlsBytesIn += d.length;
    });
  });
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;

  h2Server = http2.createSecureServer({ cert: certPem, key: keyPem, allowHTTP1: false }, (req, res) => {
    seen.h2Versions.push(req.httpVersion);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello over h2');
    });
  });
  await new Promise<void>((r) => h2Server.listen(0, '127.0.0.1', r));
  h2Url = `https://127.0.0.1:${(h2Server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  tlsServer.closeAllConnections();
  await new Promise((r) => tlsServer.close(r));
  await new Promise((r) => h2Server.close(r));
});

async function run(http: string, target: string, extraFiles: Record<string, string> = {}, stages = 'burst({ vus: 4, iterations: 40 })') {
  const dir = workspace({
    's.ts': `import { scenario, burst } from 'rampart';
export default scenario({
  name: 'tls', target: process.env.TARGET, stages: [${stages}], http: { timeout: '5s', ${http} },
  async iteration(ctx) { await ctx.http.get('/'); },
});
`,
    ...extraFiles,
  });
  const res = await rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', '--out', 'ndjson=r.ndjson'], { cwd: dir, env: { TARGET: target } });
  let results: any = null;
  let records: any[] = [];
  try {
    results = readJson(join(dir, 'r.json'));
    records = readFileSync(join(dir, 'r.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    /* a usage error writes no results */
  }
  return { ...res, results, records };
}

function phasesAddUp(records: any[]): number {
  return records.filter((r) => Math.abs(r.blocked + r.connecting + r.tlsHandshaking + r.sending + r.waiting + r.receiving - r.duration) > 0.008)
    .length;
}

describe('TLS', () => {
  it('a self-signed target fails as tls without trust (and the run measured nothing)', async () => {
    const r = await run('', tlsUrl);
    expect(r.code).toBe(3);
    expect(r.results.errors.map((e: any) => e.kind)).toEqual(['tls']);
    expect(r.results.metrics.http_reqs.count).toBe(40);
  });

  it('insecure: true accepts it; the handshake is its own phase; bytes are the HTTP bytes the server read', async () => {
    const before = { bytes: seen.tlsBytesIn, requests: seen.tlsRequests, connections: seen.tlsConnections };
    const r = await run('tls: { insecure: true },', tlsUrl);
    expect(r.code, r.stderr).toBe(0);
    const m = r.results.metrics;
    expect(m.http_req_failed.trues).toBe(0);
    expect(seen.tlsRequests - before.requests).toBe(40);
    // one connection per VU (a VU's requests one after another stay on the main pool, not the
    // fan-out pool), and each paid a TCP connect and a TLS handshake, once
    const opened = seen.tlsConnections - before.connections;
    expect(opened).toBe(4);
    expect(r.records.filter((x) => x.tlsHandshaking > 0).length).toBe(opened);
    expect(r.records.filter((x) => x.connecting > 0).length).toBeLessThanOrEqual(opened);
    expect(m.http_req_tls_handshaking.max).toBeGreaterThan(0);
    expect(phasesAddUp(r.records)).toBe(0);
    const bytesIn = seen.tlsBytesIn - before.bytes;
    expect(Math.abs(m.data_sent.count - bytesIn)).toBeLessThanOrEqual(bytesIn * 0.01);
  });

  it('ca: the certificate file, relative to the scenario, is trusted', async () => {
    const r = await run("tls: { ca: './ca.pem' },", tlsUrl, { 'ca.pem': certPem });
    expect(r.code, r.stderr).toBe(0);
    expect(r.results.metrics.http_req_failed.trues).toBe(0);
  });

  it('bad TLS options are one-line usage errors before any request', async () => {
    const before = seen.tlsRequests;
    for (const [http, msg] of [
      ["tls: { cert: './ca.pem' },", /http\.tls: a client certificate needs both cert and key/],
      ["tls: { ca: './missing.pem' },", /http\.tls\.ca: cannot read \.\/missing\.pem/],
      ['tls: { insecur: true },', /http\.tls\.insecur is not an option/],
      ['version: 3,', /http\.version must be 1, 2 or 'auto'/],
    ] as const) {
      const r = await run(http as string, tlsUrl, { 'ca.pem': certPem });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    expect(seen.tlsRequests).toBe(before);
  });
});

describe('HTTP/2', () => {
  it('version: 2 speaks HTTP/2 to a server that offers it, with the same metrics', async () => {
    const before = seen.h2Versions.length;
    const r = await run("version: 2, tls: { ca: './ca.pem' },", h2Url, { 'ca.pem': certPem });
    expect(r.code, r.stderr).toBe(0);
    const m = r.results.metrics;
    expect(m.http_req_failed.trues).toBe(0);
    expect(seen.h2Versions.slice(before)).toEqual(Array(40).fill('2.0'));
    expect(phasesAddUp(r.records)).toBe(0);
    expect(m.http_req_tls_handshaking.max).toBeGreaterThan(0);
    // streams share a connection: the totals are the connection's bytes, at least every body
    expect(m.data_received.count).toBeGreaterThan(40 * 'hello over h2'.length);
    expect(m.data_sent.count).toBeGreaterThan(0);
  });

  it('version 1 (the default) cannot talk to an HTTP/2-only server: a protocol or tls error, never a hang', async () => {
    const r = await run("tls: { ca: './ca.pem' },", h2Url, { 'ca.pem': certPem }, 'burst({ vus: 1, iterations: 2 })');
    expect(r.code).toBe(3);
    expect(r.results.metrics.http_reqs.count).toBe(2);
  });
});
