/**
 * The import rules of docs/architecture.md, checked by scanning every import (static, dynamic,
 * re-export) of the .ts sources. A new import that breaks a rule fails here with its file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

interface Import {
  /** the importing file, relative to the repository */
  file: string;
  /** the imported file, relative to the repository ('.js' written, '.ts' on disk) */
  target: string;
  /** `import type` / `export type`: erased at build */
  typeOnly: boolean;
}

function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(folder);
  return out;
}

const IMPORT = /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(folders: string[]): Import[] {
  return folders.flatMap(sources).flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(IMPORT)].map((m) => ({
      file,
      target: relative(root, resolve(root, dirname(file), m[3] ?? m[4])).replace(/\.js$/, '.ts'),
      typeOnly: Boolean(m[2]),
    }));
  });
}

const ALL = importsOf(['shared', 'scenarios', 'simulator', 'runner', 'reporters']);
const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);
const show = (list: Import[]) => list.map((i) => `${i.file} → ${i.target}${i.typeOnly ? ' (type)' : ''}`);

describe('the import rules of docs/architecture.md', () => {
  it('the scan sees imports of every kind (static, type-only, dynamic)', () => {
    expect(ALL.length).toBeGreaterThan(300);
    expect(ALL.some((i) => i.typeOnly)).toBe(true);
    expect(ALL).toContainEqual({ file: 'scenarios/types.ts', target: 'runner/s3/types.ts', typeOnly: true });
    expect(ALL.some((i) => i.file.startsWith('runner/cli/') && under(i.target, 'reporters'))).toBe(true);
  });

  it('shared/ imports nothing of ours', () => {
    expect(show(ALL.filter((i) => under(i.file, 'shared') && !under(i.target, 'shared')))).toEqual([]);
  });

  it('simulator/ imports only shared/', () => {
    expect(show(ALL.filter((i) => under(i.file, 'simulator') && !under(i.target, 'simulator') && !under(i.target, 'shared')))).toEqual([]);
  });

  it('scenarios/ has no runtime import of runner/, reporters/ or simulator/', () => {
    expect(show(ALL.filter((i) => under(i.file, 'scenarios') && !i.typeOnly && !under(i.target, 'scenarios') && !under(i.target, 'shared')))).toEqual(
      [],
    );
  });

  it('runner/ outside runner/cli uses reporters/ only through the Reporter interface and the file helpers', () => {
    const allowed = new Set(['reporters/reporter.ts', 'reporters/write-atomic.ts', 'reporters/html/page.ts']);
    const bad = ALL.filter((i) => under(i.file, 'runner') && !under(i.file, 'runner/cli') && under(i.target, 'reporters') && !allowed.has(i.target));
    expect(show(bad)).toEqual([]);
  });

  it('reporters/ import of runner/ only results/, metrics/, a few leaf modules and the sweep finding', () => {
    const folders = ['runner/results', 'runner/metrics'];
    const files = new Set(['runner/errors.ts', 'runner/secrets.ts', 'runner/duration.ts', 'runner/bundle.ts', 'runner/insights/sweep-capacity.ts']);
    const bad = ALL.filter(
      (i) => under(i.file, 'reporters') && under(i.target, 'runner') && !files.has(i.target) && !folders.some((f) => under(i.target, f)),
    );
    expect(show(bad)).toEqual([]);
  });

  it('nothing outside runner/cli imports the commands', () => {
    expect(show(ALL.filter((i) => under(i.target, 'runner/cli') && !under(i.file, 'runner/cli')))).toEqual([]);
  });

  it('every imported file exists (the scan resolves paths correctly)', () => {
    const files = new Set(['shared', 'scenarios', 'simulator', 'runner', 'reporters'].flatMap(sources));
    const external = (t: string) => t.endsWith('.json') || !/^(shared|scenarios|simulator|runner|reporters)\//.test(t);
    expect(show(ALL.filter((i) => !external(i.target) && !files.has(i.target)))).toEqual([]);
  });

  it('each executor has one name across both halves: runner/plan/executors/<name>.ts and runner/engine/executors/<name>.ts', () => {
    const types = readFileSync(join(root, 'runner/plan/types.ts'), 'utf8');
    const executors = [...new Set([...types.matchAll(/executor: '([a-z-]+)'/g)].map((m) => m[1]))];
    expect(executors.sort()).toEqual(['arrival-burst', 'arrival-rate', 'idle', 'shared-iterations', 'vu-levels']);
    const files = (folder: string) => new Set(readdirSync(join(root, folder)).map((f) => f.replace(/\.ts$/, '')));
    const config = files('runner/plan/executors');
    const runtime = files('runner/engine/executors');
    for (const name of [...executors, 'sweep']) {
      expect(config.has(name), `runner/plan/executors/${name}.ts`).toBe(true);
      expect(runtime.has(name), `runner/engine/executors/${name}.ts`).toBe(true);
    }
    // no config file without its runtime twin (helpers excepted)
    const helpers = new Set(['index', 'context', 'runtime', 'arrivals']);
    expect([...config].filter((n) => !helpers.has(n) && !runtime.has(n))).toEqual([]);
    expect([...runtime].filter((n) => !helpers.has(n) && !config.has(n))).toEqual([]);
  });
});
