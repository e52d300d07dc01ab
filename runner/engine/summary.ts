import { createRequire } from 'node:module';
import type { Collector } from '../metrics/collector.js';
import { summarizeMetrics } from '../metrics/summarize.js';
import type { Summary, ThresholdResult, TimelinePoint, Verdict } from '../metrics/summary-types.js';
import type { Plan } from '../plan/types.js';
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
  /** the retry policy in force, for the findings */
  retry?: { configured: boolean; attempts?: number; statuses?: number[]; errors?: string[] };
  /** the preset, and what the cold-start classifier learnt of a warm worker's service time (ms by trend) */
  serverless?: { preset: string; serviceTimes?: Record<string, { bound: number; typical: number }> } | null;
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
    stages: i.plan.steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, startMs: s.startMs, durationMs: s.durationMs })),
    meta: {
      rampart: VERSION, workers: i.workers, node: process.version, peakVUs: i.plan.peakVUs, connectionsPerOrigin: i.plan.poolSize,
      ...(i.retry ? { retry: i.retry } : {}),
      ...(i.serverless ? { serverless: i.serverless } : {}),
    },
  };
  if (i.abortReason) summary.abortReason = i.abortReason;
  summary.insights = deriveInsights(summary);
  return summary;
}
