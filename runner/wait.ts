import { setMaxListeners } from 'node:events';

/**
 * An AbortController whose signal every VU may wait on at once (the run's stop signals): one
 * listener per waiting VU is expected, not a leak, so Node's warning at 11 is turned off.
 */
export function sharedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). Infinity waits for the signal alone. */
export function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // setTimeout treats anything past 2^31-1 ms as 1 ms: an endless wait has no timer at all
    const timer = Number.isFinite(ms) && ms < 2 ** 31 - 1 ? setTimeout(done, ms) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}
