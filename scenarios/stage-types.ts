/** Stage and threshold types of the authoring API (re-exported by scenarios/types.ts). */

/** A duration: a number of milliseconds, or a string such as '250ms', '30s', '2m', '1h', '1m30s'. */
export type Duration = number | string;

/** Closed model: VUs ramp linearly from the previous stage's level to `to` over `over`. */
export interface ClosedRamp {
  kind: 'ramp';
  to: number;
  over: Duration;
}
/**
 * Open model: the arrival rate (iterations/s) ramps linearly to `rate`, from `startRate` when
 * given, else from the previous open stage's rate (0 when there is none).
 */
export interface OpenRamp {
  kind: 'ramp';
  startRate?: number;
  rate: number;
  over: Duration;
  maxVUs: number;
}
/** Closed model: `vus` VUs loop for `for`. */
export interface ClosedSoak {
  kind: 'soak';
  vus: number;
  for: Duration;
}
/** Open model: `rate` iterations/s for `for`, at most `maxVUs` in flight. */
export interface OpenSoak {
  kind: 'soak';
  rate: number;
  for: Duration;
  maxVUs: number;
}
/** Closed model: `vus` slots start at once and share `iterations` (default: one each). */
export interface ClosedBurst {
  kind: 'burst';
  vus: number;
  iterations?: number;
  maxDuration?: Duration;
}
/** Open model: `iterations` arrive at once (or evenly over `over`); beyond `maxVUs` in flight they are dropped. */
export interface OpenBurst {
  kind: 'burst';
  iterations: number;
  maxVUs: number;
  over?: Duration;
  maxDuration?: Duration;
}
/** No load for `for`. */
export interface Pause {
  kind: 'pause';
  for: Duration;
}

/**
 * A capacity search: the open-model rate climbs from `from` to `to` in `steps` steps of `each`.
 * A step holds while its error rate ≤ limits.errorRate (0.01), llm_goodput ≥ limits.goodput
 * (0.95, when it made LLM requests), dropped arrivals ≤ limits.dropped (0.01) and, if given,
 * http_req_duration p95 ≤ limits.p95; the sweep-capacity finding names the highest rate that held.
 */
export interface Sweep {
  kind: 'sweep';
  from: number;
  to: number;
  steps: number;
  each: Duration;
  maxVUs: number;
  limits?: { errorRate?: number; goodput?: number; dropped?: number; p95?: Duration };
}

export type Stage = ClosedRamp | OpenRamp | ClosedSoak | OpenSoak | ClosedBurst | OpenBurst | Pause | Sweep;

/** delayAbortEval (k6's): abortOnFail is not judged before this much load has run, e.g. '30s' */
export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: Duration };
