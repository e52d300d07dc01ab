/**
 * The comparison as a terminal table: runs as columns, metrics as rows, each cell
 * "value [CI] ▲ +34% *", then the tested differences with their p-values, insights and a legend.
 */
import { Chalk } from 'chalk';
import type { Comparison } from './types.js';
import { comparisonRows, differenceBlocks, legend, type Cell, type Change } from './rows.js';

const SEVERITY_MARK = { info: 'i', warn: '!', fail: '✗' } as const;

export function renderComparisonText(c: Comparison, options: { color?: boolean } = {}): string {
  const ink = new Chalk({ level: options.color ? 1 : 0 });
  const tint = (text: string, change: Pick<Change, 'significant' | 'better'>) =>
    !change.significant || change.better === null ? ink.dim(text) : change.better ? ink.green(text) : ink.red(text);

  // Widths are measured on plain text, colour is added after padding.
  const plainCell = (cell: Cell) => [cell.value, cell.ci, cell.change?.text].filter(Boolean).join(' ');
  const paintCell = (cell: Cell, width: number) => {
    const pad = ' '.repeat(Math.max(0, width - plainCell(cell).length));
    const parts = [ink.bold(cell.value), cell.ci ? ink.dim(cell.ci) : '', cell.change ? tint(cell.change.text, cell.change) : ''];
    return parts.filter(Boolean).join(' ') + pad;
  };

  const rows = comparisonRows(c);
  const headers = c.runs.map((r, i) => (i === c.baseline ? `${r.label} (baseline)` : r.label));
  const metricWidth = Math.max(6, ...rows.map((r) => r.metric.length));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => plainCell(r.cells[i]).length)));
  const gap = '   ';

  const out: string[] = [];
  out.push(ink.bold(`rampart compare: ${c.runs.length} runs, baseline ${c.runs[c.baseline].label}`));
  out.push('');
  out.push(['metric'.padEnd(metricWidth), ...headers.map((h, i) => ink.bold(h) + ' '.repeat(widths[i] - h.length))].join(gap).trimEnd());
  out.push(['-'.repeat(metricWidth), ...widths.map((w) => '-'.repeat(w))].join(gap));
  for (const row of rows) {
    out.push([row.metric.padEnd(metricWidth), ...row.cells.map((cell, i) => paintCell(cell, widths[i]))].join(gap).trimEnd());
  }

  for (const block of differenceBlocks(c)) {
    out.push('');
    out.push(ink.bold(`${block.label} vs ${block.baselineLabel}`));
    const w = (key: 'metric' | 'change' | 'ci' | 'test') => Math.max(...block.lines.map((l) => l[key].length));
    for (const l of block.lines) {
      const verdict = l.significant ? 'significant' : 'not significant';
      const line = `  ${l.metric.padEnd(w('metric'))}  ${l.change.padEnd(w('change'))}  ${l.ci.padEnd(w('ci'))}  ${l.test.padEnd(w('test'))}  `;
      out.push(line + tint(verdict, l));
    }
    if (block.lines.length === 0) out.push('  nothing to test: a run has no requests');
  }

  const withInsights = c.runs.filter((r) => r.insights.length > 0);
  if (withInsights.length > 0) {
    out.push('');
    out.push(ink.bold('insights'));
    for (const r of withInsights) {
      for (const i of r.insights) {
        const mark = SEVERITY_MARK[i.severity] ?? '-';
        const colored = i.severity === 'fail' ? ink.red(mark) : i.severity === 'warn' ? ink.yellow(mark) : ink.cyan(mark);
        out.push(`  ${colored} ${r.label}: ${i.message}`);
      }
    }
  }

  out.push('');
  out.push(ink.dim(legend(c)));
  return out.join('\n') + '\n';
}
