// Memory of a 100 MB JSON dataset with --workers 4: rampart's shared dataset() against the
// habit it replaces (each thread parsing the file itself). Prints the peak RSS of the process
// (/usr/bin/time -v) and the RSS a worker sees during the load. Run: node bench/dataset-memory.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/rampart.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rampart-dataset-mem-'));
const ROWS = 400_000;
const rows = Array.from({ length: ROWS }, (_, i) => ({ id: i, email: `user${i}@example.test`, name: `User number ${i}`, note: 'x'.repeat(180) }));
writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
const mb = (bytes) => Math.round(bytes / 2 ** 20);

const tail = `
export default scenario({ name: 'mem', stages: [burst({ vus: 8, iterations: 400 })],
  iteration(ctx) {
    const row = pick(ctx.iterationInTest * 997);
    if (row.id === undefined) throw new Error('no row');
    if (ctx.iterationInTest === 399) ctx.log('rss', process.memoryUsage().rss);
  } });`;
const files = {
  'empty.ts': `import { scenario, burst } from 'rampart';\nconst pick = (i) => ({ id: i });${tail}`,
  'shared.ts': `import { scenario, burst, dataset } from 'rampart';\nconst rows = dataset('rows', './rows.json');\nconst pick = (i) => rows.pick(i);${tail}`,
  'per-thread.ts': `import { scenario, burst } from 'rampart';\nimport { readFileSync } from 'node:fs';\nconst rows = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'rows.json'))}, 'utf8'));\nconst pick = (i) => rows[i % rows.length];${tail}`,
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

console.log(`dataset: ${ROWS} rows, ${mb(JSON.stringify(rows).length)} MB of JSON; --workers 4`);
for (const name of Object.keys(files)) {
  const started = Date.now();
  const run = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, 'run', name, '-q', '--workers', '4'], { cwd: dir, encoding: 'utf8' });
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]);
  const during = Number(/rss (\d+)/.exec(run.stderr)?.[1]);
  console.log(
    `${name.padEnd(14)} exit ${run.status}  peak RSS ${String(mb(peakKb * 1024)).padStart(5)} MB  RSS during the load ${String(mb(during)).padStart(5)} MB  ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
rmSync(dir, { recursive: true, force: true });
