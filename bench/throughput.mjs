// rampart vs autocannon against the same fast local server, in the same minute.
//   node bench/throughput.mjs [rounds=3] [seconds=10] [connections=50]
// rampart: one worker, 50 VUs, each iteration one GET and one check (the scenario).
// autocannon: -c 50 for the same duration. undici: a bare request() loop on 50 connections,
// the floor rampart's HTTP stands on. The order rotates each round; medians are quoted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeServer } from './target.mjs';
import { median } from './measure.mjs';

const [rounds = 3, seconds = 10, vus = 50] = process.argv.slice(2).map(Number);
const root = fileURLToPath(new URL('..', import.meta.url));

const { url, server } = await startNodeServer();

const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
writeFileSync(
  join(dir, 'bench.ts'),
  `import { scenario, soak, check } from 'rampart';
export default scenario({
  name: 'throughput',
  target: '${url}',
  stages: [soak({ vus: ${vus}, for: '${seconds}s' })],
  async iteration(ctx) {
    const res = await ctx.http.get('/');
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
`,
);

function runRampart() {
  const out = join(dir, 'r.json');
  const r = spawnSync(process.execPath, [join(root, 'bin/rampart.js'), 'run', 'bench.ts', '-q', '--out', `json=${out}`], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`rampart failed: ${r.stderr}`);
  const res = JSON.parse(readFileSync(out, 'utf8'));
  return {
    rps: res.metrics.http_reqs.count / (res.durationMs / 1000),
    p50: res.metrics.http_req_duration.med,
    p99: res.metrics.http_req_duration.p99,
  };
}

function runAutocannon() {
  const r = spawnSync(join(root, 'node_modules/.bin/autocannon'), ['-c', String(vus), '-d', String(seconds), '--json', url], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`autocannon failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  return { rps: res.requests.total / res.duration, p50: res.latency.p50, p99: res.latency.p99 };
}

function runUndici() {
  const r = spawnSync(process.execPath, [join(root, 'bench/undici-loop.mjs'), url, String(seconds), String(vus)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`undici loop failed: ${r.stderr}`);
  return { rps: JSON.parse(r.stdout).rps, p50: NaN, p99: NaN };
}

const tools = { rampart: runRampart, autocannon: runAutocannon, undici: runUndici };
const results = { rampart: [], autocannon: [], undici: [] };
const names = Object.keys(tools);
for (let i = 0; i < rounds; i++) {
  const order = names.map((_, k) => names[(k + i) % names.length]);
  for (const tool of order) {
    const r = tools[tool]();
    results[tool].push(r);
    console.log(`round ${i + 1} ${tool.padEnd(10)} ${Math.round(r.rps)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms`);
  }
}
server.kill('SIGTERM');
const med = (tool, key) => median(results[tool].map((r) => r[key]));
const ratio = med('rampart', 'rps') / med('autocannon', 'rps');
console.log(
  `\nmedian of ${rounds} rounds, ${seconds}s each, ${vus} connections, node ${process.version}, ${(await import('node:os')).cpus().length} cores`,
);
console.log(`rampart    ${Math.round(med('rampart', 'rps'))} req/s  (p50 ${med('rampart', 'p50')} ms, p99 ${med('rampart', 'p99')} ms)`);
console.log(`autocannon ${Math.round(med('autocannon', 'rps'))} req/s  (p50 ${med('autocannon', 'p50')} ms, p99 ${med('autocannon', 'p99')} ms)`);
console.log(`undici     ${Math.round(med('undici', 'rps'))} req/s  (bare request() loop, no measurement)`);
console.log(`ratio rampart/autocannon: ${ratio.toFixed(2)}; rampart/bare undici: ${(med('rampart', 'rps') / med('undici', 'rps')).toFixed(2)}`);
