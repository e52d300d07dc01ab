import { createRequire } from 'node:module';
import type { Collector } from '../metrics/collector.js';
import { summarizeMetrics } from '../metrics/summarize.js';
import type { OfferedLoad, RetryMeta, ServerlessMeta, Summary, ThresholdResult, TimelinePoint, Verdict } from './types.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { deriveInsights } from '../insights/index.js';

const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

export interface SummaryInput {
  scenario: Summary['scenario'];
  startedAt: Date;
  durationMs: number;
  aborted: boolean;
  abortReason?: string;
  exitCode: number;
  /** the run measured nothing (runner/verdict.ts) */
  verdict?: Verdict;
  collector: Collector;
  thresholds: Record<string, ThresholdResult[]>;
  timeline: TimelinePoint[];
  plan: Plan;
  workers: number;
  /** connections per origin in force (http.connections, else 6 per VU of the plan's pool size: plan/pool.ts), all threads */
  connections?: number;
  /** the retry policy in force, for the findings */
  retry?: RetryMeta;
  /** the preset, and what the cold-start classifier learnt of a warm worker's service time (ms by trend) */
  serverless?: ServerlessMeta | null;
}

/** The cumulative metrics of a run, as the Summary every reporter receives. */
export function buildSummary(i: SummaryInput): Summary {
  const checks: Summary['checks'] = {};
  for (const [name, c] of i.collector.checks) checks[name] = { ...c };
  const summary: Summary = {
    version: 1,
    scenario: i.scenario,
    startedAt: i.startedAt.toISOString(),
    endedAt: new Date(i.startedAt.getTime() + i.durationMs).toISOString(),
    durationMs: Math.round(i.durationMs * 10) / 10,
    aborted: i.aborted,
    exitCode: i.exitCode,
    ...(i.verdict ? { verdict: i.verdict } : {}),
    metrics: summarizeMetrics(i.collector, i.durationMs),
    checks,
    thresholds: i.thresholds,
    timeline: i.timeline,
    errors: [...i.collector.errors.values()].sort((a, b) => b.count - a.count),
    insights: [],
    stages: i.plan.steps.map((s) => ({
      index: s.index,
      kind: s.kind,
      description: s.description,
      startMs: s.startMs,
      durationMs: s.durationMs,
      offered: offeredLoad(s),
      ...(i.plan.workloads.some((w) => w.sampleTags.workload) ? { workload: s.workload } : {}),
    })),
    meta: {
      rampart: VERSION,
      workers: i.workers,
      node: process.version,
      peakVUs: i.plan.peakVUs,
      connectionsPerOrigin: i.connections ?? i.plan.poolSize,
      ...(i.retry ? { retry: i.retry } : {}),
      ...(i.serverless ? { serverless: i.serverless } : {}),
    },
  };
  if (i.abortReason) summary.abortReason = i.abortReason;
  summary.insights = deriveInsights(summary);
  return summary;
}

/** A step's own numbers: what the findings may state as the offered load (docs/findings.md). */
function offeredLoad(s: PlanStep): OfferedLoad {
  switch (s.executor) {
    case 'vu-levels':
      return { executor: s.executor, fromVUs: s.fromVUs, toVUs: s.toVUs };
    case 'shared-iterations':
      return { executor: s.executor, vus: s.vus, iterations: s.iterations };
    case 'arrival-rate':
      return { executor: s.executor, fromRate: s.fromRate, toRate: s.toRate, maxVUs: s.maxVUs, ...(s.sweep ? { sweep: s.sweep } : {}) };
    case 'arrival-burst':
      return { executor: s.executor, iterations: s.iterations, overMs: s.overMs, maxVUs: s.maxVUs };
    case 'idle':
      return { executor: s.executor };
  }
}
