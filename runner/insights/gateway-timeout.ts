/**
 * gateway-timeout (fail): failures that all took the same time, well past the service's own
 * latency. A backend that is merely slow fails at scattered durations; a fixed limit (a
 * gateway, a load balancer's queue timeout, the client's own timeout) cuts every request at the
 * same elapsed time.
 *
 * Rule: for each `http_req_duration{status:N}` with N ≥ 400 and `http_req_duration{error:timeout}`
 * with count ≥ 2, decode the HDR histogram; the failures are clustered when
 * p90 − p10 ≤ max(10% of p50, 50 ms). A status cluster (not rampart's own timeout, which is a
 * limit by construction) is a cut-off only when its p10 is at least 200 ms (below that, any run
 * of fast answers fits the 50 ms tolerance: a fast 401 is not a timeout) and at least the
 * median of the successful responses (a limit below the service's typical latency would have
 * cut the successes too).
 */
import type { Insight, Summary } from '../results/types.js';
import { fmtMs, fmtRange, plural, percentiles, preset, round, subKeys, successLatency, trend } from './util.js';

/** 10%: a limit is hit late by scheduling noise on a loaded machine (1 s answered at 1.00–1.10 s) */
export const CLUSTER_RELATIVE = 0.1;
export const CLUSTER_ABSOLUTE_MS = 50;
/** A status cluster must sit this far from zero: the absolute tolerance is then at most a quarter of it. */
export const CUTOFF_FLOOR_MS = 4 * CLUSTER_ABSOLUTE_MS;
/** RunPod's load balancer answers 400 when no worker took the request within 2 minutes. */
export const RUNPOD_LB_TIMEOUT_MS = 120_000;
/** RunPod cuts a load-balancer request that runs longer than 5.5 minutes with 524. */
export const RUNPOD_LB_MAX_MS = 330_000;
const KNOWN_LIMIT_TOLERANCE = 0.05;

export interface FailureCluster {
  /** HTTP status, or null for a client-side timeout */
  status: number | null;
  error: string | null;
  count: number;
  min: number;
  max: number;
  p10: number;
  p50: number;
  p90: number;
  clusterMs: number;
  toleranceMs: number;
  /** median of the successful responses, when there were any */
  successP50: number | null;
}

/** Every failing status (and the timeout error) whose durations are tightly clustered. */
export function failureClusters(s: Summary): FailureCluster[] {
  const candidates: Array<{ key: string; status: number | null; error: string | null }> = [];
  for (const [value, key] of subKeys(s, 'http_req_duration', 'status')) {
    const status = Number(value);
    if (Number.isInteger(status) && status >= 400) candidates.push({ key, status, error: null });
  }
  if (s.metrics['http_req_duration{error:timeout}']) {
    candidates.push({ key: 'http_req_duration{error:timeout}', status: null, error: 'timeout' });
  }
  const success = successLatency(s);
  const out: FailureCluster[] = [];
  for (const c of candidates) {
    const t = trend(s, c.key);
    if (!t || t.count < 2) continue;
    const ps = percentiles(t, [10, 50, 90]);
    if (!ps) continue;
    const [p10, p50, p90] = ps;
    const toleranceMs = Math.max(CLUSTER_RELATIVE * p50, CLUSTER_ABSOLUTE_MS);
    const clusterMs = p90 - p10;
    if (clusterMs > toleranceMs) continue;
    // rampart's own timeout is a fixed limit whatever its value; an HTTP status must prove it
    if (c.error === null && (p10 < CUTOFF_FLOOR_MS || (success !== null && p10 < success.p50))) continue;
    out.push({
      status: c.status,
      error: c.error,
      count: t.count,
      min: t.min,
      max: t.max,
      p10,
      p50,
      p90,
      clusterMs,
      toleranceMs,
      successP50: success?.p50 ?? null,
    });
  }
  return out.sort((a, b) => b.count - a.count);
}

function near(valueMs: number, targetMs: number): boolean {
  return Math.abs(valueMs - targetMs) <= KNOWN_LIMIT_TOLERANCE * targetMs;
}

export function gatewayTimeout(s: Summary): Insight[] | null {
  const clusters = failureClusters(s);
  if (!clusters.length) return null;
  const isRunpod = preset(s) === 'runpod';
  return clusters.map((c) => {
    const what = c.status !== null ? `failed with HTTP ${c.status}` : 'timed out';
    const allIn = c.max - c.min <= c.toleranceMs;
    const where = allIn ? `all within ${fmtRange(c.min, c.max)}` : `the middle 80% within ${fmtRange(c.p10, c.p90)}`;
    let message =
      `${plural(c.count, 'request')} ${what} after ${fmtMs(c.p50)} (${where}): ` +
      `a fixed time limit near ${fmtMs(c.p50)} cut them${c.status === null ? " (rampart's request timeout or a gateway's)" : ' (a gateway or queue timeout)'}, not the backend's own latency` +
      `${c.successP50 !== null ? ` (successful responses took p50 ${fmtMs(c.successP50)})` : ''}.`;
    let knownLimit: string | null = null;
    if (c.status === 400 && near(c.p50, RUNPOD_LB_TIMEOUT_MS)) {
      knownLimit = 'runpod-lb-2min';
      message += ` ${isRunpod ? '' : 'If the target is a RunPod load-balancing endpoint: '}RunPod's load balancer answers 400 when no worker took a request within 2 minutes, so supply of warm workers fell short of demand.`;
    } else if (c.status === 524 && near(c.p50, RUNPOD_LB_MAX_MS)) {
      knownLimit = 'runpod-lb-5.5min';
      message += ` ${isRunpod ? '' : 'If the target is a RunPod load-balancing endpoint: '}RunPod cuts a request that runs longer than 5.5 minutes with 524.`;
    }
    return {
      kind: 'gateway-timeout',
      severity: 'fail' as const,
      message,
      data: {
        status: c.status,
        error: c.error,
        count: c.count,
        min: round(c.min, 3),
        max: round(c.max, 3),
        p10: round(c.p10, 3),
        p50: round(c.p50, 3),
        p90: round(c.p90, 3),
        clusterMs: round(c.clusterMs, 3),
        toleranceMs: round(c.toleranceMs, 3),
        successP50: c.successP50 === null ? null : round(c.successP50, 3),
        knownLimit,
      },
    };
  });
}
