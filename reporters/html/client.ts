/**
 * The HTML report's page script (plain browser JS, no build step): reads the embedded
 * chart data and draws each chart with uPlot (inlined beside it). Charts are kept in
 * `window.rampartCharts` by id, which the browser test inspects.
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('rampart-data').textContent);
  var palette = ['#2563eb', '#f59e0b', '#dc2626', '#16a34a', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#78716c', '#ea580c'];
  var charts = {};
  window.rampartCharts = charts;

  function fmt(v, unit) {
    if (v == null) return '-';
    if (v === 0) return unit ? '0 ' + unit : '0';
    var abs = Math.abs(v);
    var s = abs >= 100 ? v.toFixed(0) : abs >= 1 ? v.toFixed(1) : v.toFixed(3);
    return unit ? s + ' ' + unit : s;
  }

  function sized(el) {
    return { width: Math.max(320, el.clientWidth), height: 260 };
  }

  /** x: numbers; series: [{label, values}]; o: {xLabel, yLabel, unit, xLog, yLog, xFormat} */
  function draw(id, x, series, o) {
    var el = document.getElementById(id);
    if (!el) return;
    var size = sized(el);
    var opts = {
      width: size.width,
      height: size.height,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: false, distr: o.xLog ? 3 : 1 },
        y: { distr: o.yLog ? 3 : 1, range: o.yLog ? undefined : function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } },
      },
      axes: [
        { label: o.xLabel, splits: o.xLog ? decades : undefined, values: o.xFormat ? function (u, ticks) { return ticks.map(o.xFormat); } : undefined },
        { label: o.yLabel, size: 60, values: function (u, ticks) { return ticks.map(function (t) { return fmt(t); }); } },
      ],
      series: [{ label: o.xName || o.xLabel, value: function (u, v) { return o.xFormat ? o.xFormat(v) : fmt(v); } }].concat(series.map(function (s, i) {
        return { label: s.label, stroke: palette[i % palette.length], width: 2, spanGaps: false, points: { show: x.length < 40 },
                 value: function (u, v) { return fmt(v, o.unit); } };
      })),
    };
    var chart = new uPlot(opts, [x].concat(series.map(function (s) { return s.values; })), el);
    charts[id] = chart;
  }

  /** log-x ticks at 1, 10, 100, ...: the 0%, 90%, 99%, 99.9% ... percentiles */
  function decades(u, axisIdx, min, max) {
    var ticks = [];
    for (var x = 1; x <= max * 1.0001; x *= 10) if (x >= min / 1.0001) ticks.push(x);
    return ticks;
  }

  /** x = 1/(1-p): 10 is 90%, 1000 is 99.9% */
  function percentileLabel(x) {
    var p = 100 * (1 - 1 / x);
    if (p <= 0) return '0%';
    return p.toFixed(Math.max(0, Math.ceil(Math.log10(x) - 1e-9) - 2)) + '%';
  }

  var time = { xLabel: 'seconds since start', xName: 't (s)' };
  draw('chart-latency', data.t, data.latency, Object.assign({ yLabel: 'ms', unit: 'ms' }, time));
  draw('chart-throughput', data.t, data.throughput, Object.assign({ yLabel: 'per second' }, time));
  draw('chart-concurrency', data.t, data.concurrency, Object.assign({ yLabel: 'count' }, time));
  var dist = { xLabel: 'percentile', xName: 'percentile', xLog: true, yLog: true, yLabel: 'ms (log)', unit: 'ms', xFormat: percentileLabel };
  draw('chart-distribution', data.distribution.x, data.distribution.series, dist);
  if (data.coldWarm) draw('chart-coldwarm', data.coldWarm.x, data.coldWarm.series, dist);
  if (data.llmOverTime) draw('chart-llm-time', data.t, data.llmOverTime, Object.assign({ yLabel: 'ms', unit: 'ms' }, time));
  if (data.llmDistribution) draw('chart-llm-distribution', data.llmDistribution.x, data.llmDistribution.series, dist);

  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      Object.keys(charts).forEach(function (id) { charts[id].setSize(sized(document.getElementById(id))); });
    }, 100);
  });
})();
`;
