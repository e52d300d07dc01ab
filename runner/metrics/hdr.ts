import { createRequire } from 'node:module';
import type * as HdrLib from 'hdr-histogram-js';
import type { Histogram, JsHistogram } from 'hdr-histogram-js';

export type { Histogram };

// The library's index loads its WebAssembly build and codecs (about 15 MB of memory per thread).
// A worker thread records and ships plain bins, so it loads only the JS histogram class; the
// codec (compressed base64, the results file's format) is loaded on first use, on the main thread,
// from the library's own encoding module: the index would also load its log writer, whose
// Intl.NumberFormat maps ~5 MB of ICU data (7 MB of RSS in all, during the load).
const require = createRequire(import.meta.url);
const Int32Histogram = (
  require('hdr-histogram-js/dist/Int32Histogram.js') as { default: new (lowest: number, highest: number, digits: number) => JsHistogram }
).default;
type Codec = Pick<typeof HdrLib, 'encodeIntoCompressedBase64' | 'decodeFromCompressedBase64'>;
let lib: Codec | undefined;
const codec = () => (lib ??= require('hdr-histogram-js/dist/encoding.js') as Codec);

/** Trends are recorded in whole microseconds, 1 µs to 1 h, 3 significant digits. */
export const MAX_TRACKABLE_US = 3_600_000_000;

/** A histogram that starts small and grows to the values it sees (sub-metrics stay cheap). */
export function createHistogram(): Histogram {
  const h = new Int32Histogram(1, 2, 3);
  h.autoResize = true;
  return h;
}

/**
 * A histogram's non-empty buckets as plain numbers (bucket index, count, index, count, ...): what
 * a thread sends each interval, cheaper than compressing and decoding. Every histogram here has
 * the same layout (1 µs, 3 digits), so an index means the same value in all of them.
 */
export function histogramBins(h: Histogram): number[] {
  const j = h as unknown as JsHistogram;
  const bins: number[] = [];
  for (let i = 0, n = j.countsArrayLength; i < n; i++) {
    const c = j.getCountAtIndex(i);
    if (c !== 0) bins.push(i, c);
  }
  return bins;
}

/**
 * HDR's mean (each bucket at its median equivalent value, as the library's `mean` getter), by a
 * loop over the counts: the getter walks an iterator object per value and took ~100 ms of a
 * one-request run's summary.
 */
export function histogramMean(h: Histogram): number {
  const j = h as unknown as JsHistogram;
  if (j.totalCount === 0) return 0;
  let total = 0;
  for (let i = 0, n = j.countsArrayLength; i < n; i++) {
    const c = j.getCountAtIndex(i);
    if (c !== 0) total += j.medianEquivalentValue(j.valueFromIndex(i)) * c;
  }
  return total / j.totalCount;
}

/** JsHistogram's own bookkeeping, which its TypeScript declarations leave out. */
interface HistogramInternals {
  addToCountAtIndex(index: number, count: number): void;
  addToTotalCount(count: number): void;
}

/**
 * Adds bins (histogramBins' output, ascending) to a histogram. The smallest (non-zero) and the
 * largest go through the library, which grows the histogram and moves its min and max; the ones between
 * are added at their index, as every histogram here has one layout: a value lookup per bucket
 * was most of the main thread's work in a run (the merge of each interval into every sub-metric).
 */
export function addBins(h: Histogram, bins: readonly number[]): void {
  const n = bins.length;
  if (n === 0) return;
  const j = h as unknown as JsHistogram & HistogramInternals;
  // zeros (index 0) do not move the smallest non-zero value: then the next bin goes through too
  const first = bins[0] === 0 && n > 4 ? 4 : 2;
  for (let i = 0; i < first; i += 2) j.recordValueWithCount(j.valueFromIndex(bins[i]), bins[i + 1]);
  if (n <= first) return;
  j.recordValueWithCount(j.valueFromIndex(bins[n - 2]), bins[n - 1]);
  let total = 0;
  for (let i = first; i < n - 2; i += 2) {
    j.addToCountAtIndex(bins[i], bins[i + 1]);
    total += bins[i + 1];
  }
  j.addToTotalCount(total);
}

/** ms (fractional) → whole µs within the trackable range (0 stays 0: a reused connection connects in no time). */
export function msToUs(ms: number): number {
  const us = Math.round(ms * 1000);
  return us < 0 ? 0 : us > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : us;
}

/** Loads the codec and runs it once (on the main thread, before t=0). */
export function warmCodec(): void {
  const h = createHistogram();
  h.recordValue(1);
  decodeHistogram(encodeHistogram(h));
}

export function encodeHistogram(h: Histogram): string {
  return codec().encodeIntoCompressedBase64(h);
}

export function decodeHistogram(b64: string): Histogram {
  return codec().decodeFromCompressedBase64(b64, 32, false) as Histogram;
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
