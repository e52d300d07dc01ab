/**
 * Two of k6's own documentation examples, ported to rampart (examples/k6-*.ts), run against
 * Debian's httpbin: cookies through a redirect, and a multipart upload with a form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rampart, readJson } from './support/cli.js';
import { startHttpbin, type Httpbin } from './support/httpbin.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rampart-k6-examples-'));
let httpbin: Httpbin;
beforeAll(async () => {
  httpbin = await startHttpbin();
}, 30_000);
afterAll(async () => {
  await httpbin?.stop();
  rmSync(out, { recursive: true, force: true });
});

async function runExample(file: string) {
  const json = join(out, `${file}.json`);
  const r = await rampart(['run', file, '--quiet', '-e', `HTTPBIN=${httpbin.url}`, '--out', `json=${json}`], { cwd: EXAMPLES });
  return { ...r, results: readJson(json) };
}

describe("k6's examples, ported", () => {
  it('cookies and a redirect: every check passes; each redirect hop is a sample of its own', async () => {
    const r = await runExample('k6-cookies-redirect.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.results.checks["jar has cookie 'my_cookie'"]).toEqual({ passes: 4, fails: 0 });
    expect(r.results.checks['server saw both cookies']).toEqual({ passes: 4, fails: 0 });
    expect(r.results.checks["no cookie 'my_cookie' after clear"]).toEqual({ passes: 4, fails: 0 });
    // per iteration: the login (302), the set (302) and its hop to /cookies (200), /cookies after clear
    expect(r.results.metrics.http_reqs.count).toBe(16);
    expect(r.results.metrics['http_reqs{status:302}'].count).toBe(8);
    expect(r.results.thresholds['http_req_duration{expected_response:true}'][0].ok).toBe(true);
    // the cookie's value is a credential: masked in every output
    expect(r.stdout + r.stderr + JSON.stringify(r.results)).not.toContain('k6-port');
  });

  it('a multipart upload and an urlencoded form reach the server whole', async () => {
    const r = await runExample('k6-file-upload.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.results.metrics.checks.trues).toBe(16);
    expect(r.results.metrics.checks.falses).toBe(0);
    expect(r.results.metrics.http_reqs.count).toBe(8);
  });
});
