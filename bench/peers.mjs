// rampart against its peers on one nginx, the issue 11 table: req/s, CPU µs per request, peak RSS.
//   node bench/peers.mjs [rounds=3] [seconds=8] [connections=50] [BASE_DIR]
// BASE_DIR: another built checkout of rampart, measured as one more row (before/after in one run).
// Target: Debian's nginx on 127.0.0.1 (apt-get installed when missing, root needed), serving a
// 2-byte body with keepalive_requests 1000000. Generators: wrk (apt-get installed when missing,
// skipped if that fails), autocannon (devDependency), a bare undici request() loop, a bare
// undici dispatch() loop with an empty handler (rampart's floor), rampart with one worker thread
// and with --workers 2 (one GET + one check() per iteration, 50 VUs closed).
// Each runs under /usr/bin/time: CPU = user + sys of the whole process, per request counted by
// the tool; peak RSS is the process's maximum resident set. The order rotates each round and
// medians are quoted: on a shared machine read the ratios, not the absolute numbers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensure, startNginx } from './target.mjs';

const [rounds = 3, seconds = 8, vus = 50] = process.argv.slice(2, 5).map(Number);
// another built checkout of rampart (e.g. a git worktree of an older commit): its one-thread run is a row too
const base = process.argv[5];
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rampart-peers-'));
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const haveWrk = ensure('/usr/bin/wrk', 'wrk');
const nginx = startNginx();
const url = nginx.url;
writeFileSync(
  join(dir, 'bench.ts'),
  `import { scenario, soak, check } from 'rampart';
export default scenario({
  name: 'peers', target: '${url}',
  stages: [soak({ vus: ${vus}, for: '${seconds}s' })],
  async iteration(ctx) { check(await ctx.http.get('/'), { 'status is 200': (r) => r.status === 200 }); },
});
`,
);

/** Runs a command under /usr/bin/time; returns its stdout, CPU seconds and peak RSS (MB). */
function timed(cmd, args, cwd = dir) {
  const r = spawnSync('/usr/bin/time', ['-f', 'peers-time %U %S %M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /peers-time ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
  return { stdout: r.stdout, cpu: Number(m[1]) + Number(m[2]), rssMb: Number(m[3]) / 1024 };
}

function rampart(workers, checkout = root) {
  return () => {
    const out = join(dir, 'r.json');
    const t = timed(process.execPath, [
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
    return { ...t, requests: res.metrics.http_reqs.count, secs: res.durationMs / 1000, p50: res.metrics.http_req_duration.med };
  };
}
const tools = {
  ...(haveWrk && {
    wrk: () => {
      const t = timed('/usr/bin/wrk', ['-t1', `-c${vus}`, `-d${seconds}s`, '--latency', url]);
      const requests = Number(/(\d+) requests in/.exec(t.stdout)[1]);
      const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(t.stdout);
      return { ...t, requests, secs: seconds, p50: p50 ? Number(p50[1]) * { us: 0.001, ms: 1, s: 1000 }[p50[2]] : NaN };
    },
  }),
  autocannon: () => {
    const t = timed(join(root, 'node_modules/.bin/autocannon'), ['-c', String(vus), '-d', String(seconds), '--json', url]);
    const res = JSON.parse(t.stdout);
    return { ...t, requests: res.requests.total, secs: res.duration, p50: res.latency.p50 };
  },
  'bare undici loop': () => {
    const t = timed(process.execPath, [join(root, 'bench/undici-loop.mjs'), url, String(seconds), String(vus)]);
    return { ...t, requests: JSON.parse(t.stdout).rps * seconds, secs: seconds, p50: NaN };
  },
  // rampart's own floor: the dispatch API it is built on, with an empty handler
  'bare undici dispatch': () => {
    const t = timed(process.execPath, [join(root, 'bench/undici-dispatch-loop.mjs'), url, String(seconds), String(vus)]);
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
      const r = tools[name]();
      results[name].push({ rps: r.requests / r.secs, cpuUs: (r.cpu * 1e6) / r.requests, rssMb: r.rssMb, p50: r.p50 });
      console.error(`round ${i + 1} ${name}: ${Math.round(r.requests / r.secs)} req/s`);
    }
  }
} finally {
  nginx.stop();
  rmSync(dir, { recursive: true, force: true });
}

const med = (name, key) => median(results[name].map((r) => r[key]));
const ac = { rps: med('autocannon', 'rps'), cpuUs: med('autocannon', 'cpuUs') };
console.log(`\nnginx on loopback, ${vus} connections, ${seconds}s, median of ${rounds} rounds, node ${process.version}`);
console.log('| generator | req/s | CPU µs per request | × autocannon CPU | peak RSS | p50 ms |');
console.log('|---|---|---|---|---|---|');
for (const name of Object.keys(tools)) {
  const cpu = med(name, 'cpuUs');
  console.log(
    `| ${name} | ${Math.round(med(name, 'rps')).toLocaleString('en')} | ${cpu.toFixed(1)} | ${(cpu / ac.cpuUs).toFixed(2)} | ${Math.round(med(name, 'rssMb'))} MB | ${Number.isFinite(med(name, 'p50')) ? med(name, 'p50').toFixed(3) : '–'} |`,
  );
}
if (!haveWrk) console.log('(wrk could not be installed: apt-get install -y wrk, as root)');
console.log('\nstart-up: node bench/startup.mjs; warm start: docs/benchmarks.md');
