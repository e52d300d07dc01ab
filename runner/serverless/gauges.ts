import type { Collector } from '../metrics/collector.js';
import type { TimelinePoint } from '../results/types.js';
import type { HealthMonitor } from './monitor.js';

/**
 * Demand against supply on the timeline: the health monitor's sample taken within this
 * point's interval, if any (workers idle, running, initializing; jobs in queue, in progress),
 * and what the responses told so far (distinct workers seen, cold starts).
 */
export function addServerlessGauges(point: TimelinePoint, cumulative: Collector, monitor: HealthMonitor | null): void {
  const gauges: Record<string, number> = { ...monitor?.sampleFor(point.t) };
  const seen = cumulative.metrics.get('workers_seen');
  if (seen && !seen.empty) gauges.workers_seen = cumulative.gauge('workers_seen').value;
  const cold = cumulative.metrics.get('cold_starts');
  if (cold && !cold.empty) gauges.cold_starts = cumulative.counter('cold_starts').count;
  if (Object.keys(gauges).length) point.gauges = gauges;
}
