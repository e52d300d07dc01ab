import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** Trends are recorded in whole microseconds, 1 µs to 1 h, 3 significant digits. */
export const MAX_TRACKABLE_US = 3_600_000_000;

/** A histogram that starts small and grows to the values it sees (sub-metrics stay cheap). */
export function createHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** ms (fractional) → whole µs within the trackable range (0 stays 0: a reused connection connects in no time). */
export function msToUs(ms: number): number {
  const us = Math.round(ms * 1000);
  return us < 0 ? 0 : us > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : us;
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(b64: string): Histogram {
  return hdr.decodeFromCompressedBase64(b64, 32, false) as Histogram;
}

/**
 * A percentile in µs that never lies outside the values recorded: HDR reports a bucket's highest
 * (or, for p0, lowest) equivalent value, which can be past the exact extremes `minUs`/`maxUs`.
 * p0 is the minimum and p100 the maximum, so min, max and percentiles are computed one way.
 */
export function clampedPercentileUs(h: Histogram, p: number, minUs: number, maxUs: number): number {
  if (p <= 0) return minUs;
  if (p >= 100) return maxUs;
  const v = h.getValueAtPercentile(p);
  return v < minUs ? minUs : v > maxUs ? maxUs : v;
}

/**
 * A percentile of a histogram in ms, or null when it is empty; within [minMs, maxMs] when the
 * exact extremes are known (a Summary's trend carries them), else within the histogram's buckets.
 */
export function percentileMs(h: Histogram, p: number, minMs?: number, maxMs?: number): number | null {
  if (h.totalCount === 0) return null;
  const v = h.getValueAtPercentile(p) / 1000;
  if (minMs !== undefined && v < minMs) return minMs;
  if (maxMs !== undefined && v > maxMs) return maxMs;
  return v;
}
