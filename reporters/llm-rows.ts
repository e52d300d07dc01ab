/**
 * The LLM block of a summary: ctx.llm's token timings, tokens and goodput, worded once for the
 * console and the HTML report (docs/llm.md defines each metric).
 */
import type { CounterSummary, MetricSummary, RateSummary, TrendSummary } from '../runner/results/types.js';
import type { Summary } from './reporter.js';
import { formatNumber, formatPercent } from '../shared/format.js';

/** The llm_* trends, in the order a person reads them, with what each measures. */
export const LLM_TREND_LABELS: [key: string, label: string][] = [
  ['llm_ttft', 'time to first token'],
  ['llm_itl', 'inter-token latency'],
  ['llm_tpot', 'time per output token'],
  ['llm_e2e', 'request end to end'],
];

export interface LlmTrendRow {
  key: string;
  label: string;
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LlmBlock {
  trends: LlmTrendRow[];
  /** requests, input and output tokens, output tokens per second of the run */
  requests: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  outputPerSecond: number | null;
  /** llm_goodput: requests that met the scenario's SLOs */
  goodput: { rate: number; met: number; total: number } | null;
}

const typed = <T extends MetricSummary>(s: Summary, key: string, type: T['type']) => {
  const m = s.metrics[key];
  return m?.type === type ? (m as T) : undefined;
};

/** The run's LLM numbers; null when it made no LLM request (no llm_* metric). */
export function llmBlock(s: Summary): LlmBlock | null {
  const trends: LlmTrendRow[] = [];
  for (const [key, label] of LLM_TREND_LABELS) {
    const t = typed<TrendSummary>(s, key, 'trend');
    if (t && t.count > 0) trends.push({ key, label, count: t.count, p50: t.med, p90: t.p90, p95: t.p95, p99: t.p99, max: t.max });
  }
  const goodput = typed<RateSummary>(s, 'llm_goodput', 'rate');
  const output = typed<CounterSummary>(s, 'llm_output_tokens', 'counter');
  const total = goodput ? goodput.trues + goodput.falses : 0;
  const requests = typed<CounterSummary>(s, 'llm_requests', 'counter')?.count ?? null;
  if (!trends.length && !total && !requests) return null;
  return {
    trends,
    requests,
    inputTokens: typed<CounterSummary>(s, 'llm_input_tokens', 'counter')?.count ?? null,
    outputTokens: output?.count ?? null,
    outputPerSecond: output ? output.rate : null,
    goodput: total ? { rate: goodput!.rate, met: goodput!.trues, total } : null,
  };
}

/** The tokens and goodput of the block, one sentence each (the console and the HTML report). */
export function llmTotals(b: LlmBlock): string[] {
  const tokens = [
    b.requests !== null ? `${b.requests} requests` : '',
    b.inputTokens !== null ? `${b.inputTokens} input tokens` : '',
    b.outputTokens !== null ? `${b.outputTokens} output tokens` : '',
    b.outputPerSecond !== null ? `${formatNumber(b.outputPerSecond)} output tokens/s` : '',
  ].filter(Boolean);
  const lines = tokens.length ? [tokens.join(', ')] : [];
  if (b.goodput) lines.push(`goodput ${formatPercent(b.goodput.rate)}: ${b.goodput.met} of ${b.goodput.total} requests met the SLOs`);
  return lines;
}

/** The block as aligned text lines (no colour): one per trend, then tokens and goodput. */
export function llmText(b: LlmBlock): string[] {
  const name = (key: string) => key.replace(/^llm_/, '');
  const lines = b.trends.map(
    (t) =>
      `${name(t.key).padEnd(5)} p50 ${formatNumber(t.p50)}  p90 ${formatNumber(t.p90)}  p95 ${formatNumber(t.p95)}  p99 ${formatNumber(t.p99)}  max ${formatNumber(t.max)}  (${t.label}, ${t.count})`,
  );
  return [...lines, ...llmTotals(b)];
}
