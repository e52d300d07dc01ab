/**
 * rate-limited (warn): the target answered 429 Too Many Requests (`http_reqs{status:429}`).
 */
import type { Insight, Summary } from '../results/types.js';
import { count, fmtMs, fmtPct, plural, preset, retryMeta, round } from './util.js';

export function rateLimited(s: Summary): Insight | null {
  const n = count(s, 'http_reqs{status:429}');
  if (n <= 0) return null;
  const total = count(s, 'http_reqs');
  const share = total > 0 ? n / total : null;
  const firstMs = s.timeline.find((p) => (p.errorsByKind?.['http 429'] ?? 0) > 0)?.t ?? null;
  const retry = retryMeta(s);
  const retried = retry?.configured === true && (retry.statuses ?? [429, 502, 503, 504]).includes(429);
  const rescued = count(s, 'http_calls_rescued');

  let message =
    `${plural(n, 'request')}${share !== null ? ` of ${total} (${fmtPct(share)})` : ''} were rate-limited with HTTP 429` +
    `${firstMs !== null ? `, the first ${fmtMs(firstMs)} into the run` : ''}.`;
  if (retried) {
    message +=
      ` Retries were configured for 429 (rampart waits for Retry-After when the server sends it, up to maxBackoff)` +
      `${rescued > 0 ? ` and ${plural(rescued, 'call')} succeeded thanks to a retry` : ''}; the offered rate is still above the target's limit.`;
  } else if (retry?.configured === true) {
    message +=
      ' Retries were configured but not for 429: add 429 to http.retry.statuses so the calls back off and honour Retry-After, or lower the rate.';
  } else if (retry?.configured === false) {
    message += ' Retries were not configured: lower the rate, or set http: { retry: { statuses: [429] } } so calls back off and honour Retry-After.';
  } else {
    message += ' Lower the rate or spread it out; a client should back off on 429 and honour Retry-After.';
  }
  if (preset(s) === 'runpod') {
    message += ' RunPod limits each endpoint per 10 s window (/run 1000, /runsync 2000, /status 2000 requests).';
  }
  return {
    kind: 'rate-limited',
    severity: 'warn',
    message,
    data: {
      count: n,
      total,
      share: share === null ? null : round(share, 4),
      firstMs,
      retryConfigured: retry?.configured ?? null,
      retried429: retried,
      rescued,
    },
  };
}
