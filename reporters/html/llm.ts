/**
 * The HTML report's LLM section: ctx.llm's token timings (a table, their course over time and
 * their distributions), tokens and goodput. Drawn only when the run made LLM requests.
 */
import type { Summary } from '../reporter.js';
import { llmBlock, llmTotals } from '../llm-rows.js';
import { formatNumber } from '../summary-rows.js';

/** page.ts's markup helpers, passed in (page.ts imports this module) */
export interface Markup {
  chart: (id: string, title: string, note: string) => string;
  table: (headers: string[], rows: string[][]) => string;
  esc: (value: unknown) => string;
}

export function llmSection(summary: Summary, { chart, table, esc }: Markup, charts: { overTime: boolean; distribution: boolean }): string {
  const b = llmBlock(summary);
  if (!b) return '';
  const ms = (n: number) => `${formatNumber(n)} ms`;
  const rows = b.trends.map((t) => [`<code>${t.key}</code> ${esc(t.label)}`, String(t.count), ...[t.p50, t.p90, t.p95, t.p99, t.max].map(ms)]);
  return `<section id="llm"><h2>LLM</h2>
${table(['', 'samples', 'p50', 'p90', 'p95', 'p99', 'max'], rows)}
${llmTotals(b)
  .map((l) => `<p>${esc(l)}</p>`)
  .join('\n')}
${charts.overTime ? chart('chart-llm-time', 'Token timings over time', 'llm_ttft and llm_itl p50 / p95 per interval, ms') : ''}
${charts.distribution ? chart('chart-llm-distribution', 'Token timings by percentile', 'HDR histograms of the whole run; x = 1/(1-p), log scales') : ''}
</section>`;
}
