import { UsageError } from '../errors.js';

/** Options shared by commands: repeatable flags need array + nargs 1, or they swallow positionals. */
export const repeatable = { type: 'string', array: true, nargs: 1 } as const;

/** ['A=1', 'B=x=y'] → { A: '1', B: 'x=y' }; names the bad pair otherwise. */
/** `--no-fail-unmeasured`: yargs reads `--no-X` of a boolean as X = false; unset stays undefined so rampart.yaml can decide. */
export const failUnmeasuredOption = {
  type: 'boolean',
  describe: 'exit 3 when the run measured nothing (no HTTP response, every iteration threw); --no-fail-unmeasured: exit as thresholds say',
} as const;

/** The flag over rampart.yaml's `failUnmeasured`; on unless either turns it off. */
export function failUnmeasured(flag: boolean | undefined, config: { failUnmeasured?: boolean }): boolean {
  return flag ?? config.failUnmeasured ?? true;
}

export function parsePairs(pairs: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    const key = i > 0 ? pair.slice(0, i) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new UsageError(`${flag} '${pair}': expected KEY=VALUE with a name of letters, digits and _`);
    }
    out[key] = pair.slice(i + 1);
  }
  return out;
}

export function positiveInt(value: unknown, flag: string, max = 256): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${String(value)}`);
  return n;
}
