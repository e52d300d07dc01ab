import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';

/** Every iteration appends "thread iterationInTest vu rowIndex rowJson" to seen.txt, so the test sees what each thread read. */
const recorder = `
import { appendFileSync, readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
const SEEN = process.env.SEEN_FILE;
function note(ctx, index, row) { appendFileSync(SEEN, [threadId, ctx.iterationInTest, ctx.vu, index, JSON.stringify(row)].join(' ') + '\\n'); }
`;

function seenLines(dir: string) {
  return readFileSync(join(dir, 'seen.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [thread, iterationInTest, vu, index, ...json] = line.split(' ');
      return {
        thread: Number(thread),
        iterationInTest: Number(iterationInTest),
        vu: Number(vu),
        index: Number(index),
        row: JSON.parse(json.join(' ')),
      };
    });
}

async function run(dir: string, file: string, workers: number) {
  return rampart(['run', file, '-q', '--workers', String(workers), '--out', 'json=r.json'], {
    cwd: dir,
    env: { SEEN_FILE: join(dir, 'seen.txt'), COUNT_FILE: join(dir, 'loads.txt'), DATA_FILE: join(dir, 'rows.json') },
  });
}

describe('datasets shared by worker threads', () => {
  it('a JSON file is loaded once for 4 worker threads, and every thread reads the same rows', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, email: `user${i}@example.test`, tags: ['a', i % 3 === 0 ? 'ü€' : 'b'] }));
    const dir = workspace({
      'rows.json': JSON.stringify(rows),
      's.ts': `import { scenario, burst, dataset } from 'rampart';${recorder}
        // the loader counts its calls: once on the main thread, never in a worker
        const users = dataset('users', () => { appendFileSync(process.env.COUNT_FILE, 'load\\n'); return JSON.parse(readFileSync(process.env.DATA_FILE, 'utf8')); });
        export default scenario({ name: 'ds', stages: [burst({ vus: 8, iterations: 80 })],
          iteration(ctx) {
            const i = ctx.iterationInTest % users.length;
            const row = users.pick(ctx.iterationInTest);
            if (JSON.stringify(users[i]) !== JSON.stringify(row) || users.at(-1).id !== 49 || users.at(50) !== undefined) throw new Error('views disagree');
            row.email = 'changed'; // a fresh copy: no other VU sees this
            if (users.pick(i).email === 'changed') throw new Error('a row leaked a write');
            note(ctx, i, users.pick(i));
          } });`,
    });
    const result = await run(dir, 's.ts', 4);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'loads.txt'), 'utf8')).toBe('load\n');
    const seen = seenLines(dir);
    expect(seen).toHaveLength(80);
    expect(new Set(seen.map((s) => s.thread)).size).toBe(4);
    for (const s of seen) expect(s.row).toEqual(rows[s.index]);
    // iterationInTest: unique and dense across the threads
    expect(seen.map((s) => s.iterationInTest).sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    // the VU id is unique across threads: 8 VUs, each in one thread only
    const threadOfVu = new Map<number, Set<number>>();
    for (const s of seen) threadOfVu.set(s.vu, (threadOfVu.get(s.vu) ?? new Set()).add(s.thread));
    expect(threadOfVu.size).toBe(8);
    for (const threads of threadOfVu.values()) expect(threads.size).toBe(1);
    expect(readJson(join(dir, 'r.json')).metrics.iterations.count).toBe(80);
  });

  it('a CSV file, relative to the scenario file, parsed by csv-parse (quoted commas, header row)', async () => {
    const dir = workspace({
      'load/data/users.csv': 'name,city\n"Doe, Jane",Zürich\nRoe,"Say ""hi"""\n\n',
      'load/s.ts': `import { scenario, burst, dataset } from 'rampart';${recorder}
        const users = dataset('users', './data/users.csv');
        const raw = dataset('raw', './data/users.csv', { columns: false });
        export default scenario({ name: 'csv', stages: [burst({ vus: 2, iterations: 6 })],
          iteration(ctx) {
            if (raw.length !== 3 || raw[0][0] !== 'name') throw new Error('columns: false keeps the header as a row');
            note(ctx, ctx.iterationInTest % 2, users.pick(ctx.iterationInTest));
          } });`,
    });
    const result = await run(dir, 'load/s.ts', 2);
    expect(result.code).toBe(0);
    const seen = seenLines(dir);
    expect(seen).toHaveLength(6);
    const expected = [
      { name: 'Doe, Jane', city: 'Zürich' },
      { name: 'Roe', city: 'Say "hi"' },
    ];
    for (const s of seen) expect(s.row).toEqual(expected[s.index]);
  });

  it('a JSON file by path: split into rows without parsing it whole, tricky strings intact', async () => {
    const rows = [{ s: 'a",]}[{\\' }, [1, [2, { x: ',' }]], 'ü€😀', 42, null, { deep: { er: ['x', { y: '}' }] } }];
    const dir = workspace({
      'data/rows.json': '\ufeff [\n ' + rows.map((r) => JSON.stringify(r, null, 1)).join(' ,\n\t') + '\n]\n',
      's.ts': `import { scenario, burst, dataset } from 'rampart';${recorder}
        const rows = dataset('rows', './data/rows.json');
        export default scenario({ name: 'json', stages: [burst({ vus: 2, iterations: 12 })],
          iteration(ctx) { const i = ctx.iterationInTest % rows.length; note(ctx, i, rows[i]); } });`,
    });
    const result = await run(dir, 's.ts', 2);
    expect(result.code).toBe(0);
    const seen = seenLines(dir);
    expect(seen).toHaveLength(12);
    for (const s of seen) expect(s.row).toEqual(rows[s.index]);
  });

  it('a missing or malformed data file is a one-line usage error before the load (exit 2)', async () => {
    const dir = workspace({
      'missing.ts': `import { scenario, burst, dataset } from 'rampart';
        const users = dataset('users', './nope.csv');
        export default scenario({ name: 'x', stages: [burst({ vus: 1 })], iteration() {} });`,
      'notarray.ts': `import { scenario, burst, dataset } from 'rampart';
        const users = dataset('users', './obj.json');
        export default scenario({ name: 'x', stages: [burst({ vus: 1 })], iteration() {} });`,
      'obj.json': '{"users": []}',
      'badrow.ts': `import { scenario, burst, dataset } from 'rampart';
        const users = dataset('users', './badrow.json');
        export default scenario({ name: 'x', stages: [burst({ vus: 1 })], iteration() {} });`,
      'badrow.json': '[{"a": 1}, {"a": tru}]',
    });
    const badRow = await rampart(['run', 'badrow.ts', '-q'], { cwd: dir });
    expect(badRow.code).toBe(2);
    expect(badRow.stderr).toMatch(/^rampart: dataset 'users': badrow\.json is not JSON: row 1: /);
    const missing = await rampart(['run', 'missing.ts', '-q'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("rampart: dataset 'users': cannot read nope.csv (ENOENT)");
    const notArray = await rampart(['run', 'notarray.ts', '-q'], { cwd: dir });
    expect(notArray.code).toBe(2);
    expect(notArray.stderr).toMatch(/dataset 'users': obj\.json must hold a JSON array/);
    expect(notArray.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("a dataset first asked for inside an iteration is the scenario's error, and rows are read-only", async () => {
    const dir = workspace({
      's.ts': `import { scenario, burst, dataset } from 'rampart';
        const rows = dataset('rows', () => [1, 2, 3]);
        export default scenario({ name: 'x', stages: [burst({ vus: 1, iterations: 2 })],
          iteration(ctx) {
            if (ctx.iteration === 0) { rows[0] = 5; }
            dataset('late', () => []);
          } });`,
    });
    await rampart(['run', 's.ts', '-q', '--out', 'json=r.json', '--no-fail-unmeasured'], { cwd: dir });
    const results = readJson(join(dir, 'r.json'));
    expect(results.metrics.failed_iterations.count).toBe(2);
    const errors = results.errors.map((e: { message: string }) => e.message);
    expect(errors).toContainEqual(expect.stringMatching(/dataset 'rows' is read-only/));
    expect(errors).toContainEqual(expect.stringMatching(/dataset 'late' was not declared at the top level/));
  });
});
