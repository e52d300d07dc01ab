import type { Tags } from './types.js';

/**
 * The bridge between the authoring API and the engine. The engine installs its hooks on
 * globalThis before it imports a scenario bundle, so `check()` and `env()` work whether the
 * bundle carries its own copy of this module or shares the engine's.
 */
export interface RuntimeHooks {
  env: Record<string, string | undefined>;
  recordCheck(name: string, ok: boolean, tags?: Tags): void;
  abortTest(reason: string): void;
}

const KEY = Symbol.for('rampart.runtime');

export function installRuntime(hooks: RuntimeHooks): void {
  (globalThis as Record<symbol, unknown>)[KEY] = hooks;
}

export function runtime(): RuntimeHooks | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as RuntimeHooks | undefined;
}

/** Thrown by abortTest() to end the current iteration; the engine stops the run. */
export class TestAbortedError extends Error {
  readonly code = 'RAMPART_TEST_ABORTED';
  constructor(reason: string) {
    super(reason);
    this.name = 'TestAbortedError';
  }
}
