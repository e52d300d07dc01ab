import { describe, expect, test } from 'vitest';
import { addBins, createHistogram, histogramBins, histogramMean } from '../runner/metrics/hdr.js';
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
    expect(histogramMean(createHistogram())).toBe(0);
  });

  test('bins carry a histogram exactly: every count, total and percentile', () => {
    const h = sample(20_000, 4);
    const copy = createHistogram();
    addBins(copy, histogramBins(h));
    expect(copy.totalCount).toBe(h.totalCount);
    for (const p of [0, 50, 90, 99, 99.9, 100]) expect(copy.getValueAtPercentile(p)).toBe(h.getValueAtPercentile(p));
    expect(histogramBins(copy)).toEqual(histogramBins(h));
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
