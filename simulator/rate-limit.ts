// Fixed-window rate limiting, like RunPod's per-endpoint limits in 10 s windows.

import type { Clock } from './clock.js';
import type { RateLimit } from './options.js';

export class RateLimiter {
  private windowStart = -Infinity;
  private count = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Counts one request; returns the seconds to put in Retry-After when over the limit, else null. */
  take(): number | null {
    const now = this.clock.now();
    const windowReal = this.clock.real(this.limit.windowMs);
    if (now - this.windowStart >= windowReal) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count++;
    if (this.count <= this.limit.perWindow) return null;
    // Retry-After is whole seconds (HTTP), at least 1, of real time left in the window.
    return Math.max(1, Math.ceil((this.windowStart + windowReal - now) / 1000));
  }
}
