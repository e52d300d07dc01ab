/**
 * Error kinds of rampart, each with a stable `code` and the exit code it ends the process
 * with. A user's own mistake is one of these and prints as one line, never a stack trace.
 */

export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  /** the run measured nothing: no request got an HTTP response, or every iteration threw (runner/verdict.ts) */
  unmeasured: 3,
  /** rampart merge: a segment is missing or ran another scenario; a distributed run's barrier timed out (runner/distributed/) */
  incomplete: 4,
  thresholds: 99,
  interrupted: 105,
  scenario: 107,
} as const;

export class RampartError extends Error {
  readonly code: string = 'RAMPART_ERROR';
  readonly exitCode: number = ExitCode.internal;
}

/** An error kind with its name, stable code and exit code (extend it: `class X extends errorKind(...) {}`). */
export function errorKind(name: string, code: string, exitCode: number) {
  return class extends RampartError {
    override readonly code = code;
    override readonly exitCode = exitCode;
    override name = name;
  };
}

/** A bad flag, an invalid stage, an unreadable or invalid config: exit 2. */
export class UsageError extends errorKind('UsageError', 'RAMPART_USAGE', ExitCode.usage) {}

/** rampart.yaml or another config file is wrong: exit 2. */
export class ConfigError extends errorKind('ConfigError', 'RAMPART_CONFIG', ExitCode.usage) {}

/** The scenario did not compile (esbuild): exit 107. */
export class CompileError extends errorKind('CompileError', 'RAMPART_COMPILE', ExitCode.scenario) {}

/** The scenario threw while loading, in setup or in teardown: exit 107. */
export class ScenarioError extends errorKind('ScenarioError', 'RAMPART_SCENARIO', ExitCode.scenario) {}

export function exitCodeOf(err: unknown): number {
  return err instanceof RampartError ? err.exitCode : ExitCode.internal;
}
