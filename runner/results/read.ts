/** Reading a results file (`--out json=PATH`) back: `rampart compare`, `rampart report` and `rampart merge` share it. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { Summary } from './types.js';

/** The fields every reader relies on; the full contract is docs/results-schema.json. */
export function looksLikeSummary(x: unknown): x is Summary {
  const s = x as Partial<Summary> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.version === 1 &&
    typeof s.metrics === 'object' &&
    s.metrics !== null &&
    typeof s.scenario === 'object' &&
    s.scenario !== null
  );
}

/** Reads one results file; anything wrong with it is a one-line UsageError naming it. */
export async function readResultsFile(file: string): Promise<Summary> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new UsageError(`cannot read results file ${file}: ${why}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not a rampart results file: not valid JSON`);
  }
  if (!looksLikeSummary(data)) {
    throw new UsageError(
      `${file} is not a rampart results file (expected "version": 1 with "scenario" and "metrics"; write one with --out json=PATH)`,
    );
  }
  return data;
}
