/**
 * An HDR histogram (whole µs) as a Prometheus native histogram (seconds) of an exponential
 * schema: bucket i of schema s holds the values in (2^((i-1)/2^s), 2^(i/2^s)].
 *
 * Counts are exact: every HDR bucket's count goes to the one native bucket that holds the
 * bucket's highest equivalent value (the value HDR itself reports for a percentile there).
 * The error is the boundary mapping: a value sits in its native bucket or, when its HDR bucket
 * (at most 1/1024 wide at 3 digits) straddles a boundary, in the next one up, never a lower one.
 * HDR's percentile value lands in the native bucket whose count crosses the same rank, so
 * histogram_quantile() answers inside that bucket (schema 8: 0.271% wide): docs/outputs.md.
 * Zero values (a reused connection connects in 0 µs) go to the zero bucket. Without a known
 * sum, the sum is taken from the same walk (each bucket at its highest equivalent value: at
 * most 0.1% high).
 */
import type { Histogram } from 'hdr-histogram-js';

export interface NativeHistogram {
  count: number;
  /** seconds */
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  positiveSpans: { offset: number; length: number }[];
  /** each bucket's count minus the previous bucket's (the first against 0) */
  positiveDeltas: number[];
}

/** Below 1 µs, the smallest value HDR records here: only zeros fall in the zero bucket. */
export const ZERO_THRESHOLD_SECONDS = 1e-7;
export const DEFAULT_SCHEMA = 8;

/** The native bucket index of a positive value in seconds. */
export function bucketIndex(seconds: number, schema: number): number {
  const scaled = Math.log2(seconds) * 2 ** schema;
  let i = Math.ceil(scaled);
  // the boundary itself belongs to the lower bucket; guard against log2 rounding either way
  const upper = (k: number) => 2 ** (k / 2 ** schema);
  if (upper(i - 1) >= seconds) i--;
  else if (upper(i) < seconds) i++;
  return i;
}

/** The upper bound in seconds of native bucket i. */
export function bucketUpper(i: number, schema: number): number {
  return 2 ** (i / 2 ** schema);
}

/** The hdr-histogram-js internals the walk reads (as runner/compare/stats.ts does). */
export interface BucketView {
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
}

/**
 * Per HDR counts index, its highest equivalent value (µs) and its native bucket: the same for
 * every histogram of rampart's layout (1 µs, 3 digits), so computed once per index and schema.
 * The conversion then walks the counts array with no math, each interval, for every series.
 */
const layouts = new Map<number, { values: number[]; native: number[] }>();

export function layoutUpTo(view: BucketView, length: number, schema: number) {
  let layout = layouts.get(schema);
  const last = layout && Math.min(length, layout.values.length) - 1;
  // a histogram of another layout (not rampart's own) starts the table again
  if (!layout || (last! >= 0 && layout.values[last!] !== view.highestEquivalentValue(view.valueFromIndex(last!)))) {
    layouts.set(schema, (layout = { values: [], native: [] }));
  }
  for (let i = layout.values.length; i < length; i++) {
    const us = view.highestEquivalentValue(view.valueFromIndex(i));
    layout.values.push(us);
    layout.native.push(us > 0 ? bucketIndex(us / 1e6, schema) : Number.NaN);
  }
  return layout;
}

export function toNativeHistogram(h: Histogram, sumUs: number | undefined, schema = DEFAULT_SCHEMA): NativeHistogram {
  const view = h as unknown as BucketView;
  const length = view.countsArrayLength;
  const { values, native } = layoutUpTo(view, length, schema);
  const buckets = new Map<number, number>();
  let zeroCount = 0;
  let walkedSum = 0;
  let seen = 0;
  const total = h.totalCount;
  for (let i = 0; i < length && seen < total; i++) {
    const count = view.getCountAtIndex(i);
    if (count <= 0) continue;
    seen += count;
    walkedSum += values[i] * count;
    const n = native[i];
    if (Number.isNaN(n)) zeroCount += count;
    else buckets.set(n, (buckets.get(n) ?? 0) + count);
  }
  const indexes = [...buckets.keys()].sort((a, b) => a - b);
  const positiveSpans: NativeHistogram['positiveSpans'] = [];
  const positiveDeltas: number[] = [];
  let last = 0;
  let lastIndex = 0;
  for (const i of indexes) {
    const span = positiveSpans[positiveSpans.length - 1];
    // a gap of a few empty buckets is cheaper as zero deltas than as a new span
    if (span && i - lastIndex <= 3) {
      for (let gap = lastIndex + 1; gap < i; gap++) {
        positiveDeltas.push(-last);
        last = 0;
        span.length++;
      }
      span.length++;
    } else {
      positiveSpans.push({ offset: span ? i - lastIndex - 1 : i, length: 1 });
    }
    const count = buckets.get(i)!;
    positiveDeltas.push(count - last);
    last = count;
    lastIndex = i;
  }
  return {
    count: total,
    sum: (sumUs ?? walkedSum) / 1e6,
    schema,
    zeroThreshold: ZERO_THRESHOLD_SECONDS,
    zeroCount,
    positiveSpans,
    positiveDeltas,
  };
}
