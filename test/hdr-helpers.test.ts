import type { JsHistogram } from 'hdr-histogram-js';
import { describe, expect, test } from 'vitest';
import {
  addBins,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  histogramBins,
  histogramMean,
  valuesAtPercentiles,
} from '../runner/metrics/hdr.js';
import { TrendMetric } from '../runner/metrics/metric.js';
import { mulberry32 } from '../shared/random.js';

/** A histogram of n values spread over 1 µs .. 5 s, from a seeded generator. */
function sample(n: number, seed: number) {
  const rnd = mulberry32(seed);
  const h = createHistogram();
  for (let i = 0; i < n; i++) h.recordValue(Math.floor(rnd() * rnd() * 5_000_000) + 1);
  return h;
}

describe('runner/metrics/hdr.ts: what threads ship and what a summary computes', () => {
  test("histogramMean is the library's mean, exactly", () => {
    for (const seed of [1, 2, 3]) {
      const h = sample(20_000, seed);
      expect(histogramMean(h)).toBe(h.mean);
    }
    // zeros (a reused connection's connect time) and values up to the trackable hour
    const wide = sample(1_000, 4);
    wide.recordValueWithCount(0, 300);
    for (const us of [2_047, 2_048, 65_537, 3_600_000_000]) wide.recordValue(us);
    expect(histogramMean(wide)).toBe(wide.mean);
    expect(histogramMean(createHistogram())).toBe(0);
  });

  test("valuesAtPercentiles is the library's getValueAtPercentile for each percentile, in one walk", () => {
    const ps = [0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100];
    const withZeros = sample(3_000, 12);
    withZeros.recordValueWithCount(0, 1_000);
    const one = createHistogram();
    one.recordValue(8_910);
    const decoded = decodeHistogram(encodeHistogram(sample(1_000, 13)));
    for (const h of [sample(20_000, 5), sample(7, 6), withZeros, one, decoded, createHistogram()]) {
      expect(valuesAtPercentiles(h, ps)).toEqual(ps.map((p) => h.getValueAtPercentile(p)));
      expect(valuesAtPercentiles(h, [99])).toEqual([h.getValueAtPercentile(99)]);
    }
    // a count that lands exactly on a bucket's end (the library's ulp rounding): 1 of 3 values is p33.333...
    const three = createHistogram();
    for (const v of [100, 200, 300]) three.recordValue(v);
    expect(valuesAtPercentiles(three, [100 / 3, 200 / 3])).toEqual([three.getValueAtPercentile(100 / 3), three.getValueAtPercentile(200 / 3)]);
  });

  test('a trend summary reports the percentiles, mean and extremes it did before the one-walk percentiles', () => {
    const t = new TrendMetric();
    const rnd = mulberry32(21);
    for (let i = 0; i < 5_000; i++) t.record(Math.floor(rnd() * rnd() * 2_000_000));
    const s = t.summarize();
    // the library's percentile, within the exact extremes, in ms to 3 decimals
    const clamp = (us: number) => Math.min(t.maxUs, Math.max(t.minUs, us));
    const at = (p: number) => Math.round(clamp(t.histogram.getValueAtPercentile(p))) / 1000;
    expect([s.med, s.p90, s.p95, s.p99, s.p999]).toEqual([50, 90, 95, 99, 99.9].map(at));
    expect([s.min, s.max]).toEqual([t.minUs / 1000, t.maxUs / 1000]);
    expect(s.count).toBe(5_000);
  });

  test('bins carry a histogram exactly: every count, total and percentile', () => {
    const h = sample(20_000, 4);
    const copy = createHistogram();
    addBins(copy, histogramBins(h));
    expect(copy.totalCount).toBe(h.totalCount);
    for (const p of [0, 50, 90, 99, 99.9, 100]) expect(copy.getValueAtPercentile(p)).toBe(h.getValueAtPercentile(p));
    expect(histogramBins(copy)).toEqual(histogramBins(h));
  });

  test("bins added to a histogram of another size, or of one value, give what the library's add() and its value-by-value recording give", () => {
    const withZeros = sample(3_000, 11);
    withZeros.recordValueWithCount(0, 500); // a reused connection's connect time
    const zerosAndOne = createHistogram();
    zerosAndOne.recordValueWithCount(0, 7);
    zerosAndOne.recordValue(999_999);
    for (const [into, from] of [
      [sample(5_000, 7), sample(30_000, 8)],
      [sample(30_000, 9), sample(200, 10)],
      [createHistogram(), withZeros],
      [createHistogram(), zerosAndOne],
    ]) {
      const byLibrary = createHistogram();
      byLibrary.add(into);
      byLibrary.add(from);
      const byValue = createHistogram(); // addBins as it was: one recordValueWithCount per bin
      byValue.add(into);
      const bins = histogramBins(from);
      for (let i = 0; i < bins.length; i += 2) byValue.recordValueWithCount((byValue as JsHistogram).valueFromIndex(bins[i]), bins[i + 1]);
      addBins(into, histogramBins(from));
      expect(into.totalCount).toBe(byLibrary.totalCount);
      expect(histogramBins(into)).toEqual(histogramBins(byLibrary));
      // a bin is a bucket: its largest value is the bucket's, as it was, not the exact one add() keeps
      expect([into.maxValue, into.minNonZeroValue]).toEqual([byValue.maxValue, byValue.minNonZeroValue]);
      for (const p of [0, 1, 50, 99, 99.99, 100]) expect(into.getValueAtPercentile(p)).toBe(byLibrary.getValueAtPercentile(p));
    }
    const one = createHistogram();
    one.recordValue(1234);
    const copy = createHistogram();
    addBins(copy, histogramBins(one));
    addBins(copy, []);
    expect(histogramBins(copy)).toEqual(histogramBins(one));
    expect(copy.totalCount).toBe(1);
  });

  test('a trend counts zeros without recording them one by one, and reads them back in every view', () => {
    const t = new TrendMetric();
    for (let i = 0; i < 900; i++) t.record(0);
    for (let i = 1; i <= 100; i++) t.record(i * 10);
    expect(t.empty).toBe(false);
    expect(t.histogram.totalCount).toBe(1000);
    expect(t.percentileMs(50)).toBe(0);
    expect(t.percentileMs(100)).toBe(1);
    const merged = TrendMetric.from(t.serialize());
    expect(merged.histogram.totalCount).toBe(1000);
    expect(merged.summarize().med).toBe(0);
    t.reset();
    expect(t.empty).toBe(true);
  });
});
