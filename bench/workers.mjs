// Issue 11, target 5's second half: `rampart --workers 2` within 10 % of one thread's CPU per
// request (closed model, 50 VUs, GET + check(), nginx on loopback), with two peers split the same
// way as controls: wrk -t1 against -t2, and autocannon against autocannon -w 2 (which divides its
// connections among its worker threads, as rampart divides its VUs among its load threads).
//   node bench/workers.mjs [rounds=9] [seconds=8] [connections=50] [BASE_DIR]
// CPU per request is user + sys of the whole process (/usr/bin/time) over the requests the tool
// counted, start-up included. On this 2-core machine the threads and nginx share the cores and one
// pair of runs can differ by a third either way: every round runs each configuration once (rotating
// order, a generator's two runs back to back), and the figure is the median, over the rounds, of the
// round's 2-thread / 1-thread ratio.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedGetScenario, median, timed } from './measure.mjs';
import { ensure, startNginx } from './target.mjs';

const [rounds = 9, seconds = 8, vus = 50] = process.argv.slice(2, 5).map(Number);
const base = process.argv[5];
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rampart-workers-'));
const haveWrk = ensure('/usr/bin/wrk', 'wrk');
const nginx = startNginx();
writeFileSync(join(dir, 'bench.ts'), closedGetScenario('workers', nginx.url, vus, seconds));

/** CPU µs per request of one run. */
const rampart = (checkout, workers) => async () => {
  const out = join(dir, 'r.json');
  const t = await timed(
    process.execPath,
    [join(checkout, 'bin/rampart.js'), 'run', 'bench.ts', '-q', '--workers', String(workers), '--out', `json=${out}`],
    dir,
  );
  return (t.cpu * 1e6) / JSON.parse(readFileSync(out, 'utf8')).metrics.http_reqs.count;
};
const wrk = (threads) => async () => {
  const t = await timed('/usr/bin/wrk', [`-t${threads}`, `-c${vus}`, `-d${seconds}s`, nginx.url], dir);
  return (t.cpu * 1e6) / Number(/(\d+) requests in/.exec(t.stdout)[1]);
};
const autocannon = (workers) => async () => {
  const args = ['-c', String(vus), '-d', String(seconds), '--json', ...(workers > 1 ? ['-w', String(workers)] : []), nginx.url];
  const t = await timed(join(root, 'node_modules/.bin/autocannon'), args, dir);
  return (t.cpu * 1e6) / JSON.parse(t.stdout).requests.total;
};

/** generator: [one thread, two threads] */
const pairs = {
  rampart: [rampart(root, 1), rampart(root, 2)],
  ...(base && { 'rampart (base)': [rampart(base, 1), rampart(base, 2)] }),
  ...(haveWrk && { wrk: [wrk(1), wrk(2)] }),
  autocannon: [autocannon(1), autocannon(2)],
};
const cpu = Object.fromEntries(Object.keys(pairs).map((name) => [name, [[], []]]));
const names = Object.keys(pairs);
try {
  for (let i = 0; i < rounds; i++) {
    // a generator's two runs back to back (one thread first in even rounds, two in odd ones), the
    // generators in rotating order: a pair's ratio then compares two runs a few seconds apart
    for (const name of names.map((_, k) => names[(k + i) % names.length])) {
      for (const threads of i % 2 ? [1, 0] : [0, 1]) {
        cpu[name][threads].push(await pairs[name][threads]());
        console.error(`round ${i + 1} ${name} ${threads + 1} thread(s): ${cpu[name][threads].at(-1).toFixed(1)} µs/request`);
      }
    }
  }
} finally {
  nginx.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nnginx on loopback, ${vus} connections, ${seconds}s, ${rounds} rounds, node ${process.version}`);
console.log(
  '| generator | 1 thread, CPU µs per request | 2 threads | 2 / 1, median of the rounds | ratio of the medians | rounds, lowest to highest |',
);
console.log('|---|---|---|---|---|---|');
for (const [name, [one, two]] of Object.entries(cpu)) {
  const ratios = one.map((x, k) => two[k] / x).sort((a, b) => a - b);
  const pct = (r) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(0)} %`;
  console.log(
    `| ${name} | ${median(one).toFixed(1)} | ${median(two).toFixed(1)} | ${pct(median(ratios))} | ${pct(median(two) / median(one))} | ${pct(ratios[0])} to ${pct(ratios.at(-1))} |`,
  );
}
if (!haveWrk) console.log('(wrk could not be installed: apt-get install -y wrk, as root)');
