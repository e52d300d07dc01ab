// Every measurement of issue 11 in one command, each script's table in turn:
//   node bench/targets.mjs [rounds=3] [seconds=8] [BASE_DIR]   (BASE_DIR: see peers.mjs)
// 1 CPU per request and 4 peak RSS: peers.mjs at 50 connections (ratios against autocannon and
//   the bare undici loops, measured in the same run); 5 latency overhead: peers.mjs at one
//   connection (p50 against wrk's); 5 --workers 2 against one thread, with wrk's and autocannon's
//   own two-thread split as controls: workers.mjs (9 rounds at least: one round's ratio moves by a
//   third on 2 cores); 2 start-up: startup.mjs; 3 warm start: warm-start.mjs. nginx (Debian) is
//   the target, installed when missing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [rounds = 3, seconds = 8] = process.argv.slice(2, 4).map(Number);
const base = process.argv[4] ? [process.argv[4]] : [];
const bench = (script, ...args) => {
  console.log(`\n## node bench/${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args.map(String)], {
    stdio: ['ignore', 'inherit', 'ignore'],
  });
  if (r.status !== 0) console.log(`(bench/${script} exited ${r.status})`);
};
bench('peers.mjs', rounds, seconds, 50, ...base);
bench('peers.mjs', rounds, seconds, 1, ...base);
bench('workers.mjs', Math.max(9, rounds), seconds, 50, ...base);
bench('startup.mjs', Math.max(5, rounds * 3), fileURLToPath(new URL('..', import.meta.url)), ...base);
bench('warm-start.mjs', rounds, 6);
