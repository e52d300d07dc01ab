import type { ReporterFactory, Summary } from './reporter.js';
import { fileReporter } from './file-reporter.js';

/** The results file (runner/results/types.ts; schema: docs/results-schema.json, docs/results-schema.md). */
export function renderJson(summary: Summary): string {
  return JSON.stringify(summary, null, 2) + '\n';
}

export const createJsonReporter: ReporterFactory = (options) => fileReporter('json', options, renderJson);
