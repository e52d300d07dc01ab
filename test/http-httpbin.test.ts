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
  const result = await rampart(['run', entry, '--quiet', '--out', 'json=r.json', '--out', 'ndjson=r.ndjson'], { cwd: dir, env: { TARGET: target } });
  const json = () => readJson(join(dir, 'r.json'));
  const records = () =>
    readFileSync(join(dir, 'r.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return { ...result, dir, json, records };
}

/** Every check of the run passed (names listed when one failed). */
function expectChecksPassed(summary: any): void {
  const failed = Object.entries(summary.checks ?? {})
    .filter(([, c]: [string, any]) => c.fails > 0)
    .map(([n]) => n);
  expect(failed).toEqual([]);
  expect(Object.keys(summary.checks ?? {}).length).toBeGreaterThan(0);
}

describe('httpbin: the rows of issue 9', () => {
  it('redirects, compressed bodies, binary bytes, basic auth, form and multipart', async () => {
    const r = await run(
      {
        'sub/upload.txt': 'hello from a file\n',
        'sub/s.ts': scenarioFile(
          `
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
          "const upload = file('./upload.txt', 'upload.txt', 'text/plain');",
        ),
      },
      'sub/s.ts',
    );
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
    for (const text of [
      r.stdout,
      r.stderr,
      ...readdirSync(r.dir)
        .filter((f) => f.startsWith('r.'))
        .map((f) => readFileSync(join(r.dir, f), 'utf8')),
    ]) {
      expect(text).not.toContain(token);
    }
  }, 60_000);
});

describe('httpbin: cookies, one jar per VU', () => {
  it('a cookie set by a redirect is sent on the next hop; the jar empties at each iteration; values never reach any output', async () => {
    const r = await run({
      's.ts': scenarioFile(
        `
    const before = await ctx.http.get('/cookies');
    check(before, { 'each iteration starts with an empty jar': (x) => Object.keys(x.json().cookies).length === 0 });
    const res = await ctx.http.get('/cookies/set?session=${COOKIE}');
    check(res, { 'the jar sent it after the redirect': (x) => x.url.endsWith('/cookies') && x.json().cookies.session === '${COOKIE}' });
    check(ctx.http.cookies.get('/'), { 'ctx.http.cookies.get': (c) => c.session === '${COOKIE}' });
    ctx.http.cookies.set('/', 'mine', 'scenarioSetValue42', { path: '/cookies' });
    const mine = await ctx.http.get('/cookies');
    check(mine, { 'ctx.http.cookies.set is sent': (x) => x.json().cookies.mine === 'scenarioSetValue42' });
    ctx.log('cookies seen:', mine.body);
    if (ctx.iteration === 1) throw new Error('failing on purpose with ' + mine.body);`,
        '',
        'burst({ vus: 1, iterations: 2 })',
      ),
    });
    expect(r.code, r.stderr).toBe(0);
    expectChecksPassed(r.json());
    expect(r.json().checks['each iteration starts with an empty jar'].passes).toBe(2);
    for (const text of [
      r.stdout,
      r.stderr,
      ...readdirSync(r.dir)
        .filter((f) => f.startsWith('r.'))
        .map((f) => readFileSync(join(r.dir, f), 'utf8')),
    ]) {
      expect(text).not.toContain('${COOKIE}');
      expect(text).not.toContain('scenarioSetValue42');
    }
    expect(r.stderr).toContain('cookies seen:'); // the log line was printed, masked
  }, 60_000);

  it("cookies: 'keep' keeps the jar across iterations; false turns it off", async () => {
    const body = `
    const seen = (await ctx.http.get('/cookies')).json().cookies;
    ctx.metrics.counter(seen.k ? 'kept' : 'empty').add();
    await ctx.http.get('/cookies/set?k=v');`;
    const keep = await run({
      's.ts': scenarioFile(body, '', 'burst({ vus: 1, iterations: 3 })').replace('stages:', "http: { cookies: 'keep' }, stages:"),
    });
    expect(keep.code, keep.stderr).toBe(0);
    expect(keep.json().metrics.kept?.count).toBe(2);
    const off = await run({
      's.ts': scenarioFile(
        `
    const res = await ctx.http.get('/cookies/set?k=v');
    ctx.metrics.counter(Object.keys(res.json().cookies).length ? 'sent' : 'not_sent').add();`,
        '',
        'burst({ vus: 1, iterations: 2 })',
      ).replace('stages:', 'http: { cookies: false }, stages:'),
    });
    expect(off.code, off.stderr).toBe(0);
    expect(off.json().metrics.not_sent?.count).toBe(2);
  }, 60_000);
});

describe('httpbin: redirect limit, tags, wire bytes', () => {
  it('a redirect chain longer than the limit ends with error.kind redirect after limit + 1 samples', async () => {
    const r = await run({
      's.ts': scenarioFile(`
    const res = await ctx.http.get('/redirect/20', { redirects: 10 });
    check(res, { 'stopped at the limit': (x) => x.status === 302 && x.error?.kind === 'redirect' && !x.ok });
    const off = await ctx.http.get('/redirect/1', { redirects: 0 });
    check(off, { 'redirects: 0 returns the 3xx': (x) => x.status === 302 && x.ok && !x.error });`),
    });
    expect(r.code, r.stderr).toBe(0);
    expectChecksPassed(r.json());
    const records = r.records();
    expect(records.length).toBe(11 + 1);
    expect(records.filter((x: any) => x.error === 'redirect').length).toBe(1);
    expect(r.json().errors.map((e: any) => e.kind)).toContain('redirect');
  }, 60_000);

  it('expected_response and error_code tags feed thresholds', async () => {
    const r = await run({
      's.ts': scenarioFile(`
    await ctx.http.get('/status/200');
    await ctx.http.get('/status/404');
    await ctx.http.get('/status/409', { expect: [409] });`).replace(
        'stages:',
        `thresholds: {
    'http_req_duration{expected_response:true}': ['max<10000'],
    'http_reqs{expected_response:true}': ['count==2'],
    'http_reqs{error_code:1404}': ['count==1'],
  }, stages:`,
      ),
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const th = r.json().thresholds as Record<string, { ok: boolean; actual: number | null }[]>;
    expect(Object.keys(th).length).toBe(3);
    expect(th['http_reqs{expected_response:true}'][0]).toMatchObject({ ok: true, actual: 2 });
    expect(
      Object.values(th)
        .flat()
        .every((t) => t.ok),
    ).toBe(true);
  }, 60_000);

  it('data_received counts the compressed bytes on the wire; the body is decoded', async () => {
    const r = await run(
      {
        's.ts': scenarioFile(`
    const res = await ctx.http.get('/');
    check(res, { 'decoded 100 kB': (x) => x.body.length === 100000 });`),
      },
      's.ts',
      gzipUrl,
    );
    expect(r.code, r.stderr).toBe(0);
    expectChecksPassed(r.json());
    const received = r.json().metrics.data_received.count;
    expect(received).toBeGreaterThanOrEqual(GZ.length);
    expect(received).toBeLessThan(GZ.length + 1000); // the status line and headers, not 100 kB
  }, 60_000);
});

describe('option mistakes', () => {
  const oneLine = (stderr: string) =>
    stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('rampart:'));

  it("an unknown request option is exit 107 with one line at the scenario's line", async () => {
    const r = await run({ 's.ts': scenarioFile(`    await ctx.http.get('/get', { header: { 'x-a': '1' } } as any);`) });
    expect(r.code, r.stderr).toBe(107);
    const lines = oneLine(r.stderr);
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/s\.ts:\d+:\d+: ctx\.http\.get: unknown option 'header' \(did you mean 'headers'\?\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);

  it("k6's post(url, body, params) is exit 107 naming the shape", async () => {
    const r = await run({ 's.ts': scenarioFile(`    await (ctx.http as any).post('/post', JSON.stringify({ a: 1 }), { headers: {} });`) });
    expect(r.code, r.stderr).toBe(107);
    expect(oneLine(r.stderr)[0]).toMatch(/post\(url, body, params\) is k6's call shape/);
  }, 60_000);

  it('http.redirects: -1 and a missing multipart file are exit 2 before any request', async () => {
    const bad = await run({ 's.ts': scenarioFile("    await ctx.http.get('/get');").replace('stages:', 'http: { redirects: -1 }, stages:') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/http\.redirects must be a whole number ≥ 0/);
    const missing = await run({ 's.ts': scenarioFile("    await ctx.http.post('/post', { multipart: { f } });", "const f = file('./nope.bin');") });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/file\('\.\/nope\.bin'\): cannot read .*nope\.bin: no such file/);
    const typo = await run({ 's.ts': scenarioFile("    await ctx.http.get('/get');").replace('stages:', "http: { header: { a: '1' } }, stages:") });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/http: unknown option 'header' \(did you mean 'headers'\?\)/);
  }, 60_000);
});
