// Two builds of rampart on the same plain-GET scenario, with autocannon as the yardstick, in the
// same minutes: does a change cost the plain path anything?
//   node bench/versions.mjs BASE_DIR [rounds=5] [seconds=5] [vus=50]
// BASE_DIR is another checkout of rampart, built (`npx tsc`) with node_modules in place, e.g.
//   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx tsc)
// The order rotates each round; medians and the ratios against autocannon are printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeServer } from './target.mjs';
import { median } from './measure.mjs';

const [baseDir, ...rest] = process.argv.slice(2);
if (!baseDir) throw new Error('usage: node bench/versions.mjs BASE_DIR [rounds] [seconds] [vus]');
const [rounds = 5, seconds = 5, vus = 50] = rest.map(Number);
const head = fileURLToPath(new URL('..', import.meta.url));

const { url, server } = await startNodeServer();
const dir = mkdtempSync(join(tmpdir(), 'rampart-versions-'));
writeFileSync(
  join(dir, 'bench.ts'),
  `import { scenario, soak, check } from 'rampart';
export default scenario({
  name: 'plain GET', target: '${url}', stages: [soak({ vus: ${vus}, for: '${seconds}s' })],
  async iteration(ctx) { const res = await ctx.http.get('/'); check(res, { 'status is 200': (r) => r.status === 200 }); },
});
`,
);

function rampartOf(root) {
  return () => {
    const out = join(dir, 'r.json');
    const r = spawnSync(process.execPath, [join(root, 'bin/rampart.js'), 'run', 'bench.ts', '-q', '--out', `json=${out}`], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`rampart (${root}) failed: ${r.stderr}`);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    return res.metrics.http_reqs.count / (res.durationMs / 1000);
  };
}
function autocannon() {
  const r = spawnSync(join(head, 'node_modules/.bin/autocannon'), ['-c', String(vus), '-d', String(seconds), '--json', url], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`autocannon failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  return res.requests.total / res.duration;
}

const tools = { base: rampartOf(resolve(baseDir)), head: rampartOf(head), autocannon };
const names = Object.keys(tools);
const rps = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < rounds; i++) {
  for (const k of names.map((_, j) => names[(j + i) % names.length])) rps[k].push(tools[k]());
}
server.kill();
const m = Object.fromEntries(names.map((n) => [n, median(rps[n])]));
console.log(`plain GET, ${vus} VUs, ${seconds} s, ${rounds} rounds (medians, req/s)`);
for (const n of names) console.log(`  ${n.padEnd(11)} ${Math.round(m[n]).toString().padStart(7)}   rounds: ${rps[n].map(Math.round).join(' ')}`);
console.log(
  `  base/autocannon ${(m.base / m.autocannon).toFixed(2)}   head/autocannon ${(m.head / m.autocannon).toFixed(2)}   head/base ${(m.head / m.base).toFixed(2)}`,
);
