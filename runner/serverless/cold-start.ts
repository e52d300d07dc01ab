import type { Collector } from '../metrics/collector.js';
import { createHistogram, msToUs } from '../metrics/hdr.js';
import type { CounterMetric, GaugeMetric, TrendMetric } from '../metrics/metric.js';

/** Later responses needed before the warm reference is trusted. */
const MIN_REFERENCE = 3;

interface Pending {
  worker: string;
  durationMs: number;
}

/**
 * Classifies every response that names its worker as cold or warm (docs/serverless.md):
 *
 * - Only the first response from a worker id never seen before can be cold: a worker that
 *   already answered is warm.
 * - With a queue time from the platform (RunPod delayTime, via the job helper): that first
 *   job is cold when it waited longer than `minDelayMs` (default 1 s) — a warm idle worker
 *   takes a job at once, a new one makes it wait for its cold start.
 * - Without one (load-balancer endpoints): the first response is cold when it took longer
 *   than `factor` (1.5) × the warm reference, the 10th percentile of the durations of later
 *   responses (the service time of a warm worker with little queueing). Until that reference
 *   exists, first responses wait; a run that never gets one calls them all cold.
 *
 * Records `http_req_duration{cold:true|false}` (or `job_total_time{cold:...}`),
 * `cold_starts` (and `cold_starts{worker:ID}`), and the `workers_seen` gauge.
 */
export class ColdStartClassifier {
  private readonly seen = new Set<string>();
  private readonly reference = createHistogram();
  private pending: Pending[] = [];
  private readonly coldStarts: CounterMetric;
  private readonly workersSeen: GaugeMetric;

  constructor(
    private readonly collector: Collector,
    private readonly rule: { minDelayMs: number; factor: number },
    private readonly trend = 'http_req_duration',
  ) {
    this.coldStarts = collector.counter('cold_starts');
    this.workersSeen = collector.gauge('workers_seen');
  }

  /** A response from `worker` that took `durationMs`; `queueMs` when the platform reported it. Returns cold, or null while undecided. */
  observe(worker: string, durationMs: number, queueMs?: number): boolean | null {
    const first = !this.seen.has(worker);
    if (first) {
      this.seen.add(worker);
      this.workersSeen.set(this.seen.size);
    }
    if (queueMs !== undefined) {
      const cold = first && queueMs > this.rule.minDelayMs;
      this.record(worker, durationMs, cold);
      return cold;
    }
    if (first) {
      this.pending.push({ worker, durationMs });
    } else {
      this.reference.recordValue(msToUs(durationMs));
      this.record(worker, durationMs, false);
    }
    if (this.reference.totalCount >= MIN_REFERENCE) this.flush();
    return first ? null : false;
  }

  /** Decides the first responses still waiting (call at the end of the run). */
  flush(): void {
    const ref = this.reference.totalCount ? this.reference.getValueAtPercentile(10) / 1000 : 0;
    for (const p of this.pending) this.record(p.worker, p.durationMs, ref === 0 || p.durationMs > this.rule.factor * ref);
    this.pending = [];
  }

  private record(worker: string, durationMs: number, cold: boolean): void {
    const key = cold ? `${this.trend}{cold:true}` : `${this.trend}{cold:false}`;
    (this.collector.trend(key) as TrendMetric).record(msToUs(durationMs));
    if (cold) {
      this.coldStarts.add();
      this.collector.counter(`cold_starts{worker:${worker}}`).add();
    }
  }
}
