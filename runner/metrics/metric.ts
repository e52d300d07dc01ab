import type { MetricSummary, MetricType } from '../results/types.js';
import {
  addBins,
  clampedPercentileUs,
  histogramMean,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  histogramBins,
  type Histogram,
  valuesAtPercentiles,
} from './hdr.js';

/** A metric's data as it crosses threads and processes (plain, structured-cloneable). */
export type SerializedMetric =
  | {
      type: 'trend';
      /** a thread's interval: the histogram's non-empty buckets (histogramBins) */
      bins?: number[];
      /** a results file's histogram (compressed base64), e.g. a segment's in `rampart merge` */
      hdr?: string;
      /** exact extremes in µs (a histogram only knows its buckets) */
      min: number;
      max: number;
    }
  | { type: 'counter'; count: number }
  | { type: 'rate'; trues: number; falses: number }
  | { type: 'gauge'; value: number; min: number; max: number };

export interface Metric {
  readonly type: MetricType;
  readonly empty: boolean;
  serialize(): SerializedMetric;
  merge(data: SerializedMetric): void;
  /** adds another metric of the same type, in the same thread */
  absorb(other: Metric): void;
  reset(): void;
  summarize(durationMs: number): MetricSummary;
  /** the value a threshold aggregation reads ('p(95)', 'avg', 'count', ...); null if none */
  aggregate(agg: string, durationMs: number): number | null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
/** what a Summary reports of every trend besides min, max and avg */
const SUMMARY_PERCENTILES = [50, 90, 95, 99, 99.9];

/**
 * A trend: an HDR histogram plus the exact smallest and largest values recorded. HDR keeps each
 * value to 3 significant digits, so a bucket's reported value can lie just outside the values
 * recorded in it; the exact extremes travel with the histogram between threads, and every
 * percentile is reported within them (see clampedPercentileUs).
 */
export class TrendMetric implements Metric {
  readonly type = 'trend';
  private readonly h: Histogram = createHistogram();
  /** zeros recorded since the histogram was last read: most phases of a reused connection are 0 */
  private zeros = 0;
  minUs = Infinity;
  maxUs = -Infinity;

  /** The HDR histogram, every value recorded included. */
  get histogram(): Histogram {
    if (this.zeros !== 0) {
      this.h.recordValueWithCount(0, this.zeros);
      this.zeros = 0;
    }
    return this.h;
  }

  /** A trend holding serialized data (decoded once, e.g. to be added to several metrics). */
  static from(data: SerializedMetric): TrendMetric {
    const t = new TrendMetric();
    t.merge(data);
    return t;
  }

  /** value in whole µs (see msToUs) */
  record(us: number): void {
    if (us === 0) this.zeros++;
    else this.h.recordValue(us);
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }
  get empty() {
    return this.zeros === 0 && this.h.totalCount === 0;
  }
  serialize(): SerializedMetric {
    return { type: 'trend', bins: histogramBins(this.histogram), min: this.minUs, max: this.maxUs };
  }
  merge(data: SerializedMetric): void {
    if (data.type !== 'trend') return;
    if (data.bins) {
      if (data.bins.length === 0) return;
      addBins(this.histogram, data.bins);
    } else if (data.hdr) {
      const h = decodeHistogram(data.hdr);
      if (h.totalCount === 0) return;
      this.histogram.add(h);
    } else return;
    this.minUs = Math.min(this.minUs, data.min);
    this.maxUs = Math.max(this.maxUs, data.max);
  }
  absorb(other: Metric): void {
    if (!(other instanceof TrendMetric) || other.empty) return;
    // by bins, not the library's add(): histograms that grew to different sizes take its slow
    // path, a value lookup and a resize check for each of the other's buckets, on every interval
    addBins(this.histogram, histogramBins(other.histogram));
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }
  reset(): void {
    this.h.reset();
    this.zeros = 0;
    this.minUs = Infinity;
    this.maxUs = -Infinity;
  }
  /** a percentile (0–100) in ms, within the exact extremes; null when empty */
  percentileMs(p: number): number | null {
    return this.empty ? null : clampedPercentileUs(this.histogram, p, this.minUs, this.maxUs) / 1000;
  }
  /** the mean in ms: HDR's, from bucket midpoints, so also kept within the exact extremes */
  meanMs(): number | null {
    if (this.empty) return null;
    const mean = histogramMean(this.histogram);
    return (mean < this.minUs ? this.minUs : mean > this.maxUs ? this.maxUs : mean) / 1000;
  }
  summarize(): MetricSummary {
    const h = this.histogram;
    const [med, p90, p95, p99, p999] = this.empty ? [0, 0, 0, 0, 0] : this.percentilesUs(SUMMARY_PERCENTILES);
    const ms = (us: number) => round(us / 1000);
    return {
      type: 'trend',
      count: h.totalCount,
      min: this.empty ? 0 : ms(this.minUs),
      max: this.empty ? 0 : ms(this.maxUs),
      avg: round(this.meanMs() ?? 0),
      med: ms(med),
      p90: ms(p90),
      p95: ms(p95),
      p99: ms(p99),
      p999: ms(p999),
      hdr: encodeHistogram(h),
    };
  }
  /** percentiles (ascending, 0–100) in ms within the exact extremes, in one walk over the buckets; null when empty */
  percentilesMs(ps: readonly number[]): number[] | null {
    return this.empty ? null : this.percentilesUs(ps).map((us) => us / 1000);
  }
  private percentilesUs(ps: readonly number[]): number[] {
    const lo = this.minUs;
    const hi = this.maxUs;
    return valuesAtPercentiles(this.histogram, ps).map((v) => (v < lo ? lo : v > hi ? hi : v));
  }
  aggregate(agg: string): number | null {
    const h = this.histogram;
    if (agg === 'count') return h.totalCount;
    if (h.totalCount === 0) return null;
    switch (agg) {
      case 'avg':
        return this.meanMs();
      case 'med':
        return this.percentileMs(50);
      case 'min':
        return this.percentileMs(0);
      case 'max':
        return this.percentileMs(100);
    }
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(agg);
    return p ? this.percentileMs(Number(p[1])) : null;
  }
}

export class CounterMetric implements Metric {
  readonly type = 'counter';
  count = 0;
  add(n = 1): void {
    this.count += n;
  }
  get empty() {
    return this.count === 0;
  }
  serialize(): SerializedMetric {
    return { type: 'counter', count: this.count };
  }
  merge(data: SerializedMetric): void {
    if (data.type === 'counter') this.count += data.count;
  }
  absorb(other: Metric): void {
    this.merge(other.serialize());
  }
  reset(): void {
    this.count = 0;
  }
  summarize(durationMs: number): MetricSummary {
    return { type: 'counter', count: this.count, rate: durationMs > 0 ? round(this.count / (durationMs / 1000)) : 0 };
  }
  aggregate(agg: string, durationMs: number): number | null {
    if (agg === 'count') return this.count;
    if (agg === 'rate') return durationMs > 0 ? this.count / (durationMs / 1000) : 0;
    return null;
  }
}

export class RateMetric implements Metric {
  readonly type = 'rate';
  trues = 0;
  falses = 0;
  add(value: boolean): void {
    if (value) this.trues++;
    else this.falses++;
  }
  get empty() {
    return this.trues + this.falses === 0;
  }
  get rate() {
    const n = this.trues + this.falses;
    return n ? this.trues / n : 0;
  }
  serialize(): SerializedMetric {
    return { type: 'rate', trues: this.trues, falses: this.falses };
  }
  merge(data: SerializedMetric): void {
    if (data.type === 'rate') {
      this.trues += data.trues;
      this.falses += data.falses;
    }
  }
  absorb(other: Metric): void {
    this.merge(other.serialize());
  }
  reset(): void {
    this.trues = 0;
    this.falses = 0;
  }
  summarize(): MetricSummary {
    return { type: 'rate', trues: this.trues, falses: this.falses, rate: round(this.rate) };
  }
  aggregate(agg: string): number | null {
    if (agg === 'count') return this.trues + this.falses;
    if (agg === 'rate') return this.empty ? null : this.rate;
    return null;
  }
}

export class GaugeMetric implements Metric {
  readonly type = 'gauge';
  value = 0;
  min = Infinity;
  max = -Infinity;
  set(v: number): void {
    this.value = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  /** A peak seen between two set() calls (a sampled gauge would miss it): raises max only. */
  notePeak(v: number): void {
    if (!this.empty && v > this.max) this.max = v;
  }
  get empty() {
    return this.min === Infinity;
  }
  serialize(): SerializedMetric {
    return { type: 'gauge', value: this.value, min: this.min, max: this.max };
  }
  merge(data: SerializedMetric): void {
    if (data.type !== 'gauge' || data.min === Infinity || data.min === null) return;
    this.value = data.value;
    this.min = Math.min(this.min, data.min);
    this.max = Math.max(this.max, data.max);
  }
  absorb(other: Metric): void {
    this.merge(other.serialize());
  }
  reset(): void {
    this.min = Infinity;
    this.max = -Infinity;
  }
  summarize(): MetricSummary {
    return { type: 'gauge', value: this.value, min: this.empty ? 0 : this.min, max: this.empty ? 0 : this.max };
  }
  aggregate(agg: string): number | null {
    if (this.empty) return null;
    if (agg === 'value') return this.value;
    if (agg === 'min') return this.min;
    if (agg === 'max') return this.max;
    return null;
  }
}

export function createMetric(type: MetricType): Metric {
  switch (type) {
    case 'trend':
      return new TrendMetric();
    case 'counter':
      return new CounterMetric();
    case 'rate':
      return new RateMetric();
    case 'gauge':
      return new GaugeMetric();
  }
}
