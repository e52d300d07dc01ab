/**
 * `--out hgrm=PATH`: the HdrHistogram percentile distribution (`.hgrm` text) of
 * http_req_duration, in milliseconds, as HdrHistogram's plotter and hdr-plot read it.
 */
import type { ReporterFactory, Summary } from './reporter.js';
import { fileReporter } from './file-reporter.js';
import { metricHistogram, MICROS_PER_MS } from './hdr-curves.js';

/** The `.hgrm` text of one trend metric (default http_req_duration), values in ms. */
export function renderHgrm(summary: Summary, metric = 'http_req_duration'): string {
  return metricHistogram(summary, metric).outputPercentileDistribution(5, MICROS_PER_MS);
}

export const createHgrmReporter: ReporterFactory = (options) => fileReporter('hgrm', options, (summary) => renderHgrm(summary));
