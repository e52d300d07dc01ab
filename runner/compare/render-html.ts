/**
 * The comparison as one self-contained HTML page: the side-by-side table, the tested
 * differences, one bar chart per percentile with CI whiskers (inline SVG), insights.
 * No script, no network: it opens from a CI artifact as is.
 */
import { escapeHtml } from '../../reporters/html/page.js';
import { PERCENTILES, type Comparison, type PercentileName } from './types.js';
import { comparisonRows, differenceBlocks, formatMs, legend, type Cell } from './rows.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];

const changeClass = (c: { significant: boolean; better: boolean | null }) =>
  !c.significant || c.better === null ? 'same' : c.better ? 'better' : 'worse';

function cellHtml(cell: Cell): string {
  const ci = cell.ci ? ` <span class="ci">${escapeHtml(cell.ci)}</span>` : '';
  const change = cell.change ? ` <span class="change ${changeClass(cell.change)}">${escapeHtml(cell.change.text)}</span>` : '';
  return `${escapeHtml(cell.value)}${ci}${change}`;
}

function mainTable(c: Comparison): string {
  const head = c.runs.map((r, i) => `<th>${escapeHtml(r.label)}${i === c.baseline ? ' <small>(baseline)</small>' : ''}</th>`).join('');
  const body = comparisonRows(c)
    .map((row) => {
      const significant = row.cells.some((cell) => cell.change?.significant);
      return `<tr${significant ? ' class="significant"' : ''}><th>${escapeHtml(row.metric)}</th>${row.cells.map((cell) => `<td>${cellHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table id="comparison"><thead><tr><th>metric</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function differenceTables(c: Comparison): string {
  return differenceBlocks(c)
    .map((block) => {
      const rows = block.lines
        .map(
          (l) =>
            `<tr class="${l.significant ? 'significant' : ''}"><th>${escapeHtml(l.metric)}</th><td>${escapeHtml(l.change)}</td>` +
            `<td>${escapeHtml(l.ci)}</td><td>${escapeHtml(l.test)}</td>` +
            `<td class="${changeClass(l)}">${l.significant ? 'significant' : 'not significant'}</td></tr>`,
        )
        .join('\n');
      return (
        `<h3>${escapeHtml(block.label)} vs ${escapeHtml(block.baselineLabel)}</h3>` +
        `<table class="differences"><thead><tr><th>metric</th><th>change</th><th>95% CI</th><th>test</th><th>verdict</th></tr></thead>` +
        `<tbody>\n${rows}\n</tbody></table>`
      );
    })
    .join('\n');
}

/** Bars of one percentile across runs, with the CI as a whisker; linear scale from 0. */
function percentileChart(c: Comparison, p: PercentileName): string {
  const bars = c.runs.map((r, i) => ({ label: r.label, e: r.latency?.[p], color: PALETTE[i % PALETTE.length] }));
  const top = Math.max(...bars.map((b) => b.e?.ci[1] ?? 0), 1e-9);
  const width = 240;
  const height = 160;
  const base = 130;
  const slot = (width - 20) / bars.length;
  const y = (ms: number) => base - (ms / top) * (base - 20);
  const marks = bars
    .map((b, i) => {
      if (!b.e) return '';
      const x = 10 + i * slot + slot * 0.2;
      const w = slot * 0.6;
      const mid = x + w / 2;
      const title = `${b.label}: ${p} ${formatMs(b.e.value)} [${formatMs(b.e.ci[0])}–${formatMs(b.e.ci[1])}]`;
      return (
        `<g><title>${escapeHtml(title)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${y(b.e.value).toFixed(1)}" width="${w.toFixed(1)}" height="${(base - y(b.e.value)).toFixed(1)}" fill="${b.color}"/>` +
        `<line x1="${mid.toFixed(1)}" x2="${mid.toFixed(1)}" y1="${y(b.e.ci[0]).toFixed(1)}" y2="${y(b.e.ci[1]).toFixed(1)}" class="whisker"/>` +
        `<line x1="${(mid - 6).toFixed(1)}" x2="${(mid + 6).toFixed(1)}" y1="${y(b.e.ci[1]).toFixed(1)}" y2="${y(b.e.ci[1]).toFixed(1)}" class="whisker"/>` +
        `<line x1="${(mid - 6).toFixed(1)}" x2="${(mid + 6).toFixed(1)}" y1="${y(b.e.ci[0]).toFixed(1)}" y2="${y(b.e.ci[0]).toFixed(1)}" class="whisker"/>` +
        `<text x="${mid.toFixed(1)}" y="${(base + 16).toFixed(1)}" text-anchor="middle">${escapeHtml(formatMs(b.e.value))}</text></g>`
      );
    })
    .join('');
  return (
    `<figure><figcaption>${p}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${p} per run">` +
    `<line x1="5" x2="${width - 5}" y1="${base}" y2="${base}" class="axis"/>${marks}</svg></figure>`
  );
}

function chartLegend(c: Comparison): string {
  return c.runs.map((r, i) => `<span><i style="background:${PALETTE[i % PALETTE.length]}"></i>${escapeHtml(r.label)}</span>`).join(' ');
}

function insightList(c: Comparison): string {
  const items = c.runs.flatMap((r) =>
    r.insights.map((i) => `<li class="${i.severity}"><b>${escapeHtml(r.label)}</b> · ${escapeHtml(i.kind)}: ${escapeHtml(i.message)}</li>`),
  );
  return items.length ? `<h2>Insights</h2><ul class="insights">${items.join('\n')}</ul>` : '';
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
thead th{background:#f4f4f4}tbody th{font-weight:600}.ci{color:#777}.change.same,.same{color:#777}
.better{color:#1a7f37;font-weight:600}.worse{color:#c62828;font-weight:600}tr.significant{background:#fffbe6}
figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:600}svg text{font-size:11px;fill:#333}
.whisker{stroke:#222;stroke-width:1.5}.axis{stroke:#999}.chart-legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.insights .fail{color:#c62828}.insights .warn{color:#9a6700}.legend{color:#555;font-size:12px}`;

export function renderComparisonHtml(c: Comparison): string {
  const title = `rampart compare: ${c.runs.map((r) => r.label).join(' vs ')}`;
  const charts = c.runs.some((r) => r.latency)
    ? `<h2>Latency percentiles (http_req_duration)</h2><p class="chart-legend">${chartLegend(c)}</p>${PERCENTILES.map((p) => percentileChart(c, p)).join('\n')}`
    : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${mainTable(c)}
<p class="legend">${escapeHtml(legend(c))}</p>
${charts}
<h2>Differences from the baseline</h2>
${differenceTables(c)}
${insightList(c)}
</body>
</html>
`;
}
