/**
 * `--out html=PATH`: one self-contained HTML file (no network at view time): header,
 * thresholds, checks, findings, charts (latency, throughput and errors, concurrency against
 * workers, HDR percentile distribution, cold vs warm), every metric, errors grouped.
 * Charts are drawn by uPlot, whose JS and CSS are read from node_modules and inlined.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReporterFactory, Summary } from './reporter.js';
import { fileReporter } from './file-reporter.js';
import { chartData, scriptJson } from './html/chart-data.js';
import { CLIENT_JS } from './html/client.js';
import { renderPage } from './html/page.js';

let uplot: { js: string; css: string } | undefined;

/** uPlot's browser build and stylesheet, read once from node_modules. */
export function uplotAssets(): { js: string; css: string } {
  if (!uplot) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
    uplot = { js: read('uPlot.iife.min.js'), css: read('uPlot.min.css') };
  }
  return uplot;
}

/** Inline code must not close its own element early. */
export const inlineSafe = (code: string, tag: 'script' | 'style') => code.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);

export function renderHtml(summary: Summary): string {
  const { js, css } = uplotAssets();
  const data = chartData(summary);
  return renderPage(summary, {
    uplotJs: inlineSafe(js, 'script'),
    uplotCss: inlineSafe(css, 'style'),
    clientJs: inlineSafe(CLIENT_JS, 'script'),
    dataJson: scriptJson(data),
    hasColdWarm: data.coldWarm !== undefined,
    llmCharts: { overTime: data.llmOverTime !== undefined, distribution: data.llmDistribution !== undefined },
  });
}

export const createHtmlReporter: ReporterFactory = (options) => fileReporter('html', options, renderHtml);
