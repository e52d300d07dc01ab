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
  const counts = countsOf(h);
  const bins: number[] = [];
  for (let i = 0, n = counts.length; i < n; i++) {
    const c = counts[i];
    if (c !== 0) bins.push(i, c);
  }
  return bins;
}

/**
 * A histogram's counts by bucket index: the library's own typed array when it has one (every
 * histogram made or decoded here is the library's Int32Histogram, whose counts are a Uint32Array),
 * read directly because a summary walks ~5,000 buckets per trend and `getCountAtIndex` is a call
 * per bucket, mostly run cold (once).
 */
function countsOf(h: Histogram): ArrayLike<number> {
  const own = (h as unknown as { _counts?: unknown })._counts;
  if (own instanceof Uint32Array && own.length === (h as unknown as JsHistogram).countsArrayLength) return own;
  const j = h as unknown as JsHistogram;
  return Array.from({ length: j.countsArrayLength }, (_, i) => j.getCountAtIndex(i));
}

/**
 * HDR's mean (each bucket at its median equivalent value, as the library's `mean` getter), by a
 * loop over the counts: the getter walks an iterator object per value and took ~100 ms of a
 * one-request run's summary. A bucket's value and width come from its index by the library's own
 * arithmetic (`valueFromIndex`, `sizeOfEquivalentValueRange`): its calls per bucket were half of
 * the summary of wide trends (300 trends of 2,000 values: 145 ms of ~300).
 */
export function histogramMean(h: Histogram): number {
  const j = h as unknown as JsHistogram;
  if (j.totalCount === 0) return 0;
  const counts = countsOf(h);
  const { subBucketHalfCount: half, subBucketHalfCountMagnitude: halfMagnitude, unitMagnitude } = j;
  let total = 0;
  for (let i = 0, n = counts.length; i < n; i++) {
    const c = counts[i];
    if (c === 0) continue;
    let bucket = (i >> halfMagnitude) - 1;
    let sub = (i & (half - 1)) + half;
    if (bucket < 0) {
      sub -= half;
      bucket = 0;
    }
    const width = 2 ** (bucket + unitMagnitude);
    total += (sub * width + Math.floor(width / 2)) * c; // medianEquivalentValue(valueFromIndex(i))
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
  const v = valuesAtPercentiles(h, [p])[0];
  return v < minUs ? minUs : v > maxUs ? maxUs : v;
}

/** ulp(x), as the library computes it for its percentile rounding */
const ulp = (x: number) => 2 ** (Math.floor(Math.log2(x)) - 52);

/**
 * The values (µs) the library's `getValueAtPercentile` returns for each percentile of `ps`
 * (ascending), in one walk over the buckets: the library walks them from the first for each
 * percentile, and a summary asks five of every trend. Its rounding of the count is kept (a count
 * 1 ulp over an integer does not skip a bucket), as is its answer for p0 (the lowest value of the
 * first bucket) and for an empty histogram (0).
 */
export function valuesAtPercentiles(h: Histogram, ps: readonly number[]): number[] {
  const j = h as unknown as JsHistogram;
  const out = ps.map(() => 0);
  if (ps.length === 0) return out;
  const counts = countsOf(h);
  let k = 0;
  let wanted = countAtPercentile(ps[0], j.totalCount);
  let total = 0;
  for (let i = 0, n = counts.length; i < n && k < ps.length; i++) {
    total += counts[i];
    while (k < ps.length && total >= wanted) {
      const v = j.valueFromIndex(i);
      out[k] = ps[k] === 0 ? j.lowestEquivalentValue(v) : j.highestEquivalentValue(v);
      if (++k < ps.length) wanted = countAtPercentile(ps[k], j.totalCount);
    }
  }
  return out;
}

function countAtPercentile(p: number, totalCount: number): number {
  const fp = (Math.min(p, 100) / 100) * totalCount;
  return Math.max(Math.ceil(fp - ulp(fp)), 1);
}

/**
 * A percentile of a histogram in ms, or null when it is empty; within [minMs, maxMs] when the
 * exact extremes are known (a Summary's trend carries them), else within the histogram's buckets.
 */
export function percentileMs(h: Histogram, p: number, minMs?: number, maxMs?: number): number | null {
  if (h.totalCount === 0) return null;
  const v = valuesAtPercentiles(h, [p])[0] / 1000;
  if (minMs !== undefined && v < minMs) return minMs;
  if (maxMs !== undefined && v > maxMs) return maxMs;
  return v;
}
