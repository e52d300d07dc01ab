/**
 * The one home of number formatting for people (console, HTML, JUnit, findings, compare).
 * Imports nothing. Two ways to write a duration, for two places: prose (`85 ms`, `1.21 s`,
 * findings and messages) and compact table cells (`85ms`, `1.2s`, compare).
 */

const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)));

/** A measured value without a unit: 4 decimals below 1, 2 below 100, then 1 ('-' for none). */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  return trim(n, a >= 100 ? 1 : a >= 1 ? 2 : 4);
}

/** A fraction as a percentage with one decimal, trailing zeros dropped: 0.1667 → '16.7%', 1 → '100%'. */
export function formatPercent(fraction: number): string {
  return `${trim(fraction * 100, 1)}%`;
}

/** A duration in prose: '0.4 ms', '85 ms', '1.21 s', '68.2 s', '7.5 min' (from 10 min). */
export function formatMs(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1000) return `${a < 10 ? trim(ms, 1) : Math.round(ms)} ms`;
  const sec = ms / 1000;
  if (Math.abs(sec) < 10) return `${trim(sec, 2)} s`;
  if (Math.abs(sec) < 600) return `${trim(sec, 1)} s`;
  return `${trim(sec / 60, 1)} min`;
}

/** A duration for a table cell: '0.42ms', '85.3ms', '790ms', '1.21s', '12.3s', '123s'. */
export function formatMsCompact(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 1000) return `${trim(ms / 1000, a >= 100_000 ? 0 : a >= 10_000 ? 1 : 2)}s`;
  return `${trim(ms, a >= 100 ? 0 : a >= 10 ? 1 : 2)}ms`;
}

/** Two durations as a range in prose, with as many decimals as their spread needs: '120.0–120.8 s'. */
export function formatMsRange(aMs: number, bMs: number): string {
  const hi = Math.max(Math.abs(aMs), Math.abs(bMs));
  if (hi < 1000) return `${Math.round(aMs)}–${Math.round(bMs)} ms`;
  const spreadS = Math.abs(bMs - aMs) / 1000;
  const decimals = spreadS > 0 ? Math.min(3, Math.max(1, Math.ceil(-Math.log10(spreadS)))) : 1;
  return `${(aMs / 1000).toFixed(decimals)}–${(bMs / 1000).toFixed(decimals)} s`;
}
