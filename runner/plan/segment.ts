/**
 * Execution segments: worker `i` of `n` runs its share of every step, so that the shares
 * add up exactly to the whole (k6's execution segments, reduced to equal parts).
 */
export function shareOf(total: number, i: number, n: number): number {
  return Math.floor((total * (i + 1)) / n) - Math.floor((total * i) / n);
}
