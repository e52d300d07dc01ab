import type { Collector } from '../metrics/collector.js';
import { encodeHistogram } from '../metrics/hdr.js';
import type { CounterMetric, RateMetric, TrendMetric } from '../metrics/metric.js';
import type { TimelineLlm, TimelinePoint } from '../results/types.js';
import type { Progress } from './protocol.js';

const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

/** One timeline point from the metrics of one interval (all threads merged). */
export function timelinePoint(interval: Collector, t: number, seconds: number, progress: Progress[]): TimelinePoint {
  const reqs = interval.metrics.get('http_reqs') as CounterMetric | undefined;
  const failed = interval.metrics.get('http_req_failed') as RateMetric | undefined;
  const duration = interval.metrics.get('http_req_duration') as TrendMetric | undefined;
  const iterations = interval.metrics.get('iterations') as CounterMetric | undefined;
  const dropped = interval.metrics.get('dropped_iterations') as CounterMetric | undefined;
  const errorsByKind: Record<string, number> = {};
  for (const e of interval.errors.values()) {
    if (e.kind === 'exception') continue;
    const key = e.kind === 'http' ? `http ${e.status}` : e.kind;
    errorsByKind[key] = (errorsByKind[key] ?? 0) + e.count;
  }
  const [p50, p95, p99] = duration?.percentilesMs([50, 95, 99]) ?? [null, null, null];
  const point: TimelinePoint = {
    t: Math.round(t),
    vus: progress.reduce((s, p) => s + p.vus, 0),
    inFlight: progress.reduce((s, p) => s + p.inFlight, 0),
    rps: Math.round(((reqs?.count ?? 0) / Math.max(seconds, 0.001)) * 10) / 10,
    errors: failed?.trues ?? 0,
    p50: round(p50),
    p95: round(p95),
    p99: round(p99),
    stage: Math.max(0, ...progress.map((p) => p.stage)),
    iterations: iterations?.count ?? 0,
    dropped: dropped?.count ?? 0,
  };
  if (Object.keys(errorsByKind).length) point.errorsByKind = errorsByKind;
  if (duration && !duration.empty) point.hdr = encodeHistogram(duration.histogram);
  const llm = llmPoint(interval);
  if (llm) point.llm = llm;
  return point;
}

/** The interval's llm_ttft and llm_itl p50/p95, when the run has LLM metrics (their course over time in the HTML report). */
function llmPoint(interval: Collector): TimelineLlm | null {
  const ttft = interval.metrics.get('llm_ttft') as TrendMetric | undefined;
  const itl = interval.metrics.get('llm_itl') as TrendMetric | undefined;
  if (!ttft && !itl) return null;
  const at = (t: TrendMetric | undefined, p: number) => (t && !t.empty ? round(t.percentileMs(p)) : null);
  return { ttftP50: at(ttft, 50), ttftP95: at(ttft, 95), itlP50: at(itl, 50), itlP95: at(itl, 95) };
}
