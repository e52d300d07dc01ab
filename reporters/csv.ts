/**
 * `--out csv=PATH`: the timeline, one row per interval (1 s). Columns: t (ms since the
 * start, end of the interval), vus, inFlight, rps, errors, p50, p95, p99 (ms),
 * iterations, dropped, then one column per gauge key seen in the run (sorted). Empty cell =
 * no value (e.g. no request completed in that interval). RFC 4180 quoting by csv-stringify.
 */
import { stringify } from 'csv-stringify/sync';
import type { ReporterFactory, Summary } from './reporter.js';
import { fileReporter } from './file-reporter.js';
import { gaugeKeys } from './summary-rows.js';

export const CSV_BASE_COLUMNS = ['t', 'vus', 'inFlight', 'rps', 'errors', 'p50', 'p95', 'p99', 'iterations', 'dropped'] as const;

export function renderCsv(summary: Summary): string {
  const gauges = gaugeKeys(summary);
  const rows = summary.timeline.map((p) => [...CSV_BASE_COLUMNS.map((c) => p[c] ?? ''), ...gauges.map((g) => p.gauges?.[g] ?? '')]);
  return stringify(rows, { header: true, columns: [...CSV_BASE_COLUMNS, ...gauges], record_delimiter: 'unix' });
}

export const createCsvReporter: ReporterFactory = (options) => fileReporter('csv', options, renderCsv);
