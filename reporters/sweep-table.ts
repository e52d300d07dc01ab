// The per-rate numbers of a capacity sweep (the sweep-capacity finding's data) as table rows,
// shared by the console and the HTML report.

import type { Insight, Summary } from '../runner/results/types.js';
import type { SweepStepResult } from '../runner/insights/sweep-capacity.js';

export interface SweepTable {
  sustainableRate: number | null;
  brokeAt: number | null;
  steps: SweepStepResult[];
}

export function sweepTables(summary: Summary): SweepTable[] {
  return summary.insights.filter((i: Insight) => i.kind === 'sweep-capacity').map((i) => i.data as unknown as SweepTable);
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
const ms = (v: number | null) => (v === null ? '—' : v >= 1000 ? `${Math.round(v / 10) / 100}s` : `${Math.round(v * 10) / 10}ms`);

export const SWEEP_HEADER = ['rate it/s', 'done req/s', 'errors', 'p95', 'goodput', 'ttft p95', 'tpot p95', 'dropped', 'verdict'];

/** One row of strings per rate, in SWEEP_HEADER's order. */
export function sweepRows(t: SweepTable): string[][] {
  return t.steps.map((r) => [
    String(r.rate),
    r.throughput === null ? '—' : String(r.throughput),
    pct(r.errorRate),
    ms(r.p95Ms),
    pct(r.goodput),
    ms(r.ttftP95Ms),
    ms(r.tpotP95Ms),
    pct(r.dropped),
    !r.ran ? 'not run' : r.holds ? 'held' : `broke: ${r.broke.join(', ')}`,
  ]);
}

/** The table as aligned text lines (console). */
export function sweepText(t: SweepTable): string[] {
  const rows = [SWEEP_HEADER, ...sweepRows(t)];
  const widths = SWEEP_HEADER.map((_, c) => Math.max(...rows.map((r) => (c === rows[0].length - 1 ? 0 : r[c].length))));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}
