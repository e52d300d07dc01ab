import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rampart, readJson, workspace, type CliResult } from './cli.js';

/**
 * An open-model soak of rampart against a local target, watched from outside: the rampart
 * process's RSS and open file descriptors (from /proc, Linux only) and the worker thread's
 * event-loop delay (logged by the scenario itself). Shared by test/reliability-soak.test.ts
 * (15 s) and bench/soak.ts (10 min).
 */

export interface ProcessSample {
  /** ms since the run started */
  t: number;
  rssMb: number;
  fds: number;
}

export interface LoopDelay {
  t: number;
  p99Ms: number;
  maxMs: number;
}

export interface SoakOptions {
  url: string;
  rate: number;
  seconds: number;
  maxVUs: number;
  sampleMs?: number;
  /** called with each sample as it is taken (the bench prints them) */
  onSample?: (s: ProcessSample) => void;
}

export interface SoakReport {
  res: CliResult;
  summary: any;
  samples: ProcessSample[];
  loop: LoopDelay[];
}

/** RSS (MiB) and open fds of a process, or null once it is gone. */
export function sampleProcess(pid: number): { rssMb: number; fds: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
    return { rssMb: rssKb / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null;
  }
}

function scenarioText(o: SoakOptions): string {
  return `import { scenario, soak } from 'rampart';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

// the load runs on a worker thread: measure that thread's event loop, and log it once a second
const delay = monitorEventLoopDelay({ resolution: 10 });
if (!isMainThread) delay.enable();
const t0 = Date.now();
let last = t0;

export default scenario({
  name: 'soak', target: ${JSON.stringify(o.url)},
  stages: [soak({ rate: ${o.rate}, for: '${o.seconds}s', maxVUs: ${o.maxVUs} })],
  http: { timeout: '5s' },
  async iteration(ctx) {
    await ctx.http.get('/');
    const now = Date.now();
    if (now - last >= 1000) {
      last = now;
      ctx.log('loop-delay t=' + (now - t0) + ' p99=' + (delay.percentile(99) / 1e6).toFixed(2) + ' max=' + (delay.max / 1e6).toFixed(2));
      delay.reset();
    }
  },
});
`;
}

export function parseLoopDelays(stderr: string): LoopDelay[] {
  return [...stderr.matchAll(/loop-delay t=(\d+) p99=([\d.]+) max=([\d.]+)/g)].map((m) => ({
    t: Number(m[1]),
    p99Ms: Number(m[2]),
    maxMs: Number(m[3]),
  }));
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const dir = workspace({ 'soak.ts': scenarioText(o) });
  const samples: ProcessSample[] = [];
  let timer: NodeJS.Timeout | undefined;
  const t0 = Date.now();
  const res = await rampart(['run', 'soak.ts', '--quiet', '--out', `json=${join(dir, 'r.json')}`], {
    cwd: dir,
    timeoutMs: (o.seconds + 60) * 1000,
    onSpawn: (child) => {
      timer = setInterval(() => {
        const s = child.pid ? sampleProcess(child.pid) : null;
        if (!s) return;
        const sample = { t: Date.now() - t0, ...s };
        samples.push(sample);
        o.onSample?.(sample);
      }, o.sampleMs ?? 500);
    },
  });
  clearInterval(timer);
  return { res, summary: res.code === 0 ? readJson(join(dir, 'r.json')) : null, samples, loop: parseLoopDelays(res.stderr) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Medians of the first and the last third of the load (by time), for any sampled value. */
export function thirds<T extends { t: number }>(xs: T[], loadMs: number, value: (x: T) => number): { first: number; last: number } {
  const first = xs.filter((x) => x.t <= loadMs / 3).map(value);
  const last = xs.filter((x) => x.t >= (2 * loadMs) / 3 && x.t <= loadMs).map(value);
  return { first: median(first), last: median(last) };
}

/** The numbers docs/reliability.md quotes, as one line per quantity. */
export function describeSoak(r: SoakReport, o: SoakOptions): string {
  const loadMs = o.seconds * 1000;
  const rss = thirds(r.samples, loadMs, (s) => s.rssMb);
  const fds = thirds(r.samples, loadMs, (s) => s.fds);
  const loop = thirds(r.loop, loadMs, (l) => l.p99Ms);
  const m = r.summary?.metrics ?? {};
  const arrivals = o.rate * o.seconds;
  return [
    `soak: ${o.rate} it/s for ${o.seconds}s (maxVUs ${o.maxVUs}), exit ${r.res.code}`,
    `requests ${m.http_reqs?.count ?? 0} (${(m.http_reqs?.rate ?? 0).toFixed(0)}/s), dropped ${m.dropped_iterations?.count ?? 0} of ${arrivals} arrivals, failed ${m.http_req_failed?.trues ?? 0}`,
    `latency ms: p50 ${m.http_req_duration?.med} p99 ${m.http_req_duration?.p99} max ${m.http_req_duration?.max}`,
    `RSS MiB (median, first → last third): ${rss.first.toFixed(1)} → ${rss.last.toFixed(1)}; max ${Math.max(...r.samples.map((s) => s.rssMb)).toFixed(1)}`,
    `open fds: ${fds.first} → ${fds.last}; max ${Math.max(...r.samples.map((s) => s.fds))}`,
    `event-loop delay p99 ms (worker thread): ${loop.first.toFixed(1)} → ${loop.last.toFixed(1)}; worst max ${Math.max(...r.loop.map((l) => l.maxMs)).toFixed(1)}`,
  ].join('\n');
}
