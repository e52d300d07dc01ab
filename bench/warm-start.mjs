// Issue 11's warm start: an open-model soak at 5,000 it/s (maxVUs 300) against nginx on loopback.
// Does the first second drop iterations, and how does its p99 compare with the seconds after it?
//   node bench/warm-start.mjs [rounds=3] [seconds=6] [rate=5000]
// Per round: dropped iterations in the first timeline second and in the rest, the first second's
// p99, the median p99 of the later seconds, and event_loop_delay (one value per interval: that
// interval's p99 of the worker's loop delay) as its median and max over the run. Medians of rounds.
// Then one more round under --trace-opt --trace-deopt (not timed): how many functions V8
// optimizes and deoptimizes in the first 500 ms after t=0, a count that the machine's noise does
// not move much; warm-up is meant to leave little of either (docs/benchmarks.md, warm start).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNginx } from './target.mjs';

const [rounds = 3, seconds = 6, rate = 5000] = process.argv.slice(2).map(Number);
const root = fileURLToPath(new URL('..', import.meta.url));
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const dir = mkdtempSync(join(tmpdir(), 'rampart-warm-'));
const nginx = startNginx();
// the traced round's scenario marks t=0 and 500 ms (at the rate, the iteration that falls due then) on stdout
writeFileSync(
  join(dir, 'traced.ts'),
  `import { scenario, soak, check } from 'rampart';
import { writeSync } from 'node:fs';
let n = 0;
export default scenario({
  name: 'warm start, traced', target: '${nginx.url}',
  stages: [soak({ rate: ${rate}, for: '2s', maxVUs: 300 })],
  async iteration(ctx) {
    if (n === 0) writeSync(1, '@@t0\\n');
    if (n++ === ${rate / 2}) writeSync(1, '@@t500\\n');
    check(await ctx.http.get('/'), { 'status is 200': (r) => r.status === 200 });
  },
});
`,
);
writeFileSync(
  join(dir, 'warm.ts'),
  `import { scenario, soak, check } from 'rampart';
export default scenario({
  name: 'warm start', target: '${nginx.url}',
  stages: [soak({ rate: ${rate}, for: '${seconds}s', maxVUs: 300 })],
  async iteration(ctx) { check(await ctx.http.get('/'), { 'status is 200': (r) => r.status === 200 }); },
});
`,
);
const rows = [];
const jit = { optimized: NaN, deoptimized: NaN };
try {
  for (let i = 0; i < rounds; i++) {
    const out = join(dir, 'r.json');
    const r = spawnSync(process.execPath, [join(root, 'bin/rampart.js'), 'run', 'warm.ts', '-q', '--out', `json=${out}`], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`rampart exited ${r.status}: ${r.stderr.slice(-400)}`);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    const [first, ...rest] = res.timeline;
    const loop = res.metrics.event_loop_delay;
    const row = {
      firstDropped: first.dropped ?? 0,
      laterDropped: rest.reduce((n, p) => n + (p.dropped ?? 0), 0),
      firstP99: first.p99,
      laterP99: median(rest.map((p) => p.p99)),
      loopMed: loop?.med ?? NaN,
      loopMax: loop?.max ?? NaN,
    };
    rows.push(row);
    console.error(`round ${i + 1}: ${JSON.stringify(row)}`);
  }
  const traced = spawnSync(process.execPath, ['--trace-opt', '--trace-deopt', join(root, 'bin/rampart.js'), 'run', 'traced.ts', '-q'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const lines = traced.stdout.split('\n');
  const [from, to] = [lines.indexOf('@@t0'), lines.indexOf('@@t500')];
  if (from >= 0 && to > from) {
    const first = lines.slice(from, to);
    jit.optimized = first.filter((l) => l.includes('completed optimizing')).length;
    jit.deoptimized = first.filter((l) => l.includes('bailout (kind: deopt')).length;
  }
} finally {
  nginx.stop();
  rmSync(dir, { recursive: true, force: true });
}
const med = (k) => median(rows.map((r) => r[k]));
console.log(`\nopen-model soak at ${rate}/s for ${seconds}s, maxVUs 300, nginx on loopback, median of ${rounds} rounds`);
console.log('| dropped, first second | dropped, later | p99 first second | p99 later seconds | event_loop_delay med / max |');
console.log('|---|---|---|---|---|');
console.log(
  `| ${med('firstDropped')} | ${med('laterDropped')} | ${med('firstP99').toFixed(2)} ms | ${med('laterP99').toFixed(2)} ms | ${med('loopMed').toFixed(1)} / ${med('loopMax').toFixed(1)} ms |`,
);
console.log(
  `\nfirst 500 ms after t=0, one round under --trace-opt --trace-deopt: ${jit.optimized} functions optimized, ${jit.deoptimized} deoptimized`,
);
