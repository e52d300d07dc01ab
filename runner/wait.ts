/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). Infinity waits for the signal alone. */
export function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => { if (timer) clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    // setTimeout treats anything past 2^31-1 ms as 1 ms: an endless wait has no timer at all
    const timer = Number.isFinite(ms) && ms < 2 ** 31 - 1 ? setTimeout(done, ms) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}
