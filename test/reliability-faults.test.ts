import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampart, workspace } from './support/cli.js';
import { HUGE_BYTES, startFaultTarget, type FaultTarget } from './support/fault-target.js';
import { accounting, errorsByKind, limiter, results, STACK_LINE } from './support/reliability.js';

/**
 * The fault matrix: every way a target can misbehave, one short CLI run each, then a mix on
 * two worker threads. Each run must end (exit 0, 99 when a threshold says so, or 3 when no
 * request got an HTTP response: runner/verdict.ts), give every
 * iteration exactly one outcome, count every request once, and group its errors by kind.
 */

const N = 8;
const VUS = 4;
const run = limiter(2);

let target: FaultTarget;
beforeAll(async () => {
  target = await startFaultTarget();
});
afterAll(async () => {
  await target?.close();
});

interface Fault {
  route: string;
  /** the error group the fault must land in ('http 503' for statuses), or null for none */
  kind: string | null;
  /** request options */
  opts?: string;
  /** where the URL points: the fault target, a refused port, or the garbage-TLS port */
  origin?: 'refused' | 'tls';
  /** no request gets a status line: the run measured nothing and exits 3 */
  noResponse?: true;
}

const FAULTS: Fault[] = [
  { route: '/ok', kind: null },
  { route: '/reset-before-headers', kind: 'reset', noResponse: true },
  { route: '/reset-mid-body', kind: 'reset' },
  { route: '/hang-after-headers', kind: 'timeout' },
  { route: '/drip', kind: 'timeout' },
  { route: '/malformed-status', kind: 'protocol', noResponse: true },
  { route: '/bad-content-length', kind: 'protocol' },
  { route: '/huge', kind: null, opts: "{ responseType: 'none' }" },
  { route: '/5xx', kind: 'http 503' },
  { route: '/429', kind: 'http 429' },
  { route: '/', kind: 'connect', origin: 'refused', noResponse: true },
  { route: '/', kind: 'tls', origin: 'tls', noResponse: true },
];

const urlOf = (f: Fault) => (f.origin === 'refused' ? target.refusedUrl : f.origin === 'tls' ? target.tlsUrl : target.url) + f.route;

function scenarioText(stage: string, body: string, extra = ''): string {
  return `import { scenario, burst } from 'rampart';
export default scenario({
  name: 'faults', target: ${JSON.stringify(target.url)},
  stages: [${stage}],
  http: { timeout: '500ms' },
  gracefulStop: '5s',${extra}
  ${body}
});
`;
}

async function runScenario(text: string, args: string[] = []) {
  const dir = workspace({ 's.ts': text });
  const res = await run(() => rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', ...args], { cwd: dir, timeoutMs: 30_000 }));
  return { dir, res };
}

describe.concurrent('every fault of the target', () => {
  for (const f of FAULTS) {
    it(`${f.origin ?? f.route}: completes, one outcome per iteration, errors grouped as ${f.kind ?? 'none'}`, async () => {
      const before = target.stats.byPath[f.route] ?? 0;
      const { dir, res } = await runScenario(
        scenarioText(
          `burst({ vus: ${VUS}, iterations: ${N} })`,
          `async iteration(ctx) { await ctx.http.get(${JSON.stringify(urlOf(f))}${f.opts ? `, ${f.opts}` : ''}); },`,
        ),
      );
      expect(res.stderr).not.toMatch(STACK_LINE);
      expect(res.code, res.stderr).toBe(f.noResponse ? 3 : 0);
      const s = results(dir);
      expect(s.verdict?.kind).toBe(f.noResponse ? 'no-response' : undefined);
      const a = accounting(s);
      expect(a.iterations + a.interrupted).toBe(N);
      expect(a.interrupted).toBe(0);
      expect(a.requests).toBe(N);
      expect(a.failedTrues + a.failedFalses).toBe(a.requests);
      expect(a.failedTrues).toBe(f.kind ? N : 0);
      expect(errorsByKind(s)).toEqual(f.kind ? { [f.kind]: N } : {});
      if (!f.origin) {
        // the target saw each request exactly once (no hidden retry, no double count)
        expect((target.stats.byPath[f.route] ?? 0) - before).toBe(N);
      }
      if (f.route === '/huge') {
        // wire bytes: every body in full, plus each response's status line and headers
        expect(s.metrics.data_received.count).toBeGreaterThan(N * HUGE_BYTES);
        expect(s.metrics.data_received.count).toBeLessThan(N * (HUGE_BYTES + 1024));
        // undici's dump() stops at 128 KiB and closes the socket unless told otherwise: keep-alive must survive
        expect(target.stats.connectionsByPath['/huge']).toBeLessThanOrEqual(VUS);
      }
    });
  }
});

describe('a mix of every fault on two worker threads', () => {
  it('counts each kind exactly and exits 99 when the failure threshold breaks', async () => {
    const fresh = await startFaultTarget();
    try {
      const urls = FAULTS.map((f) => (f.origin === 'refused' ? fresh.refusedUrl : f.origin === 'tls' ? fresh.tlsUrl : fresh.url) + f.route);
      // each thread cycles through the list; 24 iterations per thread = twice through 12 routes
      const total = 48;
      const { dir, res } = await runScenario(
        `import { scenario, burst } from 'rampart';
const URLS = ${JSON.stringify(urls)};
let k = 0;
export default scenario({
  name: 'mix', stages: [burst({ vus: 6, iterations: ${total} })], http: { timeout: '500ms' },
  thresholds: { http_req_failed: ['rate<0.01'] },
  async iteration(ctx) { const url = URLS[k++ % URLS.length]; await ctx.http.get(url, url.endsWith('/huge') ? { responseType: 'none' } : {}); },
});
`,
        ['--workers', '2'],
      );
      expect(res.stderr).not.toMatch(STACK_LINE);
      expect(res.code, res.stderr).toBe(99);
      const s = results(dir);
      const a = accounting(s);
      expect(a.iterations + a.interrupted).toBe(total);
      expect(a.requests).toBe(total);
      expect(a.failedTrues + a.failedFalses).toBe(total);
      const per = total / FAULTS.length;
      expect(a.failedFalses).toBe(2 * per); // /ok and /huge
      expect(errorsByKind(s)).toEqual({
        reset: 2 * per,
        timeout: 2 * per,
        protocol: 2 * per,
        connect: per,
        tls: per,
        'http 503': per,
        'http 429': per,
      });
      for (const f of FAULTS) if (!f.origin) expect(fresh.stats.byPath[f.route], f.route).toBe(per);
      expect(s.thresholds.http_req_failed[0].ok).toBe(false);
      // one group per faulty route, whatever the thread (OpenSSL messages carry a per-thread address)
      expect(s.errors, JSON.stringify(s.errors, null, 1)).toHaveLength(10);
      expect(s.errors.find((e: any) => e.kind === 'tls').message).toMatch(/^GET \/: SSL routines: wrong version number$/);
    } finally {
      await fresh.close();
    }
  });
});
