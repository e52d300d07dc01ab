import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import type { PlanOverrides } from '../plan/overrides.js';

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

/** k6's quick load flags; each replaces the scenario's stages (runner/plan/overrides.ts). */
export const overrideOptions = {
  vus: { type: 'number', describe: 'run N VUs instead of the stages (with --duration: a closed soak; with --iterations: they share them)' },
  duration: { type: 'string', describe: "with --vus: how long the closed soak lasts, e.g. '30s'; with --iterations: its time limit" },
  iterations: { type: 'number', describe: 'run N iterations as a shared-iterations burst instead of the stages (--vus of them at once, default 1)' },
} as const;

/** The override flags checked, or undefined when none is given. */
export function planOverrides(args: { vus?: number; duration?: string; iterations?: number }): PlanOverrides | undefined {
  if (args.vus === undefined && args.duration === undefined && args.iterations === undefined) return undefined;
  const out: PlanOverrides = {};
  if (args.vus !== undefined) out.vus = positiveInt(args.vus, '--vus', 100_000);
  if (args.iterations !== undefined) out.iterations = positiveInt(args.iterations, '--iterations', 1_000_000_000);
  if (args.duration !== undefined) {
    const ms = parseDuration(args.duration);
    if (!(ms > 0)) throw new UsageError(`--duration '${args.duration}' must be a positive duration such as '30s'`);
    out.durationMs = ms;
  }
  return out;
}
