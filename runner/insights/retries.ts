/**
 * retries: what retries did, or what they would likely have done.
 *
 * - `http_calls_rescued` > 0 → info: calls that succeeded only thanks to a retry.
 * - retries ran (`http_retries` > 0) but rescued nothing → info.
 * - no retry ran and requests failed with retryable kinds (HTTP 400 clustered at a timeout,
 *   429, 502, 503, 504; timeout, connect, reset errors) that the retry policy, if any, does
 *   not cover → warn with a suggested
 *   `http.retry`, when the timeline shows successes completing in a later interval than the
 *   first such failure; info saying the run cannot tell when none did. Silent when no request
 *   succeeded at all: nothing then suggests the failures were transient.
 *
 * Counts: `http_req_failed` counts every attempt; the rescued/ran variants speak of calls
 * (`http_call_failed`, one per call whatever its attempts) and name both numbers; the
 * suggestion counts requests and says how many of http_req_failed's failures were retryable.
 * Successes per interval come from the interval's duration histogram (exact), never more than
 * `http_req_failed`'s successes.
 */
import type { Insight, RetryMeta, Summary, TimelinePoint } from '../results/types.js';
import { failureClusters } from './gateway-timeout.js';
import { completedIn, completions, count, fmtMs, plural, rate, retryMeta } from './util.js';

const RETRYABLE_STATUSES = [429, 502, 503, 504];
const RETRYABLE_ERRORS = ['timeout', 'connect', 'reset'];

/** A round backoff for the suggestion: about a twelfth of the timeout that cut requests, else 1 s. */
function suggestBackoff(timeoutMs: number | null): string {
  if (timeoutMs === null) return '1s';
  const ms = timeoutMs / 12;
  if (ms >= 1000) return `${Math.max(1, Math.round(ms / 1000))}s`;
  return `${Math.max(10, Math.round(ms / 10) * 10)}ms`;
}

export function retries(s: Summary): Insight | null {
  // retries ran on nothing (http_retries is 0): either none was configured, or the policy
  // does not cover the statuses and errors that failed
  return retriesRan(s) ?? uncoveredFailures(s);
}

/** What the retries that ran did: calls they rescued, or extra attempts that rescued nothing. */
function retriesRan(s: Summary): Insight | null {
  const rescued = count(s, 'http_calls_rescued');
  const extra = count(s, 'http_retries');
  const callFailed = rate(s, 'http_call_failed');
  const attemptsFailed = rate(s, 'http_req_failed')?.trues ?? 0;
  const still = callFailed?.trues ?? 0;
  // http_req_failed counts attempts, the calls above count each call once: name both
  const attemptsNote = attemptsFailed > 0 ? ` (http_req_failed counts each failed attempt: ${attemptsFailed} in all)` : '';
  if (rescued > 0) {
    return {
      kind: 'retries',
      severity: 'info',
      message:
        `${plural(rescued, 'call')} succeeded only thanks to a retry (${plural(extra, 'extra attempt')})` +
        `${still > 0 ? `; ${plural(still, 'call')} still failed after every attempt` : ''}${attemptsNote}.`,
      data: { rescued, extraAttempts: extra, callsFailed: still, calls: callFailed ? callFailed.trues + callFailed.falses : null, attemptsFailed },
    };
  }
  if (extra > 0) {
    return {
      kind: 'retries',
      severity: 'info',
      message:
        `Retries made ${plural(extra, 'extra attempt')} but rescued no call${still > 0 ? `: ${plural(still, 'call')} failed after every attempt` : ''}${attemptsNote}; ` +
        'the failures were not transient within the backoff.',
      data: { rescued: 0, extraAttempts: extra, callsFailed: still, attemptsFailed },
    };
  }
  return null;
}

/** Retryable failures (by status and error kind) the retry policy, if any, does not cover. */
function retryableFailures(s: Summary, retry: RetryMeta | null, gateway400: boolean) {
  const covers = (k: string) =>
    retry?.configured === true &&
    (k.startsWith('http ') ? (retry.statuses ?? RETRYABLE_STATUSES).includes(Number(k.slice(5))) : (retry.errors ?? RETRYABLE_ERRORS).includes(k));
  const byKind: Record<string, number> = {};
  const statuses: number[] = [];
  for (const st of gateway400 ? [400, ...RETRYABLE_STATUSES] : RETRYABLE_STATUSES) {
    const n = count(s, `http_reqs{status:${st}}`);
    if (n > 0 && !covers(`http ${st}`)) {
      byKind[`http ${st}`] = n;
      statuses.push(st);
    }
  }
  const errors: string[] = [];
  for (const e of RETRYABLE_ERRORS) {
    const n = s.errors.filter((g) => g.kind === e).reduce((a, g) => a + g.count, 0) || count(s, `http_reqs{error:${e}}`);
    if (n > 0 && !covers(e)) {
      byKind[e] = n;
      errors.push(e);
    }
  }
  return { byKind, statuses, errors };
}

/** Successes in interval `i`: from rps, exact (the interval's histogram, ~0.2 ms to decode) only where rounding could matter. */
function succeededIn(tl: TimelinePoint[], i: number): number {
  const estimate = completions(tl, i) - tl[i].errors;
  return estimate > 2 ? estimate : Math.max(0, completedIn(tl, i) - tl[i].errors);
}

function uncoveredFailures(s: Summary): Insight | null {
  const retry = retryMeta(s);
  const gateway400 = failureClusters(s).find((c) => c.status === 400);
  const { byKind, statuses, errors } = retryableFailures(s, retry, gateway400 !== undefined);
  const failed = Object.values(byKind).reduce((a, b) => a + b, 0);
  if (failed === 0) return null;
  // no success at all: nothing suggests the failures were transient (the verdict says what happened)
  const reqFailed = rate(s, 'http_req_failed');
  const successes = reqFailed?.falses ?? 0;
  if (successes === 0) return null;

  // did anything succeed after the first retryable failure?
  const keys = Object.keys(byKind);
  const tl = s.timeline;
  const first = tl.findIndex((p) => keys.some((k) => (p.errorsByKind?.[k] ?? 0) > 0));
  if (first === -1) return null;
  let successesAfter = 0;
  for (let i = first + 1; i < tl.length && successesAfter < successes; i++) successesAfter += succeededIn(tl, i);
  successesAfter = Math.min(successesAfter, successes);
  const attemptsFailed = reqFailed?.trues ?? 0;
  const kinds = keys.join(', ');
  // say which share of http_req_failed these are, so the two numbers never seem to disagree
  const lead =
    attemptsFailed > failed
      ? `${failed} of the ${attemptsFailed} failed requests (http_req_failed) had retryable errors (${kinds})`
      : `${plural(failed, 'request')} failed with retryable errors (${kinds})`;
  const data = { failed, failedAll: attemptsFailed, byKind, firstFailureMs: tl[first].t, successesAfter, retryConfigured: retry?.configured ?? null };

  if (successesAfter === 0) {
    // the first failure's own interval may hold successes, but a 1 s interval cannot order them
    const sameInterval = Math.min(succeededIn(tl, first), successes);
    return {
      kind: 'retries',
      severity: 'info',
      message:
        `${lead}, but no request completed in a later second ` +
        `than the first failure (${fmtMs(tl[first].t)} in)${sameInterval > 0 ? `, though ${plural(sameInterval, 'success', 'successes')} came in that same second` : ''}: ` +
        'the run does not show whether a retry would have succeeded.',
      data: { ...data, sameInterval },
    };
  }
  const { suggestion, text } = suggestRetry(retry, statuses, errors, gateway400?.p50 ?? null);
  const why = retry?.configured === true ? 'the retry policy does not cover them' : retry ? 'retries were not configured' : 'none was retried';
  return {
    kind: 'retries',
    severity: 'warn',
    message:
      `${lead} and ${why}; ` +
      `requests completing after them succeeded (${plural(successesAfter, 'success', 'successes')} after the first failure at ${fmtMs(tl[first].t)}), ` +
      `so a retry with backoff would likely have rescued them: e.g. ${text}.`,
    data: { ...data, suggestion },
  };
}

/** An http.retry that covers the failures seen, on top of the configured policy's own. */
function suggestRetry(retry: RetryMeta | null, statuses: number[], errors: string[], timeoutMs: number | null) {
  const configured = retry?.configured === true;
  const suggestStatuses = [...new Set([...statuses, ...(configured ? (retry.statuses ?? RETRYABLE_STATUSES) : [429, 503])])].sort((a, b) => a - b);
  const suggestErrors = [...new Set([...errors, ...(configured ? (retry.errors ?? RETRYABLE_ERRORS) : [])])];
  const attempts = configured && retry.attempts && retry.attempts > 1 ? retry.attempts : 3;
  const backoff = suggestBackoff(timeoutMs);
  const text = `http: { retry: { statuses: [${suggestStatuses.join(', ')}]${suggestErrors.length ? `, errors: [${suggestErrors.map((e) => `'${e}'`).join(', ')}]` : ''}, attempts: ${attempts}, backoff: '${backoff}' } }`;
  return { suggestion: { statuses: suggestStatuses, errors: suggestErrors, attempts, backoff }, text };
}
