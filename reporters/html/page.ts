/**
 * The HTML report's markup: header, tables and chart slots, rendered on the server side so
 * the numbers read even with scripts off. Every value goes through escapeHtml.
 */
import type { Summary } from '../reporter.js';
import type { ErrorGroup, Insight } from '../../runner/results/types.js';
import { sweepSection } from './sweep.js';
import { llmSection } from './llm.js';
import { checkRows, formatNumber, formatPercent, metricValues, runStatus, sortedMetricKeys, thresholdRows, workloadRows } from '../summary-rows.js';

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function table(headers: string[], rows: string[][], rowClasses: string[] = [], empty = 'none'): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((cells, i) => `<tr${rowClasses[i] ? ` class="${rowClasses[i]}"` : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const badge = (ok: boolean, text = ok ? 'pass' : 'fail') => `<span class="badge ${ok ? 'ok' : 'bad'}">${escapeHtml(text)}</span>`;

function header(summary: Summary): string {
  const s = summary.scenario;
  const status = runStatus(summary);
  const facts: [string, string][] = [
    ['file', s.file],
    ['profile', s.profile ?? '-'],
    ['started', summary.startedAt],
    ['ended', summary.endedAt],
    ['duration', `${formatNumber(summary.durationMs / 1000)} s`],
    ['exit code', String(summary.exitCode)],
  ];
  if (summary.aborted) facts.push(['aborted', summary.abortReason ?? 'yes']);
  const stages = (summary.stages ?? [])
    .map((st) => `<li>${st.workload ? `${escapeHtml(st.workload)}: ` : ''}${escapeHtml(st.description)}</li>`)
    .join('');
  // a run that measured nothing says so before anything else (runner/verdict.ts)
  const v = summary.verdict;
  const verdict = v
    ? `<p id="verdict" class="verdict ${v.failsRun ? 'bad' : 'warn'}">${escapeHtml(v.message)}${v.failsRun ? '' : ' <small>(fail-unmeasured off: exit code not affected)</small>'}</p>`
    : '';
  return `<header>
  <h1>${escapeHtml(s.name)}${s.profile ? ` <small>(${escapeHtml(s.profile)})</small>` : ''}
    <span id="run-status" class="badge big ${status === 'passed' ? 'ok' : 'bad'}">${escapeHtml(status)}</span></h1>
  ${verdict}
  <dl>${facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>
  ${stages ? `<ol class="stages">${stages}</ol>` : ''}
</header>`;
}

function thresholdsTable(summary: Summary): string {
  const rows = thresholdRows(summary);
  return table(
    ['', 'metric', 'threshold', 'actual', 'result'],
    rows.map((t) => [
      badge(t.ok, t.noData ? 'no data' : undefined),
      escapeHtml(t.metric),
      escapeHtml(t.expression),
      escapeHtml(formatNumber(t.actual)),
      escapeHtml(t.message),
    ]),
    rows.map((t) => (t.ok ? '' : 'fail')),
    'no thresholds',
  );
}

function checksTable(summary: Summary): string {
  const rows = checkRows(summary);
  return table(
    ['', 'check', 'passes', 'fails', 'result'],
    rows.map((c) => [badge(c.ok), escapeHtml(c.name), String(c.passes), String(c.fails), escapeHtml(c.message)]),
    rows.map((c) => (c.ok ? '' : 'fail')),
    'no checks',
  );
}

function findings(insights: Insight[]): string {
  if (insights.length === 0) return '<p class="empty">no findings</p>';
  return `<ul class="findings">${insights
    .map(
      (i) =>
        `<li class="sev-${escapeHtml(i.severity)}"><span class="sev">${escapeHtml(i.severity)}</span> <b>${escapeHtml(i.kind)}</b> ${escapeHtml(i.message)}</li>`,
    )
    .join('\n')}</ul>`;
}

/** One row per workload (scenarios with `workloads` only). */
function workloadsTable(summary: Summary): string {
  const rows = workloadRows(summary);
  return table(
    ['workload', 'iterations', 'requests', 'failed', 'p95', 'dropped'],
    rows.map((w) => [
      escapeHtml(w.name),
      String(w.iterations),
      String(w.requests),
      escapeHtml(`${w.failed} (${formatPercent(w.failedRate)})`),
      escapeHtml(w.p95 === null ? '-' : `${formatNumber(w.p95)} ms`),
      String(w.dropped),
    ]),
    rows.map((w) => (w.failed ? 'fail' : '')),
  );
}

const METRIC_COLUMNS = ['count', 'rate / value', 'avg', 'med', 'p90', 'p95', 'p99', 'max'];

function metricsTable(summary: Summary): string {
  const keys = sortedMetricKeys(summary.metrics);
  return table(
    ['metric', 'type', ...METRIC_COLUMNS],
    keys.map((k) => {
      const m = summary.metrics[k];
      const v = metricValues(m);
      const rateOrValue =
        m.type === 'trend'
          ? ''
          : m.type === 'counter'
            ? v.rate
            : m.type === 'rate'
              ? `${v.rate} (${v.trues}/${Number(v.trues) + Number(v.falses)})`
              : v.value;
      const unit = m.type === 'trend' ? ' ms' : '';
      const stat = (name: string) => (v[name] !== undefined ? `${v[name]}${unit}` : '');
      return [
        escapeHtml(k),
        m.type,
        escapeHtml(v.count ?? ''),
        escapeHtml(rateOrValue),
        ...['avg', 'med', 'p90', 'p95', 'p99'].map((s) => escapeHtml(stat(s))),
        escapeHtml(m.type === 'gauge' ? v.max : stat('max')),
      ];
    }),
    keys.map((k) => (k.includes('{') ? 'sub' : '')),
    'no metrics',
  );
}

function errorsTable(errors: ErrorGroup[]): string {
  const sorted = [...errors].sort((a, b) => b.count - a.count);
  return table(
    ['count', 'kind', 'status', 'message', 'location or response'],
    sorted.map((e) => [
      String(e.count),
      escapeHtml(e.kind),
      escapeHtml(e.status ?? ''),
      escapeHtml(e.message),
      escapeHtml(e.location ?? e.sample ?? ''),
    ]),
    [],
    'no errors',
  );
}

function coldWarmTable(summary: Summary): string {
  const rows = (['cold', 'warm'] as const).flatMap((label) => {
    const m = summary.metrics[`http_req_duration{cold:${label === 'cold'}}`];
    if (!m || m.type !== 'trend') return [];
    return [[label, String(m.count), ...[m.med, m.p95, m.p99, m.max].map((n) => `${formatNumber(n)} ms`)]];
  });
  return table(['', 'requests', 'med', 'p95', 'p99', 'max'], rows);
}

const chart = (id: string, title: string, note: string) =>
  `<figure class="chart-box"><figcaption>${escapeHtml(title)}<span class="note">${escapeHtml(note)}</span></figcaption><div class="chart" id="${id}"></div></figure>`;

export interface PageAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
  /** chart data, already made safe for a <script> element */
  dataJson: string;
  hasColdWarm: boolean;
  /** the LLM section's charts: token timings over time, and by percentile */
  llmCharts?: { overTime: boolean; distribution: boolean };
}

export function renderPage(summary: Summary, assets: PageAssets): string {
  const title = `rampart: ${summary.scenario.name} (${runStatus(summary)})`;
  const coldWarm = assets.hasColdWarm
    ? `<section><h2>Cold vs warm</h2>${chart('chart-coldwarm', 'Cold vs warm latency by percentile', 'http_req_duration{cold:true} vs {cold:false}')}${coldWarmTable(summary)}</section>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${assets.uplotCss}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
${header(summary)}
<main>
<section><h2>Thresholds</h2><div id="thresholds">${thresholdsTable(summary)}</div></section>
<section><h2>Checks</h2><div id="checks">${checksTable(summary)}</div></section>
<section><h2>Findings</h2>${findings(summary.insights)}</section>
${sweepSection(summary)}
${workloadRows(summary).length ? `<section><h2>Workloads</h2><div id="workloads">${workloadsTable(summary)}</div></section>` : ''}
<section class="grid"><h2>Over time</h2>
${chart('chart-latency', 'Latency', 'http_req_duration p50 / p95 / p99 per interval, ms')}
${chart('chart-throughput', 'Throughput and errors', 'completed requests per second; failed requests by kind')}
${chart('chart-concurrency', 'Concurrency', 'VUs and in-flight requests against the endpoint\u2019s workers and queue')}
</section>
<section><h2>Latency distribution</h2>
${chart('chart-distribution', 'http_req_duration by percentile', 'HDR histogram of the whole run; x = 1/(1-p), log scales')}
</section>
${coldWarm}
${llmSection(summary, { chart, table, esc: escapeHtml }, assets.llmCharts ?? { overTime: false, distribution: false })}
<section><h2>Metrics</h2>${metricsTable(summary)}</section>
<section><h2>Errors</h2>${errorsTable(summary.errors)}</section>
</main>
<footer>rampart results file version ${escapeHtml(summary.version)} &middot; charts by uPlot</footer>
<script type="application/json" id="rampart-data">${assets.dataJson}</script>
<script>${assets.uplotJs}</script>
<script>${assets.clientJs}</script>
</body>
</html>
`;
}

const PAGE_CSS = `
:root { --ok: #15803d; --bad: #b91c1c; --warn: #b45309; --info: #1d4ed8; --line: #e5e7eb; --muted: #6b7280; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #111827; background: #f9fafb; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
header { background: #fff; border-bottom: 1px solid var(--line); max-width: none; }
h1 { margin: 0 0 8px; font-size: 22px; } h1 small { color: var(--muted); font-weight: normal; }
h2 { font-size: 16px; margin: 24px 0 8px; }
dl { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0; } dl div { display: flex; gap: 6px; }
dt { color: var(--muted); } dd { margin: 0; font-variant-numeric: tabular-nums; }
.stages { color: var(--muted); margin: 8px 0 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td { font-variant-numeric: tabular-nums; } th { background: #f3f4f6; font-weight: 600; }
tr.fail td { background: #fef2f2; } tr.sub td:first-child { padding-left: 24px; color: #374151; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; text-transform: uppercase; }
.badge.ok { background: var(--ok); } .badge.bad { background: var(--bad); } .badge.big { font-size: 14px; vertical-align: middle; margin-left: 8px; }
.empty { color: var(--muted); }
.verdict { margin: 0 0 10px; padding: 8px 12px; font-size: 16px; font-weight: 600; background: #fef2f2; border-left: 4px solid var(--bad); color: var(--bad); }
.verdict.warn { background: #fffbeb; border-left-color: var(--warn); color: var(--warn); } .verdict small { font-weight: normal; }
.findings { list-style: none; padding: 0; margin: 0; }
.findings li { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--info); padding: 6px 10px; margin-bottom: 6px; }
.findings .sev { text-transform: uppercase; font-size: 11px; font-weight: 700; color: var(--info); }
.findings li.sev-warn { border-left-color: var(--warn); } .findings li.sev-warn .sev { color: var(--warn); }
.findings li.sev-fail { border-left-color: var(--bad); } .findings li.sev-fail .sev { color: var(--bad); }
.chart-box { background: #fff; border: 1px solid var(--line); margin: 0 0 12px; padding: 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; } .note { font-weight: normal; color: var(--muted); margin-left: 8px; }
.chart { width: 100%; min-height: 300px; }
footer { color: var(--muted); font-size: 12px; }
`;
