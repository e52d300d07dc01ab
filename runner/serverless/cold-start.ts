import type { Collector } from '../metrics/collector.js';
import { createHistogram, msToUs } from '../metrics/hdr.js';
import type { CounterMetric, GaugeMetric, TrendMetric } from '../metrics/metric.js';
import type { WorkerObservation } from './runtime.js';

/**
 * How much longer than the warm reference a first response must take to be cold, ms: above
 * timer resolution and an event loop's jitter, below any real cold start (and the 4 ms ones of
 * the simulator at 1/100 time in the tests).
 */
export const MIN_COLD_EXCESS_MS = 3;
/**
 * The same for an event stream, whose warm headers come in µs: a thread's first response also
 * pays for first-time code on both sides (3–17 ms typical, 77 ms seen on 2 shared busy cores),
 * while an LLM worker's cold start loads weights (seconds to minutes; 0.4–0.9 s even in the
 * simulator at 1/100 time, twice this floor).
 */
export const MIN_COLD_EXCESS_STREAM_MS = 200;

interface Pending {
  worker: string;
  durationMs: number;
  serviceMs: number;
  stream: boolean;
}

/**
 * Classifies every response that names its worker as cold or warm (docs/serverless.md). It
 * runs on the main thread over the observations of every worker thread, in time order:
 *
 * - Only the first response from a worker id never seen before can be cold: a worker that
 *   already answered is warm.
 * - With a queue time from the platform (RunPod delayTime, via the job helper): that first
 *   job is cold when it waited longer than `minDelayMs` (default 1 s): an idle warm worker
 *   takes a job at once, a new one makes it wait for its cold start.
 * - Without one (load-balancer endpoints): the first response is cold when it took longer
 *   than `factor` (1.5) × the warm service time. A warm worker's service time is never seen
 *   alone there (in a burst every request also queues at the balancer), so it is bounded
 *   from above two ways and the smaller bound wins: the 1st percentile of the durations of
 *   later successful responses, and the 10th percentile of the gaps between two successive
 *   responses of one worker (a busy worker answers once per service time). First responses
 *   are decided at the end of the run, when the reference is complete; with no reference at
 *   all, they are all cold. A first response is also cold only when it took at least
 *   `MIN_COLD_EXCESS_MS` longer than the reference: 1.5 × a tiny reference is within jitter.
 * - Event streams (text/event-stream: ctx.llm, ctx.http.stream): the headers come when a
 *   worker takes the stream, before any work, so their time to first byte is queueing plus
 *   any cold start, whatever the prompt's length; a warm one is a few µs, so the excess must be
 *   `MIN_COLD_EXCESS_STREAM_MS`. Their completions give no gaps: the streams one worker
 *   batches finish together.
 *
 * Records `<trend>{cold:true|false}`, `cold_starts` (and `cold_starts{worker:ID}`), and the
 * `workers_seen` gauge.
 */
export class ColdStartClassifier {
  private readonly lastSeenAt = new Map<string, number>();
  private readonly durations = createHistogram();
  private readonly gaps = createHistogram();
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

  /**
   * A response from `worker` that took `durationMs`; `queueMs` when the platform reported it;
   * `ok` false for an error status (never a reference); `serviceMs`, the part the endpoint
   * spent (time to first byte: no connection set-up or wait inside rampart), is what the
   * cold-start rule compares; `stream`, a stream (its completion is no gap). Returns cold, or null while undecided.
   */
  observe(
    worker: string,
    durationMs: number,
    queueMs?: number,
    ok = true,
    now = performance.now(),
    serviceMs = durationMs,
    stream = false,
  ): boolean | null {
    const last = this.lastSeenAt.get(worker);
    this.lastSeenAt.set(worker, now);
    const first = last === undefined;
    if (first) this.workersSeen.set(this.lastSeenAt.size);
    if (queueMs !== undefined) {
      const cold = first && queueMs > this.rule.minDelayMs;
      this.record(worker, durationMs, cold);
      return cold;
    }
    if (first) {
      this.pending.push({ worker, durationMs, serviceMs, stream });
      return null;
    }
    if (ok) {
      this.durations.recordValue(msToUs(serviceMs));
      if (!stream) this.gaps.recordValue(msToUs(now - last));
    }
    this.record(worker, durationMs, false);
    return false;
  }

  /** The warm service time estimate in ms, 0 when nothing was seen twice. */
  reference(): number {
    return this.bound(1, 10);
  }

  /** ms: the `durationP` percentile of later durations, capped by the `gapP` percentile of gaps when there are any; 0 when unknown. */
  private bound(durationP: number, gapP: number): number {
    if (this.durations.totalCount === 0) return 0;
    const d = this.durations.getValueAtPercentile(durationP);
    return (this.gaps.totalCount === 0 ? d : Math.min(d, this.gaps.getValueAtPercentile(gapP))) / 1000;
  }

  /**
   * A warm worker's typical service time, ms: the median gap between two successive answers
   * of one worker (a busy worker answers once per service time; an idle one makes the gap
   * longer, so this errs high), capped by the median of later durations. 0 when unknown.
   */
  serviceTime(): number {
    return this.bound(50, 50);
  }

  /**
   * The slow end of a warm worker's service time, ms: p90 of the gaps between two successive
   * answers of one worker, capped by p90 of later durations. For bounds that must hold for
   * most requests (a burst served in waves). 0 when unknown.
   */
  serviceTimeHigh(): number {
    return this.bound(90, 90);
  }

  /** Decides the first responses still waiting (end of the run). */
  flush(): void {
    const ref = this.reference();
    const coldAbove = (stream: boolean) => Math.max(this.rule.factor * ref, ref + (stream ? MIN_COLD_EXCESS_STREAM_MS : MIN_COLD_EXCESS_MS));
    for (const p of this.pending) this.record(p.worker, p.durationMs, ref === 0 || p.serviceMs > coldAbove(p.stream));
    this.pending = [];
  }

  private record(worker: string, durationMs: number, cold: boolean): void {
    (this.collector.trend(`${this.trend}{cold:${cold}}`) as TrendMetric).record(msToUs(durationMs));
    if (cold) {
      this.coldStarts.add();
      this.collector.counter(`cold_starts{worker:${worker}}`).add();
    }
  }
}

/**
 * The run's cold-start decisions: the observations of every thread, in the order they
 * happened, through one classifier per trend (responses, jobs).
 */
export class ColdStarts {
  private readonly byTrend = new Map<string, ColdStartClassifier>();

  constructor(
    private readonly collector: Collector,
    private readonly rule: { minDelayMs: number; factor: number },
  ) {}

  add(observations: WorkerObservation[]): void {
    observations.sort((a, b) => a.at - b.at);
    for (const o of observations) {
      let c = this.byTrend.get(o.trend);
      if (!c) this.byTrend.set(o.trend, (c = new ColdStartClassifier(this.collector, this.rule, o.trend)));
      c.observe(o.worker, o.durationMs, o.queueMs, o.ok, o.at, o.serviceMs, o.stream);
    }
  }

  /** Decides the first responses still waiting (end of the run). */
  flush(): void {
    for (const c of this.byTrend.values()) c.flush();
  }

  /**
   * By trend, ms: `bound`, the warm service-time bound each decision was made against,
   * `typical`, a warm worker's median service time (for sizing), and `high`, its p90.
   */
  serviceTimes(): Record<string, { bound: number; typical: number; high: number }> {
    const round = (n: number) => Math.round(n * 1000) / 1000;
    const out: Record<string, { bound: number; typical: number; high: number }> = {};
    for (const [trend, c] of this.byTrend) {
      out[trend] = { bound: round(c.reference()), typical: round(c.serviceTime()), high: round(c.serviceTimeHigh()) };
    }
    return out;
  }
}
