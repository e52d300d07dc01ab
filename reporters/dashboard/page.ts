/**
 * The live dashboard's page: the HTML report's charts (same slots, same page script, same
 * chart data built by chartData) redrawn from server-sent events each interval; when the run
 * ends the page goes to /report, the final HTML report.
 */
import { inlineSafe, uplotAssets } from '../html.js';
import { CLIENT_JS } from '../html/client.js';

const LIVE_JS = String.raw`
(function () {
  'use strict';
  var dataEl = document.getElementById('rampart-data');
  var status = document.getElementById('status');
  window.rampartLive = { updates: 0, lastT: null, ended: false };
  function redraw(payload) {
    // the report's page script draws from #rampart-data: give it the new data and run it again
    Object.keys(window.rampartCharts || {}).forEach(function (id) { window.rampartCharts[id].destroy(); });
    ['chart-latency', 'chart-throughput', 'chart-concurrency', 'chart-distribution'].forEach(function (id) {
      document.getElementById(id).textContent = '';
    });
    dataEl.textContent = JSON.stringify(payload.charts);
    rampartDraw();
    var t = payload.charts.t;
    window.rampartLive.updates++;
    window.rampartLive.lastT = t.length ? t[t.length - 1] : null;
    status.textContent = payload.status;
  }
  var events = new EventSource('/events');
  events.addEventListener('point', function (e) { redraw(JSON.parse(e.data)); });
  events.addEventListener('end', function () {
    window.rampartLive.ended = true;
    events.close();
    status.textContent = 'run ended: loading the report';
    location.replace('/report');
  });
  events.onerror = function () { if (!window.rampartLive.ended) status.textContent = 'connection to rampart lost'; };
})();
`;

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #111827; background: #f9fafb; }
header, main { max-width: 1200px; margin: 0 auto; padding: 12px 24px; }
header { background: #fff; border-bottom: 1px solid #e5e7eb; max-width: none; }
h1 { margin: 0 0 4px; font-size: 20px; } #status { color: #374151; font-variant-numeric: tabular-nums; }
.chart-box { background: #fff; border: 1px solid #e5e7eb; margin: 0 0 12px; padding: 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; } .note { font-weight: normal; color: #6b7280; margin-left: 8px; }
.chart { width: 100%; min-height: 300px; }
`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const chart = (id: string, title: string, note: string) =>
  `<figure class="chart-box"><figcaption>${title}<span class="note">${note}</span></figcaption><div class="chart" id="${id}"></div></figure>`;

export function renderDashboardPage(title: string): string {
  const { js, css } = uplotAssets();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>rampart live: ${escapeHtml(title)}</title>
<style>${inlineSafe(css, 'style')}${CSS}</style></head>
<body>
<header><h1>rampart live: ${escapeHtml(title)}</h1><div id="status">waiting for the first interval…</div></header>
<main>
${chart('chart-latency', 'Latency', 'http_req_duration p50 / p95 / p99 per interval, ms')}
${chart('chart-throughput', 'Throughput and errors', 'completed requests per second; failed requests by kind')}
${chart('chart-concurrency', 'Concurrency', 'VUs and in-flight requests')}
${chart('chart-distribution', 'http_req_duration by percentile', 'HDR histogram of the run so far; x = 1/(1-p), log scales')}
</main>
<script id="rampart-data" type="application/json">{"t":[],"latency":[],"throughput":[],"concurrency":[],"distribution":{"x":[],"percentiles":[],"series":[]}}</script>
<script>${inlineSafe(js, 'script')}</script>
<script>
// the report's script adds a resize listener each run: a stand-in window takes it, so redraws add none
var rampartShim = { addEventListener: function () {} };
function rampartDraw() { var window = rampartShim; ${inlineSafe(CLIENT_JS, 'script')}
  self.rampartCharts = rampartShim.rampartCharts; }
</script>
<script>${inlineSafe(LIVE_JS, 'script')}</script>
</body></html>
`;
}
