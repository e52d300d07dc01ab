import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { rampart, workspace } from './support/cli.js';
import { limiter, results, STACK_LINE } from './support/reliability.js';
import { startTarget, type Target } from './support/target.js';
import { worstExitCode } from '../runner/verdict.js';

/**
 * The verdict (runner/verdict.ts): a run that measured nothing about its target (no request got
 * an HTTP response, every iteration threw, nothing ran) is never "passed" and exits 3, unless
 * --no-fail-unmeasured or rampart.yaml `failUnmeasured: false`. A target that answers, even
 * with 500s, was measured: thresholds decide.
 */

const run = limiter(2);
let target: Target;
let closedPort: number;
let resetServer: net.Server;
let resetPort: number;

/** A port that was bound and closed again: connecting to it is refused. */
async function closedPortNumber(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  target = await startTarget();
  closedPort = await closedPortNumber();
  // accepts, then resets every connection as soon as a request arrives: reachable, but no HTTP response
  resetServer = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => resetServer.listen(0, '127.0.0.1', resolve));
  resetPort = (resetServer.address() as AddressInfo).port;
});
afterAll(async () => {
  await target?.close();
  await new Promise((resolve) => resetServer?.close(resolve));
});

function scenarioText(o: { target: string; stages: string; body: string; extra?: string }): string {
  return `import { scenario, burst, soak } from 'rampart';
export default scenario({
  name: 'verdict', target: ${JSON.stringify(o.target)},
  stages: [${o.stages}],
  http: { timeout: '2s' },${o.extra ?? ''}
  ${o.body}
});
`;
}

async function runIn(files: Record<string, string>, args: string[] = []) {
  const dir = workspace(files);
  const res = await run(() => rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', ...args], { cwd: dir, timeoutMs: 30_000 }));
  expect(res.stderr).not.toMatch(STACK_LINE);
  return { dir, res, s: results(dir) };
}

/** The console's status line: the second line of the summary, after the scenario's name. */
const statusLine = (stdout: string) => stdout.trim().split('\n')[1]?.trim() ?? '';

const xsd = readFileSync(new URL('./fixtures/junit.xsd', import.meta.url), 'utf8');
async function junitValid(xml: string): Promise<boolean> {
  const r = await validateXML({ xml: [{ fileName: 'r.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: xsd }] });
  return r.valid;
}

describe.concurrent('a run that measured nothing', () => {
  it('closed port: exit 3, every report leads with "target unreachable: ECONNREFUSED <addr>, all N requests"; setup() reaching another host does not count', async () => {
    const { dir, res, s } = await runIn(
      {
        's.ts': scenarioText({
          target: `http://127.0.0.1:${closedPort}`,
          stages: 'burst({ vus: 2, iterations: 40 })',
          body: `async setup(ctx) { const r = await ctx.http.get(${JSON.stringify(`${target.url}/`)}); if (r.status !== 200) throw new Error('live target down'); },
  async iteration(ctx) { await ctx.http.get('/'); },`,
        }),
      },
      ['--out', 'junit=r.xml', '--out', 'html=r.html'],
    );
    const headline = `target unreachable: ECONNREFUSED 127.0.0.1:${closedPort}, all 40 requests`;
    expect(res.code, res.stderr).toBe(3);
    expect(s.exitCode).toBe(3);
    expect(s.verdict).toEqual({
      kind: 'no-response',
      message: headline,
      failsRun: true,
      requests: 40,
      iterations: 40,
      failedIterations: 0,
      errorKinds: { connect: 40 },
      target: `http://127.0.0.1:${closedPort}`,
    });
    expect(s.metrics.http_reqs.count).toBe(41); // setup's request is in the metrics, not in the verdict
    expect(statusLine(res.stdout)).toMatch(new RegExp(`^✗ ${headline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  \\S+  exit code 3$`));
    expect(res.stdout).not.toMatch(/passed/);

    const xml = await readFile(join(dir, 'r.xml'), 'utf8');
    expect(await junitValid(xml)).toBe(true);
    expect(xml).toMatch(
      /<testcase name="verdict measured its target" classname="rampart\.verdict"[^>]*>\s*<failure message="target unreachable: ECONNREFUSED [^"]+" type="no-response">/,
    );
    expect(xml).not.toMatch(/classname="rampart\.run"/); // exit 3 is reported by the verdict case, not twice

    const html = await readFile(join(dir, 'r.html'), 'utf8');
    const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    expect(header).toContain(`<p id="verdict" class="verdict bad">${headline}</p>`);
    expect(header).toMatch(/id="run-status" class="badge big bad">unmeasured</);
  });

  it('every iteration throws: exit 3, "every iteration failed: <message> at <file:line:col>, all N iterations"', async () => {
    const { res, s } = await runIn({
      's.ts': scenarioText({
        target: target.url,
        stages: 'burst({ vus: 2, iterations: 20 })',
        body: `async iteration(ctx) { await ctx.http.get('/'); throw new Error('boom'); },`,
      }),
    });
    expect(res.code, res.stderr).toBe(3);
    expect(s.verdict).toMatchObject({ kind: 'iterations-failed', failsRun: true, requests: 20, iterations: 20, failedIterations: 20 });
    expect(s.verdict.message).toMatch(/^every iteration failed: boom at s\.ts:\d+:\d+, all 20 iterations$/);
    expect(statusLine(res.stdout)).toMatch(/^✗ every iteration failed: boom at s\.ts:\d+:\d+, all 20 iterations /);
  });

  it('an iteration that never completes and sends nothing: exit 3, "nothing ran"', async () => {
    const { res, s } = await runIn({
      's.ts': scenarioText({
        target: target.url,
        stages: "soak({ vus: 1, for: '300ms' })",
        extra: "\n  gracefulStop: '0s',",
        body: `async iteration(ctx) { await ctx.sleep('30s'); },`,
      }),
    });
    expect(res.code, res.stderr).toBe(3);
    expect(s.verdict).toMatchObject({ kind: 'nothing-ran', requests: 0, iterations: 0 });
    expect(s.verdict.message).toBe('nothing ran: no request was sent and no iteration completed (1 interrupted)');
  });

  it('reset before any response, target with credentials: "no HTTP response", the target shown as ***@host', async () => {
    const password = 'pw-s3cret-verdict';
    const { res, s } = await runIn({
      's.ts': scenarioText({
        target: `http://alice:${password}@127.0.0.1:${resetPort}/base?token=${password}`,
        stages: 'burst({ vus: 1, iterations: 5 })',
        body: `async iteration(ctx) { await ctx.http.get('/'); },`,
      }),
    });
    expect(res.code, res.stderr).toBe(3);
    expect(s.verdict.kind).toBe('no-response');
    expect(s.verdict.errorKinds).toEqual({ reset: 5 });
    expect(s.verdict.target).toBe(`http://***@127.0.0.1:${resetPort}`);
    expect(s.verdict.message).toMatch(new RegExp(`^no HTTP response: .+ at http://\\*\\*\\*@127\\.0\\.0\\.1:${resetPort}, all 5 requests$`));
    expect(res.stdout).not.toContain(password);
    expect(JSON.stringify(s.verdict)).not.toContain(password);
  });
});

describe.concurrent('a run that reached its target is judged by thresholds', () => {
  it('every answer a 500: no verdict, exit 0 without thresholds and 99 with one', async () => {
    const body = `async iteration(ctx) { await ctx.http.get('/status/500'); },`;
    const plain = await runIn({ 's.ts': scenarioText({ target: target.url, stages: 'burst({ vus: 2, iterations: 20 })', body }) });
    expect(plain.res.code, plain.res.stderr).toBe(0);
    expect(plain.s.verdict).toBeUndefined();
    expect(plain.s.metrics.http_req_failed.trues).toBe(20);
    expect(statusLine(plain.res.stdout)).toMatch(/^✓ passed /);
    const judged = await runIn({
      's.ts': scenarioText({
        target: target.url,
        stages: 'burst({ vus: 2, iterations: 20 })',
        body,
        extra: "\n  thresholds: { http_req_failed: ['rate<0.5'] },",
      }),
    });
    expect(judged.res.code, judged.res.stderr).toBe(99);
    expect(judged.s.verdict).toBeUndefined();
  });

  it('some refused, some answered: no verdict, exit 0', async () => {
    const { res, s } = await runIn({
      's.ts': scenarioText({
        target: target.url,
        stages: 'burst({ vus: 2, iterations: 20 })',
        body: `async iteration(ctx) { await ctx.http.get(ctx.iteration % 2 ? ${JSON.stringify(`http://127.0.0.1:${closedPort}/`)} : '/'); },`,
      }),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(s.verdict).toBeUndefined();
    expect(s.metrics.http_reqs.count).toBe(20);
    const refused = s.errors.filter((e: any) => e.kind === 'connect').reduce((n: number, e: any) => n + e.count, 0);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(20);
  });
});

describe.concurrent('the off switch', () => {
  const closed = () =>
    scenarioText({
      target: `http://127.0.0.1:${closedPort}`,
      stages: 'burst({ vus: 1, iterations: 5 })',
      body: `async iteration(ctx) { await ctx.http.get('/'); },`,
    });

  it('--no-fail-unmeasured: exit 0, the verdict still leads (not "passed"); JUnit shows it skipped', async () => {
    const { dir, res, s } = await runIn({ 's.ts': closed() }, ['--no-fail-unmeasured', '--out', 'junit=r.xml']);
    expect(res.code, res.stderr).toBe(0);
    expect(s.verdict).toMatchObject({ kind: 'no-response', failsRun: false });
    expect(statusLine(res.stdout)).toMatch(
      /^! target unreachable: ECONNREFUSED 127\.0\.0\.1:\d+, all 5 requests \(fail-unmeasured off\)  \S+  exit code 0$/,
    );
    expect(res.stdout).not.toMatch(/passed/);
    const xml = await readFile(join(dir, 'r.xml'), 'utf8');
    expect(await junitValid(xml)).toBe(true);
    expect(xml).toMatch(/classname="rampart\.verdict"[^>]*>\s*<skipped message="target unreachable/);
    expect(xml).toMatch(/<testsuite [^>]*failures="0"[^>]*skipped="1"/);
  });

  it('rampart.yaml failUnmeasured: false turns it off, the flag turns it back on; a non-boolean is a usage error', async () => {
    const off = await runIn({ 's.ts': closed(), 'rampart.yaml': 'failUnmeasured: false\n' });
    expect(off.res.code, off.res.stderr).toBe(0);
    expect(off.s.verdict.failsRun).toBe(false);
    const on = await runIn({ 's.ts': closed(), 'rampart.yaml': 'failUnmeasured: false\n' }, ['--fail-unmeasured']);
    expect(on.res.code, on.res.stderr).toBe(3);
    const dir = workspace({ 's.ts': closed(), 'rampart.yaml': "failUnmeasured: 'no'\n" });
    const bad = await run(() => rampart(['run', 's.ts', '--quiet'], { cwd: dir, timeoutMs: 30_000 }));
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("rampart: rampart.yaml:1: 'failUnmeasured' must be true or false");
  });
});

describe('several profiles', () => {
  it('the worst exit code: errors and interruptions over "measured nothing" over a failed threshold', () => {
    expect(worstExitCode([0, 3, 99])).toBe(3);
    expect(worstExitCode([99, 0])).toBe(99);
    expect(worstExitCode([3, 105])).toBe(105);
    expect(worstExitCode([107, 3])).toBe(107);
  });
});
