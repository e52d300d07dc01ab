import type { Collector } from './collector.js';
import type { MetricSummary } from '../results/types.js';

/** Every non-empty metric of a (cumulative) collector, summarised; keys sorted. */
export function summarizeMetrics(collector: Collector, durationMs: number): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {};
  const keys = [...collector.metrics.keys()].sort();
  for (const key of keys) {
    const m = collector.metrics.get(key)!;
    if (!m.empty) out[key] = m.summarize(durationMs);
  }
  return out;
}
