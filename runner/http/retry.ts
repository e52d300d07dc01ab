import type { HttpErrorKind, RetryOptions } from '../../scenarios/types.js';
import { parseDuration } from '../duration.js';
import type { HttpResponse } from './response.js';

export interface RetryPolicy {
  attempts: number;
  statuses: Set<number>;
  errors: Set<HttpErrorKind>;
  backoffMs: number;
  maxBackoffMs: number;
  respectRetryAfter: boolean;
}

const DEFAULTS = {
  attempts: 3,
  statuses: [429, 502, 503, 504],
  errors: ['timeout', 'connect', 'reset'] as HttpErrorKind[],
  backoff: '500ms',
  maxBackoff: '30s',
};

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy | null {
  if (!options) return null;
  return {
    attempts: Math.max(1, options.attempts ?? DEFAULTS.attempts),
    statuses: new Set(options.statuses ?? DEFAULTS.statuses),
    errors: new Set(options.errors ?? DEFAULTS.errors),
    backoffMs: parseDuration(options.backoff ?? DEFAULTS.backoff),
    maxBackoffMs: parseDuration(options.maxBackoff ?? DEFAULTS.maxBackoff),
    respectRetryAfter: options.respectRetryAfter ?? true,
  };
}

export function shouldRetry(policy: RetryPolicy, res: HttpResponse): boolean {
  if (res.error) return res.error.kind !== 'aborted' && policy.errors.has(res.error.kind);
  return policy.statuses.has(res.status);
}

/**
 * The wait before attempt `attempt + 1`: exponential backoff with full jitter (a uniform draw
 * in [0, min(cap, base·2^(attempt-1))]), unless the server said when in Retry-After.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, res: HttpResponse, random = Math.random): number {
  if (policy.respectRetryAfter && (res.status === 429 || res.status === 503)) {
    const after = retryAfterMs(res.header('retry-after'));
    if (after !== null) return Math.min(after, policy.maxBackoffMs);
  }
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
  return random() * ceiling;
}

/** Retry-After as seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
