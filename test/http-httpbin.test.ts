import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rampart, readJson, workspace } from './support/cli.js';
import { startHttpbin, type Httpbin } from './support/httpbin.js';

/**
 * The HTTP a real web API needs (issue 9), against Debian's httpbin: redirects, compressed
 * bodies, a cookie jar per VU, binary bodies, basic auth, forms and multipart files, k6's
 * expected_response and error_code tags, and option mistakes caught at run time.
 */
let bin: Httpbin;
let gzipServer: http.Server;
let gzipUrl = '';
const BIG = 'a'.repeat(100_000);
const GZ = gzipSync(BIG);

beforeAll(async () => {
  bin = await startHttpbin();
  // httpbin's /gzip is small: a 100 kB body that compresses to a few hundred bytes tells wire bytes from decoded ones
  gzipServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': GZ.length });
    res.end(GZ);
  });
  await new Promise<void>((resolve) => gzipServer.listen(0, '127.0.0.1', resolve));
  gzipUrl = `http://127.0.0.1:${(gzipServer.address() as AddressInfo).port}`;
}, 30_000);
afterAll(async () => {
  await bin?.stop();
  gzipServer?.closeAllConnections();
  await new Promise((r) => gzipServer?.close(r));
});

const COOKIE = 'c00kieVALUEzq81x';
const PASSWORD = 'pa55wordQx9';

function scenarioFile(body: string, extra = '', stages = 'burst({ vus: 1, iterations: 1 })'): string {
  return `import { scenario, burst, soak, check, file } from 'rampart';
${extra}
export default scenario({
  name: 'httpbin', target: process.env.TARGET, stages: [${stages}],
  async iteration(ctx) {
${body}
  },
});
`;
}

async function run(files: Record<string, string>, entry = 's.ts', target = bin.url) {
  const dir = workspace(files);
  const result = await rampart(['run', entry, '--quiet', '--out', 'json=r.json', '--out', 'ndjson=r.ndjson', ], { cwd: dir, env: { TARGET: target } });
  const json = () => readJson(join(dir, 'r.json'));
  const records = () => readFileSync(join(dir, 'r.ndjson'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { ...result, dir, json, records };
}

/** Every check of the run passed (names listed when one failed). */
function expectChecksPassed(summary: any): void {
  const failed = Object.entries(summary.checks ?? {}).filter(([, c]: [string, any]) => c.fails > 0).map(([n]) => n);
  expect(failed).toEqual([]);
  expect(Object.keys(summary.checks ?? {}).length).toBeGreaterThan(0);
}

describe('httpbin: the rows of issue 9', () => {
  it('redirects, compressed bodies, binary bytes, basic auth, form and multipart', async () => {
    const r = await run({
      'sub/upload.txt': 'hello from a file\n',
      'sub/s.ts': scenarioFile(`
    let res = await ctx.http.get('/redirect/2');
    check(res, { 'redirect: final url': (x) => x.url.endsWith('/get') && x.status === 200 });
    for (const [path, flag] of [['/gzip', 'gzipped'], ['/deflate', 'deflated'], ['/brotli', 'brotli']]) {
      res = await ctx.http.get(path);
      check(res, { [path + ' decoded']: (x) => x.json()[flag] === true });
    }
    res = await ctx.http.get('/bytes/16', { responseType: 'binary' });
    check(res, { 'bytes: exactly 16': (x) => x.bytes instanceof Uint8Array && x.bytes.length === 16 });
    res = await ctx.http.get('/basic-auth/user/${PASSWORD}', { auth: { username: 'user', password: '${PASSWORD}' } });
    check(res, { 'basic auth: 200': (x) => x.status === 200 && x.json().authenticated === true });
    res = await ctx.http.post('/post', { form: { a: '1', b: 'x y&z' } });
    check(res, { 'form: echoed': (x) => x.json().form.a === '1' && x.json().form.b === 'x y&z' });
    res = await ctx.http.post('/post', { multipart: { title: 'report', doc: upload } });
    check(res, { 'multipart: field': (x) => x.json().form.title === 'report', 'multipart: file': (x) => x.json().files.doc === 'hello from a file\\n' });
    res = await ctx.http.post('/redirect-to?url=/get&status_code=302', { json: { a: 1 } });
    check(res, { '302 turns POST into GET': (x) => x.status === 200 && x.url.endsWith('/get') });
    res = await ctx.http.post('/redirect-to?url=/post&status_code=307', { json: { a: 1 } });
    check(res, { '307 keeps POST and body': (x) => x.status === 200 && x.json().json.a === 1 });
    ctx.log('auth header sent:', JSON.stringify(res.headers));`,
      // the path is relative to the scenario file, not to the working folder
      "const upload = file('./upload.txt', 'upload.txt', 'text/plain');"),
    }, 'sub/s.ts');
    expect(r.code, r.stderr).toBe(0);
    const summary = r.json();
    expectChecksPassed(summary);
    // each hop of /redirect/2 is a sample of its own
    const names = r.records().map((x: any) => `${x.method} ${x.name} ${x.status}`);
    expect(names.slice(0, 3)).toEqual(['GET /redirect/2 302', 'GET /relative-redirect/1 302', 'GET /get 200']);
    expect(names).toContain('POST /redirect-to 302');
    expect(names).toContain('GET /get 200');
    expect(names).toContain('POST /post 200');
    expect(summary.metrics.http_reqs.count).toBe(r.records().length);
    // the basic-auth password and its header never appear in any output
    const token = Buffer.from(`user:${PASSWORD}`).toString('base64');
    for (const text of [r.stdout, r.stderr, ...readdirSync(r.dir).filter((f) => f.startsWith('r.')).map((f) => readFileSync(join(r.dir, f), 'utf8'))]) {
      expect(text).not.toContain(token);
    }
  }, 60_000);
});
