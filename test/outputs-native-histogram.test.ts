/** HDR → Prometheus native histogram: exact counts, every value in its bucket or the next one up. */
import { describe, expect, it } from 'vitest';
import { createHistogram } from '../runner/metrics/hdr.js';
import { mulberry32 } from '../shared/random.js';
import { bucketIndex, bucketUpper, toNativeHistogram } from '../reporters/outputs/native-histogram.js';

/** The spans and deltas back to absolute bucket counts, by index. */
function buckets(n: ReturnType<typeof toNativeHistogram>): Map<number, number> {
  const out = new Map<number, number>();
  let index = 0;
  let count = 0;
  let d = 0;
  n.positiveSpans.forEach((span, s) => {
    index += s === 0 ? span.offset : span.offset + 1;
    for (let k = 0; k < span.length; k++, d++) {
      if (k > 0) index++;
      count += n.positiveDeltas[d];
      if (count) out.set(index, count);
    }
  });
  return out;
}

describe('native histogram from HDR', () => {
  it('bucketIndex puts a value in (upper(i-1), upper(i)], boundaries in the lower bucket', () => {
    const random = mulberry32(7);
    for (let k = 0; k < 2000; k++) {
      const v = 10 ** (random() * 9 - 6); // 1 µs … 1000 s
      for (const schema of [0, 3, 8]) {
        const i = bucketIndex(v, schema);
        expect(bucketUpper(i - 1, schema)).toBeLessThan(v);
        expect(bucketUpper(i, schema)).toBeGreaterThanOrEqual(v);
      }
    }
    expect(bucketIndex(1, 8)).toBe(0);
    expect(bucketIndex(2, 8)).toBe(256);
  });

  it('keeps every count, zeros in the zero bucket, and each value in its own bucket or the next', () => {
    const h = createHistogram();
    const random = mulberry32(3);
    const values: number[] = [0, 0, 0];
    for (let k = 0; k < 5000; k++) values.push(Math.round(200 + random() * random() * 400_000));
    for (const v of values) h.recordValue(v);
    const native = toNativeHistogram(
      h,
      values.reduce((a, b) => a + b, 0),
    );
    expect(native.count).toBe(values.length);
    expect(native.zeroCount).toBe(3);
    const counts = buckets(native);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(values.length - 3);
    // per native bucket, the values HDR recorded there map to it or the bucket just below
    const exact = new Map<number, number>();
    for (const v of values.filter((x) => x > 0)) {
      const i = bucketIndex(v / 1e6, 8);
      exact.set(i, (exact.get(i) ?? 0) + 1);
    }
    let cumExact = 0;
    let cumNative = 0;
    for (const i of [...new Set([...exact.keys(), ...counts.keys()])].sort((a, b) => a - b)) {
      cumExact += exact.get(i) ?? 0;
      cumNative += counts.get(i) ?? 0;
      expect(cumNative).toBeLessThanOrEqual(cumExact); // never moved to a lower bucket
      expect(cumNative).toBeGreaterThanOrEqual(cumExact - (exact.get(i) ?? 0)); // at most one bucket up
    }
  });

  it("the bucket histogram_quantile picks (first cumulative count >= q * count) holds HDR's percentile value", () => {
    const random = mulberry32(11);
    for (let round = 0; round < 20; round++) {
      const h = createHistogram();
      const n = 20 + Math.floor(random() * 3000);
      for (let k = 0; k < n; k++) h.recordValue(Math.round(500 + random() * random() * 2_000_000));
      const counts = [...buckets(toNativeHistogram(h, undefined)).entries()].sort((a, b) => a[0] - b[0]);
      for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
        let cum = 0;
        const [picked] = counts.find(([, c]) => (cum += c) >= q * n)!;
        // Prometheus answers inside this bucket, whose bounds hold HDR's value: one bucket apart at most
        expect(bucketIndex(h.getValueAtPercentile(q * 100) / 1e6, 8), `n=${n} q=${q}`).toBe(picked);
      }
    }
  });
});
