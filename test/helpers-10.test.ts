// Issue 10, "one of each helper" and folder rules: each named defect of a duplicated helper,
// checked through the one helper that replaces the copies.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../runner/duration.js';
import { parseDuration as simulatorDuration, parseDurationRange } from '../simulator/options.js';

const root = join(import.meta.dirname, '..');

/** Every relative import of the .ts files below `folder` (recursively), as 'file: specifier'. */
function importsOf(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(join(root, rel), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) out.push(`${rel}: ${m[1]}`);
      }
    }
  };
  walk(folder);
  return out;
}

describe('one duration parser and formatter', () => {
  it('formats 119.6 s as 2m (seconds are rounded before minutes are split), not 1m60s', () => {
    expect(formatDuration(119_600)).toBe('2m');
    expect(formatDuration(3_599_700)).toBe('1h');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_661_000)).toBe('1h1m1s');
  });

  it('the simulator accepts 1m30s as scenarios do, and still refuses a bad duration in one line', () => {
    expect(simulatorDuration('1m30s')).toBe(90_000);
    expect(parseDurationRange('1m..1m30s')).toEqual([60_000, 90_000]);
    expect(simulatorDuration('.5s')).toBe(500);
    expect(simulatorDuration('500')).toBe(500);
    expect(() => simulatorDuration('5x')).toThrow(/^invalid duration "5x"/);
    for (const text of ['250ms', '30s', '2m', '1h', '1.5s', '1m30s']) expect(simulatorDuration(text)).toBe(parseDuration(text));
  });
});

describe('folder rules', () => {
  it('simulator/ imports nothing from runner/, reporters/ or scenarios/ (shared/ is for both)', () => {
    const bad = importsOf('simulator').filter((line) => /'?\.\.\/(runner|reporters|scenarios)\//.test(line.split(': ')[1]));
    expect(bad).toEqual([]);
  });

  it('shared/ imports nothing', () => {
    expect(importsOf('shared')).toEqual([]);
  });
});
