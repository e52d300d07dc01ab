/**
 * The HDR helpers several reporters share (hgrm, hdrlog, the HTML report and the dashboard):
 * a trend's histogram from the Summary, and its percentile curve. Reporters import this
 * module, not each other's internals.
 */
import type * as hdr from 'hdr-histogram-js';
import type { Summary } from './reporter.js';
import type { TrendSummary } from '../runner/results/types.js';
import { createHistogram, decodeHistogram } from '../runner/metrics/hdr.js';

/** Summaries record trends in µs; reports print ms. */
export const MICROS_PER_MS = 1000;

/** Decodes a compressed base64 HDR histogram (µs) of the Summary. */
export const decodeHdr = decodeHistogram;

/** The trend metric of that key, when the summary has it with an HDR histogram. */
export function trendMetric(summary: Summary, key: string): TrendSummary | undefined {
  const m = summary.metrics[key];
  return m && m.type === 'trend' && m.hdr ? m : undefined;
}

/** The decoded histogram of a trend metric; an empty one when the metric is absent. */
export function metricHistogram(summary: Summary, key: string): hdr.Histogram {
  const m = trendMetric(summary, key);
  return m ? decodeHdr(m.hdr) : createHistogram();
}

export interface PercentileCurve {
  /** 1/(1-p) for each percentile level p (a fraction), the x axis of HdrHistogram's plotter */
  x: number[];
  /** per histogram, the value (ms) at each level; null past the histogram's own resolution */
  y: (number | null)[][];
  /** the percentile levels in percent */
  percentiles: number[];
}

/**
 * Percentile levels halving the remaining distance to 100% (`ticksPerHalf` steps per half,
 * like outputPercentileDistribution), evaluated on every histogram, up to the level where the
 * largest histogram runs out of samples. Each histogram stops at its own last level.
 */
export function percentileCurve(histograms: hdr.Histogram[], ticksPerHalf = 5): PercentileCurve {
  const maxCount = Math.max(0, ...histograms.map((h) => h.totalCount));
  const curve: PercentileCurve = { x: [], y: histograms.map(() => []), percentiles: [] };
  if (maxCount === 0) return curve;
  for (let i = 0; ; i++) {
    const remaining = Math.pow(0.5, i / ticksPerHalf);
    const x = 1 / remaining;
    const p = 100 * (1 - remaining);
    curve.x.push(x);
    curve.percentiles.push(p);
    histograms.forEach((h, j) => {
      const inRange = h.totalCount > 0 && x <= h.totalCount * 2;
      curve.y[j].push(inRange ? h.getValueAtPercentile(p) / MICROS_PER_MS : null);
    });
    if (x > maxCount * 2) break;
  }
  return curve;
}
