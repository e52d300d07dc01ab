import { resolve } from 'node:path';
import { UsageError } from '../runner/errors.js';
import { parseDashboard } from './dashboard/options.js';
import type { Reporter, ReporterFactory, ReporterOptions } from './reporter.js';
import { assertWritable } from './write-atomic.js';

// Each reporter loads when its --out type is asked for: xmlbuilder2 (junit), protobufjs
// (prometheus), the HTML page and uPlot cost a run that writes none of them (start-up, issue 11).

/** The built-in file outputs of `--out TYPE=PATH`. */
export const FILE_REPORTERS: Record<string, () => Promise<ReporterFactory>> = {
  json: async () => (await import('./json.js')).createJsonReporter,
  junit: async () => (await import('./junit.js')).createJunitReporter,
  html: async () => (await import('./html.js')).createHtmlReporter,
  hgrm: async () => (await import('./hgrm.js')).createHgrmReporter,
  hdrlog: async () => (await import('./hdrlog.js')).createHdrlogReporter,
  csv: async () => (await import('./csv.js')).createCsvReporter,
  ndjson: async () => (await import('./ndjson.js')).createNdjsonReporter,
};

/** Outputs that send to a server as the run goes (docs/outputs.md): TYPE=URL. */
export const NETWORK_OUTPUTS: Record<string, () => Promise<(url: string) => ReporterFactory>> = {
  prometheus: async () => (await import('./outputs/prometheus.js')).createPrometheusReporter,
  influxdb: async () => (await import('./outputs/influxdb.js')).createInfluxdbReporter,
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
    if (!path)
      throw new UsageError(
        `--out ${raw}: needs a URL, e.g. --out ${head}=${head === 'influxdb' ? 'http://127.0.0.1:8086/rampart' : 'http://127.0.0.1:9090/api/v1/write'}`,
      );
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
export async function createReporters(outs: OutSpec[], options: Omit<ReporterOptions, 'path'> & { console?: boolean }): Promise<Reporter[]> {
  const reporters: Reporter[] = [];
  if (options.console !== false) reporters.push((await import('./console.js')).createConsoleReporter(options));
  for (const out of outs) {
    if (out.path) {
      try {
        await assertWritable(resolve(out.path));
      } catch (err) {
        throw new UsageError(`--out ${out.raw}: ${(err as Error).message}`);
      }
    }
    const opts = { ...options, path: out.path && resolve(out.path) };
    if (out.url) reporters.push((await NETWORK_OUTPUTS[out.type]())(out.url)(opts));
    else if (out.dashboard) reporters.push(await (await import('./dashboard/server.js')).createDashboardReporter(out.dashboard, opts));
    else
      reporters.push(
        out.type === 'user'
          ? await (await import('./user-reporter.js')).loadUserReporter(out.module!, opts)
          : (await FILE_REPORTERS[out.type]())(opts),
      );
  }
  return reporters;
}
