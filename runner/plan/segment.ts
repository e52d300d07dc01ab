/**
 * Execution segments: worker `i` of `n` runs its share of every step, so that the shares
 * add up exactly to the whole (k6's execution segments, reduced to equal parts).
 */
export function shareOf(total: number, i: number, n: number): number {
  return Math.floor((total * (i + 1)) / n) - Math.floor((total * i) / n);
}

/**
 * Part `i` of `n`'s share of a budget that `vus` VUs spend together (a closed burst's shared
 * iterations): split among the parts that have a VU, since a part without one could never spend
 * its share. With fewer VUs than parts each part has 0 or 1, and the ones with a VU rank 0..vus-1.
 */
export function budgetShareOf(budget: number, vus: number, i: number, n: number): number {
  if (vus >= n) return shareOf(budget, i, n);
  if (shareOf(vus, i, n) === 0) return 0;
  return shareOf(budget, Math.floor((vus * (i + 1)) / n) - 1, vus);
}
