/** The Plan: a scenario's stages resolved into a timeline of executor steps. Plain data. */

interface StepBase {
  /** the step's number in the whole plan, across workloads (the `stage` tag, ctx.stage) */
  index: number;
  /** the workload the step belongs to ('default' for top-level stages) */
  workload: string;
  kind: 'ramp' | 'soak' | 'burst' | 'pause' | 'sweep';
  /** planned start in ms from the run's start, its workload's startAfter included (a burst before it may move it later) */
  startMs: number;
  /** planned duration; for bursts the upper bound (maxDuration) */
  durationMs: number;
  /** true when the step ends when its work is done rather than at durationMs (bursts) */
  dynamic: boolean;
  /** most iterations in flight at once during the step */
  peakConcurrency: number;
  /** one line for humans: 'ramp 0 → 15 VUs over 30s' */
  description: string;
}

/** Closed model: a VU level moving linearly from fromVUs to toVUs. */
export interface VuLevelsStep extends StepBase {
  executor: 'vu-levels';
  fromVUs: number;
  toVUs: number;
}
/** Open model: iterations started at a rate moving linearly from fromRate to toRate (per second). */
export interface ArrivalRateStep extends StepBase {
  executor: 'arrival-rate';
  fromRate: number;
  toRate: number;
  maxVUs: number;
  sweep?: SweepStepInfo;
}

/** What a step sustains in a capacity sweep: it holds while every limit does (runner/plan/executors/sweep.ts). */
export interface SweepLimits {
  /** largest http_req_failed rate (default 0.01) */
  errorRate: number;
  /** smallest llm_goodput rate, judged when the step made LLM requests (default 0.95) */
  goodput: number;
  /** largest fraction of the step's arrivals dropped for want of a VU (default 0.01) */
  dropped: number;
  /** largest http_req_duration p95, ms (none by default) */
  p95Ms?: number;
}

/** One rate of a sweep({ from, to, steps, each, maxVUs }): each rate is its own plan step (its own `stage` tag). */
export interface SweepStepInfo {
  /** 1-based */
  step: number;
  of: number;
  /** plan index of the sweep's first step: names the sweep */
  first: number;
  limits: SweepLimits;
}
/** Closed burst: `vus` slots start together and share `iterations`. */
export interface SharedIterationsStep extends StepBase {
  executor: 'shared-iterations';
  vus: number;
  iterations: number;
}
/** Open burst: `iterations` arrivals spread over overMs (0 = all at once), at most maxVUs in flight. */
export interface ArrivalBurstStep extends StepBase {
  executor: 'arrival-burst';
  iterations: number;
  maxVUs: number;
  overMs: number;
}
/** No load. */
export interface IdleStep extends StepBase {
  executor: 'idle';
}

export type PlanStep = VuLevelsStep | ArrivalRateStep | SharedIterationsStep | ArrivalBurstStep | IdleStep;

/** One workload: a sequence of steps with its own iteration, running alongside the other workloads. */
export interface WorkloadPlan {
  name: string;
  /** when its first step starts, in ms from the run's start */
  startAfterMs: number;
  /** its steps, in order (the same objects as in Plan.steps) */
  steps: PlanStep[];
  /** tags on every sample of the workload: none for a file without `workloads`, else workload:<name> and its own tags */
  sampleTags: Record<string, string>;
  /** sum of its steps' planned durations, startAfter not included */
  durationMs: number;
  /** most iterations in flight at once in this workload */
  peakVUs: number;
  /** its VUs that may hold connections at once: the peak, plus VUs still finishing the previous stage (the HTTP pool is 6 per VU: pool.ts) */
  poolSize: number;
}

export interface Plan {
  /** every workload's steps, workload after workload; steps[i].index === i */
  steps: PlanStep[];
  workloads: WorkloadPlan[];
  /** when the last workload ends: the largest startAfter + duration (bursts at their upper bound) */
  totalDurationMs: number;
  /** most iterations in flight at once over the run: the workloads' peaks added up */
  peakVUs: number;
  /** VUs that may hold connections at once: the workloads' pool sizes added up (the HTTP pool: pool.ts) */
  poolSize: number;
  profile: string | null;
}
