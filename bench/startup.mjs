// Start-up of the rampart command, against `node -e 0` on the same machine in the same minute.
//   node bench/startup.mjs [rounds=9] [rampart folder=this one] [another folder...]
// Each round runs, in turn: node -e 0, rampart --version, --help, inspect of a one-GET scenario,
// and run of it (bundle, one worker thread, one GET to bench/server.mjs, console summary), for
// each folder given (e.g. a build of main and this one): rounds interleave them, so a busy
// minute on the shared machine weighs on every build alike.
// Wall and CPU (user+sys, from /usr/bin/time, 10 ms resolution) medians are quoted; on a shared,
// busy machine the CPU times are the steadier measure, and ratios say more than milliseconds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeServer } from './target.mjs';
import { median } from './measure.mjs';

const rounds = Number(process.argv[2] ?? 9);
const roots = process.argv.length > 3 ? process.argv.slice(3).map((r) => resolve(r)) : [fileURLToPath(new URL('..', import.meta.url))];

const { url, server } = await startNodeServer();
const dir = mkdtempSync(join(tmpdir(), 'rampart-startup-'));
writeFileSync(
  join(dir, 'one.ts'),
  `import { scenario, burst, check } from 'rampart';
export default scenario({
  name: 'one-request',
  target: '${url}',
  stages: [burst({ iterations: 1, vus: 1 })],
  async iteration(ctx) {
    check(await ctx.http.get('/'), { 'status is 200': (r) => r.status === 200 });
  },
});
`,
);

// NODE_EXTRA_CA_CERTS (set on some machines, this one included): Node reads that file's
// certificates as it starts, before any of rampart runs (node -e 0: ~110 ms with Debian's bundle
// against ~35 without, measured here). Where it is set, `node -e 0` and the run are measured
// without it too, so the table shows what is Node's and what is rampart's.
const EXTRA_CAS = 'NODE_EXTRA_CA_CERTS';
const NO_CAS = ` (no ${EXTRA_CAS})`;
const withoutCas = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== EXTRA_CAS));
const commandsOf = (bin) => ({
  'node -e 0': ['-e', '0'],
  'rampart --version': [bin, '--version'],
  'rampart --help': [bin, '--help'],
  'rampart inspect': [bin, 'inspect', 'one.ts'],
  'rampart run (1 GET)': [bin, 'run', 'one.ts', '-q'],
  ...(process.env[EXTRA_CAS] && { [`node -e 0${NO_CAS}`]: ['-e', '0'], [`rampart run (1 GET)${NO_CAS}`]: [bin, 'run', 'one.ts', '-q'] }),
});
const builds = roots.map((root) => {
  const commands = commandsOf(join(root, 'bin/rampart.js'));
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  return { root, commands, times, cpu };
});
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
try {
  for (let round = 0; round < rounds; round++) {
    for (const { commands, times, cpu } of builds) measure(commands, times, cpu);
  }
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
for (const b of builds) print(b);

function measure(commands, times, cpu) {
  for (const [name, args] of Object.entries(commands)) {
    const start = process.hrtime.bigint();
    const options = { cwd: dir, encoding: 'utf8', env: name.endsWith(NO_CAS) ? withoutCas : process.env };
    const r = timeBin ? spawnSync(timeBin, ['-f', 'cpu %U %S', process.execPath, ...args], options) : spawnSync(process.execPath, args, options);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
    times[name].push(ms);
    const used = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (used) cpu[name].push((Number(used[1]) + Number(used[2])) * 1000);
  }
}

function print({ root, times, cpu }) {
  console.log(`rampart at ${root}, ${rounds} rounds; wall ms: median, min, over node -e 0${timeBin ? '; CPU ms: median, over node -e 0' : ''}`);
  for (const [name, xs] of Object.entries(times)) {
    // each row against the `node -e 0` of its environment
    const node = name.endsWith(NO_CAS) ? `node -e 0${NO_CAS}` : 'node -e 0';
    const base = median(times[node]);
    const cpuBase = timeBin ? median(cpu[node]) : 0;
    const m = median(xs);
    const over = (v, b) => (name === node ? '' : `+${(v - b).toFixed(0)}`).padStart(7);
    const cpuCols = timeBin ? `   ${median(cpu[name]).toFixed(0).padStart(6)} ${over(median(cpu[name]), cpuBase)}` : '';
    console.log(
      `${name.padEnd(44)} ${m.toFixed(0).padStart(6)} ${Math.min(...xs)
        .toFixed(0)
        .padStart(6)} ${over(m, base)}${cpuCols}`,
    );
  }
}
