import { describe, expect, test } from 'vitest';
import { createHistogram } from '../runner/metrics/hdr.js';
import {
  bootstrapDifference,
  bootstrapInterval,
  bootstrapPercentile,
  compareProportions,
  fisherExactTest,
  histogramDistribution,
  normalCdf,
  percentileOf,
  proportionDifferenceInterval,
  seededRandom,
  twoProportionZTest,
  wilsonInterval,
  type Distribution,
} from '../runner/compare/stats.js';

/** A histogram of n lognormal latencies (median in ms), drawn with a seeded generator. */
function lognormalDistribution(n: number, medianMs: number, sigma: number, seed: number): Distribution {
  const random = seededRandom(seed);
  const h = createHistogram();
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    h.recordValue(Math.max(1, Math.round(medianMs * 1000 * Math.exp(sigma * z))));
  }
  return histogramDistribution(h);
}

const NORMAL_QUANTILE: Record<number, number> = { 50: 0, 90: 1.2815515655446004, 95: 1.6448536269514722, 99: 2.3263478740408408 };

describe('success rates', () => {
  // Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score)
  test.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('Wilson interval of %i/%i is [%f, %f]', (s, n, lo, hi) => {
    const { rate, ci } = wilsonInterval(s, n);
    expect(rate).toBeCloseTo(s / n, 10);
    expect(ci[0]).toBeCloseTo(lo, 4);
    expect(ci[1]).toBeCloseTo(hi, 4);
  });

  test('Wilson interval stays inside [0, 1] at 100% and for no data', () => {
    expect(wilsonInterval(30, 30).ci[1]).toBe(1);
    expect(wilsonInterval(30, 30).ci[0]).toBeCloseTo(0.8865, 4);
    expect(wilsonInterval(0, 0)).toEqual({ rate: 0, ci: [0, 1] });
  });

  test("Newcombe's difference interval: 56/70 vs 48/80 is [0.0524, 0.3339]", () => {
    const [lo, hi] = proportionDifferenceInterval(48, 80, 56, 70);
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
  });

  test.each([
    // Fisher's lady tasting tea
    [[3, 1, 1, 3], 0.4857],
    // Wikipedia, "Fisher's exact test": studying by sex
    [[1, 9, 11, 3], 0.002759],
    // the field report's 26/30 against a clean 30/30, as R's fisher.test gives it
    [[26, 4, 30, 0], 0.1124],
    [[5, 0, 0, 5], 0.007937],
  ])("Fisher's exact test of %j has two-sided p = %f", (table, p) => {
    const [a, b, c, d] = table;
    expect(fisherExactTest(a, b, c, d)).toBeCloseTo(p, 4);
    expect(fisherExactTest(d, c, b, a)).toBeCloseTo(p, 4); // symmetric
  });

  test('normal CDF and the two-proportion z-test match textbook values', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
    const { z, pValue } = twoProportionZTest(50, 100, 60, 100);
    expect(z).toBeCloseTo(1.4213, 3);
    expect(pValue).toBeCloseTo(0.1552, 3);
  });

  test('compareProportions uses Fisher when a cell is under 5, the z-test otherwise', () => {
    const small = compareProportions(30, 30, 26, 30);
    expect(small.test).toBe('fisher');
    expect(small.pValue).toBeCloseTo(0.1124, 4);
    expect(small.significant).toBe(false);
    expect(small.difference).toBeCloseTo(-4 / 30, 10);

    const large = compareProportions(990, 1000, 900, 1000);
    expect(large.test).toBe('z-test');
    expect(large.significant).toBe(true);
    expect(large.ci[1]).toBeLessThan(0);
  });
});

describe('bootstrap percentiles from an HDR histogram', () => {
  test('point estimates equal HdrHistogram getValueAtPercentile', () => {
    const h = createHistogram();
    const random = seededRandom(3);
    for (let i = 0; i < 5000; i++) h.recordValue(1 + Math.floor(random() * 900_000));
    const dist = histogramDistribution(h);
    expect(dist.total).toBe(5000);
    for (const p of [50, 90, 95, 99, 99.9]) expect(percentileOf(dist, p)).toBe(h.getValueAtPercentile(p) / 1000);
  });

  test('95% CIs cover the true percentiles of a lognormal in about 95% of samples', () => {
    let covered = 0;
    let tried = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const dist = lognormalDistribution(2000, 100, 0.5, seed);
      const random = seededRandom(1000 + seed);
      for (const p of [50, 90, 95, 99]) {
        const truth = 100 * Math.exp(0.5 * NORMAL_QUANTILE[p]);
        const [lo, hi] = bootstrapInterval(bootstrapPercentile(dist, p, 1000, random));
        tried++;
        if (lo <= truth && truth <= hi) covered++;
      }
    }
    // nominal 95% of 80; allow for sampling and for the bootstrap's known undercoverage at p99
    expect(covered / tried).toBeGreaterThan(0.85);
  });

  test('agrees with the literal bootstrap (draw n values with replacement, sort, take the percentile)', () => {
    const dist = lognormalDistribution(300, 80, 0.6, 7);
    const random = seededRandom(11);
    const recorded = Array.from(dist.values).flatMap((v, i) => Array(dist.cumulative[i] - (dist.cumulative[i - 1] ?? 0)).fill(v));
    const literal = new Float64Array(2000);
    const sample = new Float64Array(dist.total);
    for (let b = 0; b < literal.length; b++) {
      for (let i = 0; i < sample.length; i++) sample[i] = recorded[Math.floor(random() * recorded.length)];
      sample.sort();
      literal[b] = sample[Math.ceil(0.9 * sample.length) - 1] / 1000;
    }
    const fast = bootstrapPercentile(dist, 90, 2000, seededRandom(12));
    const [litLo, litHi] = bootstrapInterval(literal);
    const [fastLo, fastHi] = bootstrapInterval(fast);
    const width = litHi - litLo;
    expect(Math.abs(fastLo - litLo)).toBeLessThan(0.15 * width);
    expect(Math.abs(fastHi - litHi)).toBeLessThan(0.15 * width);
  });

  test('the same seed gives the same replicates', () => {
    const dist = lognormalDistribution(500, 50, 0.4, 5);
    expect(bootstrapPercentile(dist, 95, 200, seededRandom(9))).toEqual(bootstrapPercentile(dist, 95, 200, seededRandom(9)));
  });

  test('a real shift is significant, resampling noise is not', () => {
    const fast = lognormalDistribution(2000, 100, 0.5, 21);
    const slow = lognormalDistribution(2000, 150, 0.5, 22);
    const again = lognormalDistribution(2000, 100, 0.5, 23);
    const reps = (d: Distribution, seed: number) => bootstrapPercentile(d, 50, 1000, seededRandom(seed));
    const shifted = bootstrapDifference(reps(fast, 1), reps(slow, 2));
    expect(shifted.significant).toBe(true);
    expect(shifted.ci[0]).toBeGreaterThan(0);
    expect(shifted.pValue).toBeLessThan(0.01);
    const same = bootstrapDifference(reps(fast, 1), reps(again, 3));
    expect(same.significant).toBe(false);
    expect(same.pValue).toBeGreaterThan(0.05);
  });

  test('an empty histogram has no percentile', () => {
    const dist = histogramDistribution(createHistogram());
    expect(percentileOf(dist, 50)).toBeNull();
  });
});
