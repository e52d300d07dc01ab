/**
 * A Summary flattened into the rows that the file reports print (JUnit text, HTML tables),
 * so every report words and rounds things the same way.
 */
import type { Summary } from './reporter.js';
import type { MetricSummary, ThresholdResult } from '../runner/results/types.js';

/** Every gauge key of the timeline, sorted. */
export function gaugeKeys(summary: Summary): string[] {
  const keys = new Set<string>();
  for (const p of summary.timeline) for (const k of Object.keys(p.gauges ?? {})) keys.add(k);
  return [...keys].sort();
}

/** Rounds for display: 1 decimal from 100 up, 2 from 1 up, 4 below. */
import { formatNumber, formatPercent } from '../shared/format.js';

export { formatNumber, formatPercent };

/** The run as a whole; 'unmeasured' (runner/verdict.ts) is never 'passed', even when its exit code was turned off. */
export function runStatus(summary: Summary): 'passed' | 'failed' | 'aborted' | 'unmeasured' {
  if (summary.aborted) return 'aborted';
  if (summary.verdict) return 'unmeasured';
  return summary.exitCode === 0 ? 'passed' : 'failed';
}

export interface ThresholdRow {
  metric: string;
  expression: string;
  ok: boolean;
  noData: boolean;
  actual: number | null;
  abortOnFail: boolean;
  /** e.g. "p(95)<500 failed: actual 612.3" */
  message: string;
}

export function thresholdRows(summary: Summary): ThresholdRow[] {
  return Object.entries(summary.thresholds).flatMap(([metric, results]) =>
    results.map((t: ThresholdResult) => {
      const noData = t.noData === true;
      const message = noData
        ? `${t.expression} failed: ${metric} received no sample`
        : `${t.expression} ${t.ok ? 'passed' : 'failed'}: actual ${formatNumber(t.actual)}`;
      return { metric, expression: t.expression, ok: t.ok && !noData, noData, actual: t.actual, abortOnFail: t.abortOnFail === true, message };
    }),
  );
}

export interface CheckRow {
  name: string;
  passes: number;
  fails: number;
  ok: boolean;
  message: string;
}

export function checkRows(summary: Summary): CheckRow[] {
  return Object.entries(summary.checks).map(([name, c]) => {
    const total = c.passes + c.fails;
    const rate = total ? c.passes / total : 1;
    return { name, ...c, ok: c.fails === 0, message: `${c.passes} passed, ${c.fails} failed (${formatPercent(rate)} ok)` };
  });
}

export interface WorkloadRow {
  name: string;
  iterations: number;
  requests: number;
  failed: number;
  /** failed requests / requests, 0 without requests */
  failedRate: number;
  /** http_req_duration p95 in ms, null without requests */
  p95: number | null;
  dropped: number;
  /** "120 iterations, 480 requests, 0.2% failed, p95 12.3 ms" */
  message: string;
}

/**
 * One row per workload of a run made of several (the `{workload:NAME}` sub-metrics), in the
 * order the names first appear; none for a scenario without `workloads`.
 */
export function workloadRows(summary: Summary): WorkloadRow[] {
  const names = new Set<string>();
  for (const key of Object.keys(summary.metrics)) {
    const m = /^(?:http_reqs|iteration_duration|dropped_iterations)\{workload:([^,{}]+)\}$/.exec(key);
    if (m) names.add(m[1]);
  }
  return [...names].map((name) => {
    const pick = (metric: string) => summary.metrics[`${metric}{workload:${name}}`];
    const reqs = pick('http_reqs');
    const failedRate = pick('http_req_failed');
    const duration = pick('http_req_duration');
    const its = pick('iteration_duration');
    const drops = pick('dropped_iterations');
    const requests = reqs?.type === 'counter' ? reqs.count : 0;
    const failed = failedRate?.type === 'rate' ? failedRate.trues : 0;
    const p95 = duration?.type === 'trend' && duration.count > 0 ? duration.p95 : null;
    const iterations = its?.type === 'trend' ? its.count : 0;
    const dropped = drops?.type === 'counter' ? drops.count : 0;
    const rate = requests ? failed / requests : 0;
    const message =
      `${iterations} iterations, ${requests} requests, ${formatPercent(rate)} failed` +
      `${p95 === null ? '' : `, p95 ${formatNumber(p95)} ms`}${dropped ? `, ${dropped} dropped` : ''}`;
    return { name, iterations, requests, failed, failedRate: rate, p95, dropped, message };
  });
}

/**
 * Metric keys sorted so each sub-metric follows its base metric. By code unit, ignoring case, not
 * by localeCompare(): its first call sets up ICU's collator, ~15 ms of a one-request run.
 */
export function sortedMetricKeys(metrics: Summary['metrics']): string[] {
  const base = (k: string) => k.replace(/\{.*$/, '').toLowerCase();
  return Object.keys(metrics).sort((a, b) => byCodeUnit(base(a), base(b)) || a.length - b.length || byCodeUnit(a, b));
}
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One line of values for a metric, e.g. "avg=3.1 med=2.9 ... max=9.9" (trend values in ms). */
export function metricValues(m: MetricSummary): Record<string, string> {
  switch (m.type) {
    case 'trend':
      return {
        count: String(m.count),
        avg: formatNumber(m.avg),
        med: formatNumber(m.med),
        p90: formatNumber(m.p90),
        p95: formatNumber(m.p95),
        p99: formatNumber(m.p99),
        max: formatNumber(m.max),
      };
    case 'counter':
      return { count: String(m.count), rate: `${formatNumber(m.rate)}/s` };
    case 'rate':
      return { rate: formatPercent(m.rate), trues: String(m.trues), falses: String(m.falses) };
    case 'gauge':
      return { value: formatNumber(m.value), min: formatNumber(m.min), max: formatNumber(m.max) };
  }
}

/** The run as plain text (no colours): header, thresholds, checks, metrics, errors. */
export function renderTextSummary(summary: Summary): string {
  const s = summary.scenario;
  const lines = [
    `rampart: ${s.name}${s.profile ? ` (${s.profile})` : ''} from ${s.file}`,
    `${runStatus(summary)}${summary.abortReason ? ` (${summary.abortReason})` : ''}, exit code ${summary.exitCode}, ` +
      `${formatNumber(summary.durationMs / 1000)} s from ${summary.startedAt}`,
  ];
  if (summary.verdict) lines.splice(1, 0, summary.verdict.message);
  const thresholds = thresholdRows(summary);
  if (thresholds.length) {
    lines.push('', 'thresholds:');
    for (const t of thresholds) lines.push(`  ${t.ok ? 'ok  ' : 'FAIL'} ${t.metric} ${t.message}`);
  }
  const checks = checkRows(summary);
  if (checks.length) {
    lines.push('', 'checks:');
    for (const c of checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`);
  }
  const workloads = workloadRows(summary);
  if (workloads.length) {
    lines.push('', 'workloads:');
    for (const w of workloads) lines.push(`  ${w.name}: ${w.message}`);
  }
  lines.push('', 'metrics:');
  for (const key of sortedMetricKeys(summary.metrics)) {
    const values = Object.entries(metricValues(summary.metrics[key])).map(([k, v]) => `${k}=${v}`);
    lines.push(`  ${key}: ${values.join(' ')}`);
  }
  if (summary.errors.length) {
    lines.push('', 'errors:');
    for (const e of summary.errors)
      lines.push(`  ${e.count} x ${e.kind}${e.status ? ` ${e.status}` : ''}: ${e.message}${e.location ? ` at ${e.location}` : ''}`);
  }
  if (summary.insights.length) {
    lines.push('', 'findings:');
    for (const i of summary.insights) lines.push(`  [${i.severity}] ${i.kind}: ${i.message}`);
  }
  return lines.join('\n') + '\n';
}
