// Time for the simulator: durations are given in simulated ms and multiplied by the
// time scale before they hit setTimeout; `now()` is real elapsed ms, which is what
// clients measure and what the simulator reports back. Every timer is tracked so
// close() can clear them all and tests never hang.

import { performance } from 'node:perf_hooks';

export type TimerHandle = ReturnType<typeof setTimeout>;

export class Clock {
  private readonly timers = new Set<TimerHandle>();
  private readonly origin = performance.now();

  constructor(readonly scale: number) {}

  /** Real ms since the simulator started. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Real ms that a simulated duration lasts. */
  real(simMs: number): number {
    return simMs * this.scale;
  }

  /** Run `fn` after `simMs` simulated ms. */
  after(simMs: number, fn: () => void): TimerHandle {
    return this.afterReal(this.real(simMs), fn);
  }

  /** Run `fn` after `realMs` real ms. */
  afterReal(realMs: number, fn: () => void): TimerHandle {
    const handle = setTimeout(
      () => {
        this.timers.delete(handle);
        fn();
      },
      Math.max(0, realMs),
    );
    this.timers.add(handle);
    return handle;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.timers.delete(handle);
  }

  cancelAll(): void {
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
  }
}
