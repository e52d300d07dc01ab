/**
 * The statistics behind `rampart compare`, as pure functions: Wilson score intervals and
 * Fisher / z tests for success rates, and bootstrap confidence intervals for latency
 * percentiles drawn from an HDR histogram. Everything random takes a seeded generator, so a
 * comparison is repeatable. docs/compare.md explains the choices.
 */
import type { Histogram } from '../metrics/hdr.js';

/** The two-sided 95% standard normal quantile. */
export const Z95 = 1.959963984540054;

export type Interval = [low: number, high: number];

/** mulberry32: a small, fast, seedable PRNG in [0, 1). */
export { mulberry32 as seededRandom } from '../../shared/random.js';

// ---------------------------------------------------------------------------------------------
// Success rates

/** Wilson score interval of a proportion: sound at 30 requests and at 0% or 100%, unlike p ± z·se. */
export function wilsonInterval(successes: number, total: number, z = Z95): { rate: number; ci: Interval } {
  if (total <= 0) return { rate: 0, ci: [0, 1] };
  const p = successes / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const center = (p + z2 / (2 * total)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  // exact bounds at 0% and 100% (the formula gives them up to rounding)
  return { rate: p, ci: [successes === 0 ? 0 : Math.max(0, center - half), successes === total ? 1 : Math.min(1, center + half)] };
}

/** Newcombe's hybrid score interval (method 10) of p2 − p1, built from the two Wilson intervals. */
export function proportionDifferenceInterval(s1: number, n1: number, s2: number, n2: number): Interval {
  const a = wilsonInterval(s1, n1);
  const b = wilsonInterval(s2, n2);
  const d = b.rate - a.rate;
  return [d - Math.sqrt((b.rate - b.ci[0]) ** 2 + (a.ci[1] - a.rate) ** 2), d + Math.sqrt((b.ci[1] - b.rate) ** 2 + (a.rate - a.ci[0]) ** 2)];
}

/** Standard normal CDF (erfc with fractional error < 1.2e-7, Numerical Recipes' erfcc). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Pooled two-proportion z-test, two-sided. */
export function twoProportionZTest(s1: number, n1: number, s2: number, n2: number): { z: number; pValue: number } {
  const pooled = (s1 + s2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, pValue: 1 };
  const z = (s2 / n2 - s1 / n1) / se;
  return { z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7): enough precision for hypergeometric probabilities. */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const lnChoose = (n: number, k: number) => lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);

/**
 * Fisher's exact test, two-sided, of the 2×2 table [[a, b], [c, d]]: the sum of the
 * probabilities of every table with the same margins that is no more likely than this one.
 */
export function fisherExactTest(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  if (n === 0) return 1;
  const lnTotal = lnChoose(n, row1);
  const lnP = (x: number) => lnChoose(col1, x) + lnChoose(n - col1, row1 - x) - lnTotal;
  const observed = lnP(a);
  let p = 0;
  for (let x = Math.max(0, row1 + col1 - n); x <= Math.min(row1, col1); x++) {
    const l = lnP(x);
    if (l <= observed + 1e-7) p += Math.exp(l); // relative tolerance for float ties, as R does
  }
  return Math.min(1, p);
}

export interface ProportionComparison {
  /** p2 − p1 (a fraction; ×100 for percentage points) */
  difference: number;
  ci: Interval;
  test: 'fisher' | 'z-test';
  pValue: number;
  significant: boolean;
}

/** Compares success proportions: Fisher's exact test when any cell is below 5, else the z-test. */
export function compareProportions(s1: number, n1: number, s2: number, n2: number, alpha = 0.05): ProportionComparison {
  const cells = [s1, n1 - s1, s2, n2 - s2];
  const small = cells.some((c) => c < 5);
  const pValue = small ? fisherExactTest(s1, n1 - s1, s2, n2 - s2) : twoProportionZTest(s1, n1, s2, n2).pValue;
  const difference = (n2 ? s2 / n2 : 0) - (n1 ? s1 / n1 : 0);
  return {
    difference,
    ci: proportionDifferenceInterval(s1, n1, s2, n2),
    test: small ? 'fisher' : 'z-test',
    pValue,
    significant: n1 > 0 && n2 > 0 && pValue < alpha,
  };
}

// ---------------------------------------------------------------------------------------------
// Latency percentiles from an HDR histogram

/** A histogram as its distinct recorded values (ascending, µs) and their cumulative counts. */
export interface Distribution {
  values: Float64Array;
  cumulative: Float64Array;
  total: number;
}

/** Minimal view of hdr-histogram-js's JsHistogram internals used to walk its buckets. */
interface BucketView {
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
}

/**
 * The histogram's buckets as a distribution. Each bucket stands for its highest equivalent
 * value, the value getValueAtPercentile reports, so point estimates equal the Summary's.
 */
export function histogramDistribution(h: Histogram): Distribution {
  const view = h as unknown as BucketView;
  const values: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < view.countsArrayLength && total < h.totalCount; i++) {
    const count = view.getCountAtIndex(i);
    if (count <= 0) continue;
    total += count;
    values.push(view.highestEquivalentValue(view.valueFromIndex(i)));
    cumulative.push(total);
  }
  return { values: Float64Array.from(values), cumulative: Float64Array.from(cumulative), total };
}

/** HdrHistogram's rank for a percentile: the k-th smallest of n values (1-based). */
export function percentileRank(percentile: number, n: number): number {
  return Math.max(1, Math.ceil((Math.min(percentile, 100) / 100) * n - 1e-9));
}

/** The value at cumulative position `position` (0 < position ≤ total): the inverse CDF. */
export function valueAtPosition(dist: Distribution, position: number): number {
  const { cumulative, values } = dist;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] >= position) hi = mid;
    else lo = mid + 1;
  }
  return values[lo];
}

/** A standard normal draw (Box–Muller). */
function normalSample(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) for shape ≥ 1 (Marsaglia–Tsang). */
function gammaSample(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) for a, b ≥ 1. */
export function betaSample(a: number, b: number, random: () => number): number {
  const x = gammaSample(a, random);
  return x / (x + gammaSample(b, random));
}

/**
 * Bootstrap replicates (ms) of one percentile of the distribution. A bootstrap resample is n
 * draws with replacement from the histogram; its k-th smallest value is F⁻¹(U₍ₖ₎), where U₍ₖ₎,
 * the k-th smallest of n uniforms, follows Beta(k, n − k + 1). Drawing that one Beta and
 * inverting the cumulative counts gives exactly the resampled percentile, in O(log buckets)
 * instead of n draws per resample, so full-size resamples of 100k+ requests stay fast.
 */
export function bootstrapPercentile(dist: Distribution, percentile: number, resamples: number, random: () => number): Float64Array {
  const n = dist.total;
  const out = new Float64Array(resamples);
  if (n === 0) return out.fill(NaN);
  const k = percentileRank(percentile, n);
  for (let i = 0; i < resamples; i++) {
    const u = betaSample(k, n - k + 1, random);
    out[i] = valueAtPosition(dist, Math.max(u * n, Number.MIN_VALUE)) / 1000;
  }
  return out;
}

/** The point estimate (ms) of a percentile, as HdrHistogram reports it. */
export function percentileOf(dist: Distribution, percentile: number): number | null {
  return dist.total === 0 ? null : valueAtPosition(dist, percentileRank(percentile, dist.total)) / 1000;
}

/** Linear-interpolated quantile (0..1) of ascending-sorted samples. */
function sortedQuantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The percentile-method confidence interval of bootstrap replicates. */
export function bootstrapInterval(replicates: Float64Array, level = 0.95): Interval {
  const sorted = Float64Array.from(replicates).sort();
  const tail = (1 - level) / 2;
  return [sortedQuantile(sorted, tail), sortedQuantile(sorted, 1 - tail)];
}

export interface BootstrapDifference {
  /** CI of (b − a), same unit as the replicates */
  ci: Interval;
  /** two-sided bootstrap p-value: twice the share of differences on the far side of 0 */
  pValue: number;
  /** the CI excludes 0 */
  significant: boolean;
}

/** Bootstrap test of b − a from independent replicates of each run. */
export function bootstrapDifference(a: Float64Array, b: Float64Array, level = 0.95): BootstrapDifference {
  const n = Math.min(a.length, b.length);
  const diffs = new Float64Array(n);
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (let i = 0; i < n; i++) {
    const d = b[i] - a[i];
    diffs[i] = d;
    if (d <= 0) atOrBelow++;
    if (d >= 0) atOrAbove++;
  }
  const ci = bootstrapInterval(diffs, level);
  const pValue = Math.min(1, (2 * (Math.min(atOrBelow, atOrAbove) + 1)) / (n + 1));
  return { ci, pValue, significant: ci[0] > 0 || ci[1] < 0 };
}
