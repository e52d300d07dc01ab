/**
 * A Comparison flattened into the rows both renderers print (text table, HTML tables), so
 * the terminal and the page word and round every number the same way.
 */
import {
  LLM_TRENDS,
  MIN_TAIL_SAMPLES,
  PERCENTILES,
  type Comparison,
  type Estimate,
  type PercentileEstimate,
  type PercentileDifference,
  type PercentileName,
  type RunDifference,
  type SuccessDifference,
} from './types.js';
import type { Interval } from './stats.js';

import { formatMsCompact as formatMs, formatPercent } from '../../shared/format.js';

export { formatMs, formatPercent };

const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)));

const signed = (text: string, n: number) => (n > 0 ? `+${text}` : n < 0 ? `−${text.replace(/^-/, '')}` : text);

/** "[790–835]" for ms, "[70.3–94.7%]" for rates: the unit once, after the pair. */
export function formatInterval(ci: Interval, unit: 'ms' | 'percent'): string {
  if (unit === 'percent') return `[${trim(ci[0] * 100, 1)}–${trim(ci[1] * 100, 1)}%]`;
  const [lo, hi] = ci.map(formatMs);
  const unitOf = (s: string) => s.replace(/^[-\d.]+/, '');
  return unitOf(lo) === unitOf(hi) ? `[${lo.replace(/[a-z]+$/, '')}–${hi}]` : `[${lo}–${hi}]`;
}

/** p < 0.001 → "p<0.001", else two significant digits. */
export function formatP(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${Number(p.toPrecision(2))}`;
}

/** A change from the baseline, for a cell: arrow, amount, and '*' when significant. */
export interface Change {
  text: string;
  significant: boolean;
  /** true when the change is an improvement, false when a regression, null when neutral/untested */
  better: boolean | null;
}

export interface Cell {
  value: string;
  ci?: string;
  change?: Change;
}

export interface Row {
  metric: string;
  cells: Cell[];
}

/** After a percentile whose CI rests on fewer than MIN_TAIL_SAMPLES requests. */
export const LOW_COUNT_MARK = '†';

const arrow = (n: number) => (n > 0 ? '▲' : n < 0 ? '▼' : '=');

function changeText(amount: string, n: number, significant: boolean): string {
  return `${arrow(n)} ${signed(amount, n)}${significant ? ' *' : ''}`;
}

function latencyChange(d: PercentileDifference): Change {
  const amount = d.relative !== null ? `${trim(Math.abs(d.relative) * 100, 0)}%` : formatMs(Math.abs(d.difference));
  return { text: changeText(amount, d.difference, d.significant), significant: d.significant, better: d.difference === 0 ? null : d.difference < 0 };
}

function successChange(d: SuccessDifference): Change {
  const pp = `${trim(Math.abs(d.difference) * 100, 1)}pp`;
  return { text: changeText(pp, d.difference, d.significant), significant: d.significant, better: d.difference === 0 ? null : d.difference > 0 };
}

const diffFor = (c: Comparison, run: number): RunDifference | undefined => c.differences.find((d) => d.run === run);
/** 'llm_ttft' → 'ttft': the rows of ctx.llm's token timings */
const llmLabel = (key: string) => key.replace(/^llm_/, '');
/** A count the run may not have measured (null: no cell, the row shows '-'). */
const countCell = (n: number | null): Cell | null => (n === null ? null : { value: String(n) });

/** A percentile's cell: its value, CI and change against the baseline. */
function percentileCell(e: PercentileEstimate | undefined, d: PercentileDifference | undefined): Cell | null {
  if (!e) return null;
  return { value: formatMs(e.value) + (e.lowCount ? LOW_COUNT_MARK : ''), ci: formatInterval(e.ci, 'ms'), change: d ? latencyChange(d) : undefined };
}

/** A share's cell (success, goodput): its value, CI and change against the baseline. */
function shareCell(e: Estimate | null | undefined, d: SuccessDifference | null | undefined): Cell | null {
  if (!e) return null;
  return { value: formatPercent(e.value), ci: formatInterval(e.ci, 'percent'), change: d ? successChange(d) : undefined };
}

function throughputCell(c: Comparison, i: number): Cell | null {
  const t = c.runs[i].throughput;
  if (t === null) return null;
  const d = diffFor(c, i)?.throughput;
  // one number per run: no test, so never marked significant
  const change =
    d?.relative != null
      ? { text: changeText(`${trim(Math.abs(d.relative) * 100, 0)}%`, d.difference, false), significant: false, better: null }
      : undefined;
  return { value: `${trim(t, 1)}/s`, change };
}

/** The side-by-side table: one row per metric, one cell per run. Rows no run has are left out. */
export function comparisonRows(c: Comparison): Row[] {
  const rows: Row[] = [];
  const add = (metric: string, cell: (i: number) => Cell | null) => {
    const cells = c.runs.map((_, i) => cell(i));
    if (cells.some((x) => x !== null)) rows.push({ metric, cells: cells.map((x) => x ?? { value: '-' }) });
  };
  add('requests', (i) => ({ value: String(c.runs[i].requests) }));
  add('throughput', (i) => throughputCell(c, i));
  add('success', (i) => shareCell(c.runs[i].success, diffFor(c, i)?.success));
  for (const p of PERCENTILES) add(p, (i) => percentileCell(c.runs[i].latency?.[p], diffFor(c, i)?.latency?.[p]));
  for (const key of LLM_TRENDS) {
    for (const p of PERCENTILES) {
      add(`${llmLabel(key)} ${p}`, (i) => percentileCell(c.runs[i].llm?.trends[key]?.[p], diffFor(c, i)?.llm?.trends[key]?.[p]));
    }
  }
  add('goodput', (i) => shareCell(c.runs[i].llm?.goodput, diffFor(c, i)?.llm?.goodput));
  add('cold starts', (i) => countCell(c.runs[i].coldStarts.count));
  add('cold requests', (i) => countCell(c.runs[i].coldStarts.coldRequests));
  add('retries', (i) => countCell(c.runs[i].retries.count));
  add('rescued calls', (i) => countCell(c.runs[i].retries.rescued));
  const kinds = [...new Set(c.runs.flatMap((r) => r.failures.map((f) => f.kind)))];
  for (const kind of kinds) {
    add(`failed: ${kind}`, (i) => ({ value: String(c.runs[i].failures.find((f) => f.kind === kind)?.count ?? 0) }));
  }
  return rows;
}

/** One tested difference, worded for the "differences" section. */
export interface DifferenceLine {
  metric: string;
  /** "+120ms (+34%)" or "+13.3pp" */
  change: string;
  ci: string;
  /** "bootstrap p=0.002" or "Fisher's exact p=0.11" */
  test: string;
  significant: boolean;
  better: boolean | null;
}

export interface DifferenceBlock {
  label: string;
  baselineLabel: string;
  lines: DifferenceLine[];
}

const signedMs = (ms: number) => signed(formatMs(Math.abs(ms)), ms);
const signedPp = (f: number) => signed(`${trim(Math.abs(f) * 100, 1)}pp`, f);

export function differenceBlocks(c: Comparison): DifferenceBlock[] {
  return c.differences.map((d) => {
    const lines: DifferenceLine[] = [];
    const rateLine = (metric: string, s: SuccessDifference | null | undefined) => {
      if (!s) return;
      lines.push({
        metric,
        change: signedPp(s.difference),
        ci: `[${signedPp(s.ci[0])} – ${signedPp(s.ci[1])}]`,
        test: `${s.test === 'fisher' ? "Fisher's exact" : 'z-test'} ${formatP(s.pValue)}`,
        significant: s.significant,
        better: successChange(s).better,
      });
    };
    const percentileLines = (prefix: string, diffs: Record<PercentileName, PercentileDifference> | null | undefined) => {
      for (const p of PERCENTILES) {
        const l = diffs?.[p];
        if (!l) continue;
        const rel = l.relative === null ? '' : ` (${signed(`${trim(Math.abs(l.relative) * 100, 0)}%`, l.relative)})`;
        lines.push({
          metric: `${prefix}${p}${l.lowCount ? LOW_COUNT_MARK : ''}`,
          change: `${signedMs(l.difference)}${rel}`,
          ci: `[${signedMs(l.ci[0])} – ${signedMs(l.ci[1])}]`,
          test: `bootstrap ${formatP(l.pValue)}`,
          significant: l.significant,
          better: latencyChange(l).better,
        });
      }
    };
    rateLine('success', d.success);
    percentileLines('', d.latency);
    for (const key of LLM_TRENDS) percentileLines(`${llmLabel(key)} `, d.llm?.trends[key]);
    rateLine('goodput', d.llm?.goodput);
    return { label: d.label, baselineLabel: c.runs[d.baseline].label, lines };
  });
}

/** The legend both renderers print under the table. */
export function legend(c: Comparison): string {
  const lowCount = c.runs.some((r) => r.latency && PERCENTILES.some((p) => r.latency![p].lowCount));
  return (
    `${Math.round(c.confidence * 100)}% confidence intervals in brackets. ▲/▼ change from the baseline; ` +
    `* significant at the 5% level (percentiles: bootstrap CI of the difference excludes 0, ${c.resamples} resamples, seed ${c.seed}; ` +
    `success: Fisher's exact test when a cell is under 5, else two-proportion z-test).` +
    (lowCount
      ? ` ${LOW_COUNT_MARK} fewer than ${MIN_TAIL_SAMPLES} requests above this percentile: its CI is too narrow to trust; run more requests.`
      : '')
  );
}
