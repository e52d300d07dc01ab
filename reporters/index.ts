import { resolve } from 'node:path';
import { UsageError } from '../runner/errors.js';
import { createConsoleReporter } from './console.js';
import { createCsvReporter } from './csv.js';
import { createHdrlogReporter } from './hdrlog.js';
import { createHgrmReporter } from './hgrm.js';
import { createHtmlReporter } from './html.js';
import { createJsonReporter } from './json.js';
import { createJunitReporter } from './junit.js';
import { createNdjsonReporter } from './ndjson.js';
import { createDashboardReporter, parseDashboard } from './dashboard/server.js';
import { createInfluxdbReporter } from './outputs/influxdb.js';
import { createPrometheusReporter } from './outputs/prometheus.js';
import type { Reporter, ReporterFactory, ReporterOptions } from './reporter.js';
import { loadUserReporter } from './user-reporter.js';
import { assertWritable } from './write-atomic.js';

/** The built-in file outputs of `--out TYPE=PATH`. */
export const FILE_REPORTERS: Record<string, ReporterFactory> = {
  json: createJsonReporter,
  junit: createJunitReporter,
  html: createHtmlReporter,
  hgrm: createHgrmReporter,
  hdrlog: createHdrlogReporter,
  csv: createCsvReporter,
  ndjson: createNdjsonReporter,
};

/** Outputs that send to a server as the run goes (docs/outputs.md): TYPE=URL. */
export const NETWORK_OUTPUTS: Record<string, (url: string) => ReporterFactory> = {
  prometheus: createPrometheusReporter,
  influxdb: createInfluxdbReporter,
};

export interface OutSpec {
  /** a built-in type, or 'user' for a reporter file */
  type: string;
  path?: string;
  /** the reporter file, for type 'user' */
  module?: string;
  /** the endpoint of a network output (prometheus, influxdb) */
  url?: string;
  /** --dashboard: the port (0: any free one) and whether to open a browser */
  dashboard?: { port: number; open: boolean };
  raw: string;
}

const REPORTER_FILE = /\.(ts|mts|js|mjs)$/;

/** 'json=results.json' | './my-reporter.ts' | './my-reporter.ts=out.txt'. */
export function parseOut(raw: string): OutSpec {
  const eq = raw.indexOf('=');
  const head = eq === -1 ? raw : raw.slice(0, eq);
  const path = eq === -1 ? undefined : raw.slice(eq + 1);
  if (REPORTER_FILE.test(head) || head.includes('/')) return { type: 'user', module: head, path: path || undefined, raw };
  if (head in NETWORK_OUTPUTS) {
    if (!path) throw new UsageError(`--out ${raw}: needs a URL, e.g. --out ${head}=${head === 'influxdb' ? 'http://127.0.0.1:8086/rampart' : 'http://127.0.0.1:9090/api/v1/write'}`);
    return { type: head, url: path, raw };
  }
  if (head === 'dashboard') return { type: head, dashboard: parseDashboard(path), raw };
  if (!(head in FILE_REPORTERS)) {
    const known = [...Object.keys(FILE_REPORTERS), ...Object.keys(NETWORK_OUTPUTS), 'dashboard'].join(', ');
    throw new UsageError(`--out ${raw}: unknown output type '${head}' (known: ${known}, or a reporter file such as ./my-reporter.ts)`);
  }
  if (!path) throw new UsageError(`--out ${raw}: needs a path, e.g. --out ${head}=results.${head === 'junit' ? 'xml' : head}`);
  return { type: head, path, raw };
}

/**
 * Creates the reporters for a run and checks, before any load, that every output path can
 * be written and every reporter file loads.
 */
export async function createReporters(
  outs: OutSpec[],
  options: Omit<ReporterOptions, 'path'> & { console?: boolean },
): Promise<Reporter[]> {
  const reporters: Reporter[] = [];
  if (options.console !== false) reporters.push(createConsoleReporter(options));
  for (const out of outs) {
    if (out.path) {
      try {
        await assertWritable(resolve(out.path));
      } catch (err) {
        throw new UsageError(`--out ${out.raw}: ${(err as Error).message}`);
      }
    }
    const opts = { ...options, path: out.path && resolve(out.path) };
    if (out.url) reporters.push(NETWORK_OUTPUTS[out.type](out.url)(opts));
    else if (out.dashboard) reporters.push(await createDashboardReporter(out.dashboard, opts));
    else reporters.push(out.type === 'user' ? await loadUserReporter(out.module!, opts) : FILE_REPORTERS[out.type](opts));
  }
  return reporters;
}
