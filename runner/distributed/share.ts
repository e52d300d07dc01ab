import { budgetShareOf, shareOf } from '../plan/segment.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { segmentLabel, type Segment } from './segment-source.js';

/** One step's part that a segment runs (one worker thread per segment; more threads split it again, exactly). */
export interface StepShare {
  index: number;
  workload: string;
  vus?: [number, number];
  iterations?: number;
  rate?: [number, number];
  maxVUs?: number;
}

/** Arrivals k = i, i+n, i+2n... of `total` go to segment i (runner/engine/executors/arrivals.ts). */
function arrivalsOf(total: number, s: Segment): number {
  return total > s.index ? Math.floor((total - 1 - s.index) / s.count) + 1 : 0;
}

export function segmentShare(plan: Plan, s: Segment): StepShare[] {
  const part = (n: number) => shareOf(n, s.index, s.count);
  const rate = (r: number) => Math.round((r / s.count) * 1000) / 1000;
  return plan.steps.map((step: PlanStep): StepShare => {
    const base = { index: step.index, workload: step.workload };
    switch (step.executor) {
      case 'vu-levels':
        return { ...base, vus: [part(step.fromVUs), part(step.toVUs)] };
      case 'shared-iterations':
        return { ...base, vus: [part(step.vus), part(step.vus)], iterations: budgetShareOf(step.iterations, step.vus, s.index, s.count) };
      case 'arrival-rate':
        return { ...base, rate: [rate(step.fromRate), rate(step.toRate)], maxVUs: part(step.maxVUs) };
      case 'arrival-burst':
        return { ...base, iterations: arrivalsOf(step.iterations, s), maxVUs: part(step.maxVUs) };
      case 'idle':
        return base;
    }
  });
}

export function describeShare(plan: Plan, s: Segment): string {
  const lines = [`segment ${segmentLabel(s)}'s share (with --workers 1; more threads split it again, exactly):`];
  for (const x of segmentShare(plan, s)) {
    const parts = [
      x.vus && (x.vus[0] === x.vus[1] ? `${x.vus[0]} VUs` : `${x.vus[0]} → ${x.vus[1]} VUs`),
      x.iterations !== undefined && `${x.iterations} iterations`,
      x.rate && (x.rate[0] === x.rate[1] ? `${x.rate[0]} it/s` : `${x.rate[0]} → ${x.rate[1]} it/s`),
      x.maxVUs !== undefined && `maxVUs ${x.maxVUs}`,
    ].filter(Boolean);
    lines.push(`  stage ${x.index}${plan.workloads.length > 1 ? ` (${x.workload})` : ''}: ${parts.join(', ') || 'idle'}`);
  }
  return lines.join('\n');
}
