// The long soak: rampart at a steady open-model rate against bench/server.mjs (its own
// process), watched from outside: RSS and open fds of the rampart process (from /proc), the
// worker thread's event-loop delay, and the run's accounting. test/reliability-soak.test.ts is
// the 15-second version of the same probe.
//
//   npx esbuild bench/soak.ts --bundle --platform=node --format=esm --packages=external --outfile=dist/bench/soak.mjs \
//     && node dist/bench/soak.mjs [seconds=600] [rate=2000] [maxVUs=100]
//
// (Node 20 cannot run TypeScript itself; run from the repository root, after `npm run build`.)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describeSoak, runSoak, type SoakOptions } from '../test/support/soak-probe.js';

const [seconds = 600, rate = 2000, maxVUs = 100] = process.argv.slice(2).map(Number);
const server = spawn(process.execPath, [join(process.cwd(), 'bench/server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => server.stdout!.once('data', (d) => resolve(String(d).trim())));

let lastPrint = 0;
const o: SoakOptions = {
  url, rate, seconds, maxVUs, sampleMs: 1000,
  onSample: (s) => {
    if (s.t - lastPrint < 10_000) return;
    lastPrint = s.t;
    process.stdout.write(`t=${(s.t / 1000).toFixed(0)}s rss=${s.rssMb.toFixed(1)}MiB fds=${s.fds}\n`);
  },
};
try {
  const r = await runSoak(o);
  process.stdout.write(`${describeSoak(r, o)}\n`);
  process.exitCode = r.res.code === 0 ? 0 : 1;
} finally {
  server.kill('SIGTERM');
}
