import type { PlanStep } from '../types.js';

/** What a stage config needs to know about its place in the plan. */
export interface StageContext {
  /** the step's number across the whole plan */
  index: number;
  workload: string;
  /** 'stages[2] (ramp)', for messages */
  where: string;
  startMs: number;
  previous: PlanStep | undefined;
}

export function previousVUs(ctx: StageContext): number {
  return ctx.previous?.executor === 'vu-levels' ? ctx.previous.toVUs : 0;
}

export function previousRate(ctx: StageContext): number {
  return ctx.previous?.executor === 'arrival-rate' ? ctx.previous.toRate : 0;
}

/** The fields every step of a stage starts with: where it sits in the plan and whether its length is known. */
export function placed<K extends PlanStep['kind']>(ctx: StageContext, kind: K, dynamic: boolean) {
  return { index: ctx.index, workload: ctx.workload, kind, startMs: ctx.startMs, dynamic };
}
