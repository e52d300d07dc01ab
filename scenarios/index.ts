/**
 * The authoring API: what scenario files import as 'rampart'.
 *
 *   import { scenario, ramp, burst, soak, pause, check, env } from 'rampart';
 */
import { runtime, TestAbortedError } from './runtime.js';
import type { Checks, ScenarioDefinition, Tags } from './types.js';

export * from './types.js';
export { ramp, burst, soak, pause } from './stages.js';

const BRAND = Symbol.for('rampart.scenario');

/** Declares a scenario; the default export of a scenario file. */
export function scenario<Data = unknown>(definition: ScenarioDefinition<Data>): ScenarioDefinition<Data> {
  Object.defineProperty(definition, BRAND, { value: true, enumerable: false });
  return definition;
}

export function isScenario(value: unknown): value is ScenarioDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Runs each named check on `value`, records a pass or a fail for each (the `checks` rate and
 * the per-check counts of the summary), and returns true when all passed. A check that throws fails.
 */
export function check<T>(value: T, checks: Checks<T>, tags?: Tags): boolean {
  const rt = runtime();
  let all = true;
  for (const name of Object.keys(checks)) {
    let ok: boolean;
    try {
      ok = Boolean(checks[name](value));
    } catch {
      ok = false;
    }
    rt?.recordCheck(name, ok, tags);
    if (!ok) all = false;
  }
  return all;
}

/** Reads an environment variable: `-e KEY=VALUE`, then rampart.yaml `env:`, then the process environment. */
export function env(name: string, fallback: string): string;
export function env(name: string): string | undefined;
export function env(name: string, fallback?: string): string | undefined {
  const value = runtime()?.env[name] ?? process.env[name];
  return value ?? fallback;
}

/** Stops the whole run from scenario code (exit code 105 unless a threshold failed first). */
export function abortTest(reason = 'aborted by the scenario'): never {
  runtime()?.abortTest(reason);
  throw new TestAbortedError(reason);
}
