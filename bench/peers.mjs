// rampart against its peers on one nginx, the issue 11 table: req/s, CPU µs per request, peak RSS.
//   node bench/peers.mjs [rounds=3] [seconds=8] [connections=50] [BASE_DIR]
// BASE_DIR: another built checkout of rampart, measured as one more row (before/after in one run).
// Target: Debian's nginx on 127.0.0.1 (apt-get installed when missing, root needed), serving a
// 2-byte body with keepalive_requests 1000000. Generators: wrk (apt-get installed when missing,
// skipped if that fails), autocannon (devDependency), a bare undici request() loop, a bare
// undici dispatch() loop with an empty handler (rampart's floor), rampart with one worker thread
// and with --workers 2 (one GET + one check() per iteration, 50 VUs closed).
// Each runs under /usr/bin/time: CPU = user + sys of the whole process, per request counted by
// the tool; peak RSS is the process's maximum resident set. "Steady" is the CPU of every thread
// of the process per request from 2 s in to the last second (sampled from /proc; rampart's
// requests counted from its timeline): the per-request cost without start-up and exit.
// The order rotates each round and medians are quoted: on a shared machine read the ratios,
// not the absolute numbers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedGetScenario, median, timed as timedIn } from './measure.mjs';
import { ensure, startNginx } from './target.mjs';

const [rounds = 3, seconds = 8, vus = 50] = process.argv.slice(2, 5).map(Number);
// another built checkout of rampart (e.g. a git worktree of an older commit): its one-thread run is a row too
const base = process.argv[5];
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rampart-peers-'));

const timed = (cmd, args) => timedIn(cmd, args, dir);
const haveWrk = ensure('/usr/bin/wrk', 'wrk');
const nginx = startNginx();
const url = nginx.url;
writeFileSync(join(dir, 'bench.ts'), closedGetScenario('peers', url, vus, seconds));

/**
 * CPU µs per request once the run is going: from 2 s in to 1 s before the end, at a steady rate
 * (`requests` over `secs` ending about when the process ended). rampart's own figure reads its
 * timeline instead (steadyOfRampart).
 */
function steadyUs(t, requests, secs) {
  const from = t.endedAt - secs * 1000 + 2000;
  const to = t.endedAt - 1000;
  return (t.cpuBetween(from, to) * 1000) / ((requests * (to - from)) / (secs * 1000));
}

/** rampart's steady state: the timeline's interval points from 2 s in to the last whole second. */
function steadyOfRampart(t, res) {
  const t0 = Date.parse(res.startedAt);
  const points = res.timeline.filter((p) => p.t >= 2000 && p.t <= res.durationMs - 500);
  if (points.length < 2) return Number.NaN;
  const [a, b] = [points[0].t, points[points.length - 1].t];
  const requests = points.slice(1).reduce((n, p) => n + p.iterations, 0);
  return (t.cpuBetween(t0 + a, t0 + b) * 1000) / requests;
}

function rampart(workers, checkout = root) {
  return async () => {
    const out = join(dir, 'r.json');
    const t = await timed(process.execPath, [
      join(checkout, 'bin/rampart.js'),
      'run',
      'bench.ts',
      '-q',
      '--workers',
      String(workers),
      '--out',
      `json=${out}`,
    ]);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    return {
      ...t,
      requests: res.metrics.http_reqs.count,
      secs: res.durationMs / 1000,
      p50: res.metrics.http_req_duration.med,
      steady: steadyOfRampart(t, res),
    };
  };
}
const tools = {
  ...(haveWrk && {
    wrk: async () => {
      const t = await timed('/usr/bin/wrk', ['-t1', `-c${vus}`, `-d${seconds}s`, '--latency', url]);
      const requests = Number(/(\d+) requests in/.exec(t.stdout)[1]);
      const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(t.stdout);
      return { ...t, requests, secs: seconds, p50: p50 ? Number(p50[1]) * { us: 0.001, ms: 1, s: 1000 }[p50[2]] : NaN };
    },
  }),
  autocannon: async () => {
    const t = await timed(join(root, 'node_modules/.bin/autocannon'), ['-c', String(vus), '-d', String(seconds), '--json', url]);
    const res = JSON.parse(t.stdout);
    return { ...t, requests: res.requests.total, secs: res.duration, p50: res.latency.p50 };
  },
  'bare undici loop': async () => {
    const t = await timed(process.execPath, [join(root, 'bench/undici-loop.mjs'), url, String(seconds), String(vus)]);
    return { ...t, requests: JSON.parse(t.stdout).rps * seconds, secs: seconds, p50: NaN };
  },
  // rampart's own floor: the dispatch API it is built on, with an empty handler
  'bare undici dispatch': async () => {
    const t = await timed(process.execPath, [join(root, 'bench/undici-dispatch-loop.mjs'), url, String(seconds), String(vus)]);
    return { ...t, requests: JSON.parse(t.stdout).done, secs: seconds, p50: NaN };
  },
  'rampart, 1 thread': rampart(1),
  'rampart --workers 2': rampart(2),
  ...(base && { 'rampart, 1 thread (base)': rampart(1, base) }),
};

const results = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
try {
  const names = Object.keys(tools);
  for (let i = 0; i < rounds; i++) {
    for (const name of names.map((_, k) => names[(k + i) % names.length])) {
      const r = await tools[name]();
      const steady = r.steady ?? steadyUs(r, r.requests, r.secs);
      results[name].push({ rps: r.requests / r.secs, cpuUs: (r.cpu * 1e6) / r.requests, steady, rssMb: r.rssMb, p50: r.p50 });
      console.error(`round ${i + 1} ${name}: ${Math.round(r.requests / r.secs)} req/s`);
    }
  }
} finally {
  nginx.stop();
  rmSync(dir, { recursive: true, force: true });
}

const med = (name, key) => median(results[name].map((r) => r[key]));
const ac = { rps: med('autocannon', 'rps'), cpuUs: med('autocannon', 'cpuUs'), steady: med('autocannon', 'steady') };
console.log(`\nnginx on loopback, ${vus} connections, ${seconds}s, median of ${rounds} rounds, node ${process.version}`);
console.log('| generator | req/s | CPU µs per request | × autocannon CPU | steady CPU µs per request | × autocannon | peak RSS | p50 ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const name of Object.keys(tools)) {
  const cpu = med(name, 'cpuUs');
  const steady = med(name, 'steady');
  console.log(
    `| ${name} | ${Math.round(med(name, 'rps')).toLocaleString('en')} | ${cpu.toFixed(1)} | ${(cpu / ac.cpuUs).toFixed(2)} | ${steady.toFixed(1)} | ${(steady / ac.steady).toFixed(2)} | ${Math.round(med(name, 'rssMb'))} MB | ${Number.isFinite(med(name, 'p50')) ? med(name, 'p50').toFixed(3) : '–'} |`,
  );
}
if (!haveWrk) console.log('(wrk could not be installed: apt-get install -y wrk, as root)');
console.log('\nstart-up: node bench/startup.mjs; warm start: docs/benchmarks.md');
