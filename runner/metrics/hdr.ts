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

/** A percentile of a histogram in ms, or null when it is empty. */
export function percentileMs(h: Histogram, p: number): number | null {
  return h.totalCount === 0 ? null : h.getValueAtPercentile(p) / 1000;
}
