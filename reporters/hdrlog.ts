/**
 * `--out hdrlog=PATH`: an HdrHistogram interval log (format 1.3, as HistogramLogWriter writes
 * it) of http_req_duration: one interval histogram per timeline point (`timeline[].hdr`, µs),
 * timestamps in seconds relative to the run's start (StartTime/BaseTime headers). Readable by
 * HistogramLogReader, HistogramLogAnalyzer and HdrHistogram's `HistogramLogProcessor`.
 */
import * as hdr from 'hdr-histogram-js';
import type { ReporterFactory, Summary } from './reporter.js';
import { fileReporter } from './file-reporter.js';
import { decodeHdr, MICROS_PER_MS } from './hdr-curves.js';

export function renderHdrlog(summary: Summary): string {
  let text = '';
  const writer = new hdr.HistogramLogWriter((chunk) => {
    text += chunk;
  });
  const startMs = Date.parse(summary.startedAt);
  const version = typeof summary.meta?.rampart === 'string' ? ` ${summary.meta.rampart}` : '';
  const name = summary.scenario.name.replace(/[\r\n]+/g, ' ');
  writer.outputComment(`[Logged with rampart${version}: http_req_duration of ${name}, values in microseconds]`);
  writer.outputLogFormatVersion();
  writer.outputStartTime(startMs);
  writer.outputComment(`[BaseTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch)]`);
  writer.outputLegend();
  let previousT = 0;
  for (const point of summary.timeline) {
    const start = previousT;
    previousT = point.t;
    if (!point.hdr) continue;
    // the max column is in ms (HistogramLogWriter divides by maxValueUnitRatio)
    writer.outputIntervalHistogram(decodeHdr(point.hdr), start / 1000, point.t / 1000, MICROS_PER_MS);
  }
  // HistogramLogWriter's StartTime comment ends in an extra newline; keep the file tidy
  return text.replace(/\n\n/g, '\n');
}

export const createHdrlogReporter: ReporterFactory = (options) => fileReporter('hdrlog', options, renderHdrlog);
