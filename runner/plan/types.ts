/** The Plan: a scenario's stages resolved into a timeline of executor steps. Plain data. */

interface StepBase {
  index: number;
  kind: 'ramp' | 'soak' | 'burst' | 'pause';
  /** planned start in ms from the run's start (a burst before it may move it later) */
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
export interface VuLevelsStep extends StepBase { executor: 'vu-levels'; fromVUs: number; toVUs: number }
/** Open model: iterations started at a rate moving linearly from fromRate to toRate (per second). */
export interface ArrivalRateStep extends StepBase { executor: 'arrival-rate'; fromRate: number; toRate: number; maxVUs: number }
/** Closed burst: `vus` slots start together and share `iterations`. */
export interface SharedIterationsStep extends StepBase { executor: 'shared-iterations'; vus: number; iterations: number }
/** Open burst: `iterations` arrivals spread over overMs (0 = all at once), at most maxVUs in flight. */
export interface ArrivalBurstStep extends StepBase { executor: 'arrival-burst'; iterations: number; maxVUs: number; overMs: number }
/** No load. */
export interface IdleStep extends StepBase { executor: 'idle' }

export type PlanStep = VuLevelsStep | ArrivalRateStep | SharedIterationsStep | ArrivalBurstStep | IdleStep;

export interface Plan {
  steps: PlanStep[];
  /** sum of the steps' planned durations (bursts at their upper bound) */
  totalDurationMs: number;
  /** most iterations in flight at once over the run */
  peakVUs: number;
  /** connections per origin: the peak, plus VUs still finishing the previous stage */
  poolSize: number;
  profile: string | null;
}
