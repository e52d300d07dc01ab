import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readJson, workspace } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';

/**
 * The way users get rampart: `npm i -D rampart` in their own project. The package is packed
 * (the built dist/, as `npm test` builds it), installed from the tarball into a fresh
 * "type": "module" project, a scenario is type-checked with `tsc --init`'s defaults, and the
 * installed bin runs it against a node:http target.
 */

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

let target: Target;
let project: string;
beforeAll(async () => {
  target = await startTarget();
  project = workspace({
    'package.json': JSON.stringify({ name: 'my-load-tests', private: true, type: 'module' }),
    'users.csv': 'email\na@example.test\nb@example.test\n',
    // what a user writes: the authoring API, a dataset, a group, a threshold on k6's favourite tag
    'load.ts': `import { scenario, burst, check, dataset, env } from 'rampart';
const users = dataset('users', './users.csv');
export default scenario({
  name: 'installed',
  target: env('TARGET', 'http://127.0.0.1:1'),
  stages: [burst({ vus: 2, iterations: 6 })],
  thresholds: { 'http_req_duration{expected_response:true}': ['p(95)<5000'], http_reqs: ['count==6'] },
  async iteration(ctx) {
    const user = users.pick(ctx.iterationInTest);
    await ctx.group('home', async () => {
      const res = await ctx.http.get('/', { headers: { 'x-user': user.email ?? '' } });
      check(res, { 'status is 200': (r) => r.status === 200 });
    });
  },
});
`,
  });
}, 30_000);
afterAll(async () => {
  await target?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('npm i -D rampart from the packed tarball', () => {
  it('installs into a "type": "module" project, type-checks with tsc --init defaults, and runs', async () => {
    // pack what is built; scripts off, so packing does not rebuild under other edits
    const { stdout: packed } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], {
      cwd: ROOT,
      maxBuffer: 64 << 20,
    });
    const info = JSON.parse(packed)[0] as { filename: string; files: { path: string }[] };
    const shipped = info.files.map((f) => f.path);
    for (const needed of [
      'bin/rampart.js',
      'dist/scenarios/index.js',
      'dist/scenarios/index.d.ts',
      'dist/runner/cli/index.js',
      'dist/runner/engine/worker.js',
      'dist/runner/data/registry.js',
      'README.md',
    ]) {
      expect(shipped, needed).toContain(needed);
    }
    expect(shipped.some((p) => p.startsWith('test/') || p.startsWith('node_modules/'))).toBe(false);

    await exec('npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--prefer-offline', join(project, info.filename)], {
      cwd: project,
      maxBuffer: 64 << 20,
    });
    expect(readJson(join(project, 'package.json')).devDependencies.rampart).toMatch(/rampart-.*\.tgz$/);
    const bin = join(project, 'node_modules/.bin/rampart');
    expect(existsSync(bin)).toBe(true);

    // `rampart new` writes a starter; both it and the hand-written scenario type-check as the user's tsc sees them
    await exec(bin, ['new', 'starter.ts'], { cwd: project });
    await exec(process.execPath, [TSC, '--init'], { cwd: project });
    const tsc = await exec(process.execPath, [TSC, '--noEmit', '-p', '.'], { cwd: project }).catch((e) => e as { stdout: string; code: number });
    expect((tsc as { stdout: string }).stdout, 'tsc errors').toBe('');
    // and the types do reach the user's tsc: a misspelt option is caught
    writeFileSync(
      join(project, 'wrong.ts'),
      `import { scenario, soak } from 'rampart';\nexport default scenario({ name: 'w', stages: [soak({ vus: 1, for: '1s' })], async iteration(ctx) { await ctx.http.get('/', { header: {} }); } });\n`,
    );
    const wrong = await exec(process.execPath, [TSC, '--noEmit', '-p', '.'], { cwd: project }).then(
      () => ({ stdout: '' }),
      (e) => e as { stdout: string },
    );
    expect(wrong.stdout).toMatch(/wrong\.ts\(2,\d+\): error TS\d+: .*'header'/);
    rmSync(join(project, 'wrong.ts'));

    const run = await exec(bin, ['run', 'load.ts', '-q', '--out', 'json=r.json', '-e', `TARGET=${target.url}`], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.stderr).toBe('');
    const results = readJson(join(project, 'r.json'));
    expect(results.exitCode).toBe(0);
    expect(results.metrics['http_reqs{group:home}'].count).toBe(6);
    expect(readdirSync(join(project, 'node_modules/rampart/dist'))).toContain('scenarios');
  }, 240_000);
});
