/**
 * `--out influxdb=URL/DB`: InfluxDB line protocol, each interval and once more at the end with
 * the Summary's values. v1: POST /write?db=DB; v2: a URL with /api/v2/write?org=…&bucket=…
 * and RAMPART_INFLUXDB_TOKEN. One measurement per metric (its rampart name), tags `testid`,
 * `by` and the slice's tag (same selection and cap as Prometheus, series.ts). Fields:
 * counters `count`; rates `trues`, `falses`, `rate`; gauges `value`; trends (ms) `count` (so
 * far) and this interval's `interval_count`, `p50`, `p90`, `p95`, `p99`, `max`, `avg`; the
 * final point of a trend has the run's `run_p50` … `run_max` (the results file's values).
 */
import type { Histogram } from 'hdr-histogram-js';
import type { Reporter, ReporterFactory } from '../reporter.js';
import { UsageError } from '../../runner/errors.js';
import type { MetricSummary } from '../../runner/results/types.js';
import { DEFAULT_SCHEMA, layoutUpTo, type BucketView } from './native-histogram.js';
import { pushOutput } from './push-output.js';
import type { Series } from './series.js';
import { outputSettings, parseOutputUrl, type Env } from './settings.js';

const escapeKey = (s: string) => s.replace(/[,= \\]/g, (c) => `\\${c}`);
const escapeMeasurement = (s: string) => s.replace(/[, \\]/g, (c) => `\\${c}`);
const num = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 1e6) / 1e6) : '0');

/** URL/DB → the v1 write endpoint; a /write or /api/v2/write URL is kept as given. */
export function influxWriteUrl(raw: string): URL {
  const url = parseOutputUrl('influxdb', raw);
  if (!/\/(api\/v2\/)?write$/.test(url.pathname)) {
    const db = url.pathname.replace(/^\/+|\/+$/g, '');
    if (!db || db.includes('/')) throw new UsageError(`--out influxdb=${raw}: expected http://HOST:PORT/DATABASE (or a /write or /api/v2/write URL)`);
    url.pathname = '/write';
    url.searchParams.set('db', decodeURIComponent(db));
  }
  url.searchParams.set('precision', 'ms');
  return url;
}

const LEVELS = [50, 90, 95, 99];

/**
 * This interval's count, percentiles (HDR's rule: the bucket where the count reaches p% of n,
 * at its highest equivalent value), max and sum, from the cumulative histogram's counts minus
 * the previous interval's: two walks of the counts array, no histogram copied.
 */
function intervalStats(h: Histogram, prev: Float64Array | undefined) {
  const view = h as unknown as BucketView;
  const length = view.countsArrayLength;
  const { values } = layoutUpTo(view, length, DEFAULT_SCHEMA);
  const counts = new Float64Array(length);
  let count = 0;
  let sumUs = 0;
  let maxUs = 0;
  for (let i = 0; i < length; i++) {
    const c = view.getCountAtIndex(i);
    if (!c) continue;
    counts[i] = c;
    const d = c - (prev && i < prev.length ? prev[i] : 0);
    if (d <= 0) continue;
    count += d;
    sumUs += d * values[i];
    maxUs = values[i];
  }
  const percentiles: [number, number][] = [];
  if (count) {
    let level = 0;
    let seen = 0;
    for (let i = 0; i < length && level < LEVELS.length; i++) {
      const d = counts[i] - (prev && i < prev.length ? prev[i] : 0);
      if (d <= 0) continue;
      seen += d;
      while (level < LEVELS.length && seen >= Math.max(1, Math.ceil((LEVELS[level] / 100) * count))) percentiles.push([LEVELS[level++], values[i]]);
    }
  }
  return { counts, count, sumUs, maxUs, percentiles };
}

function line(measurement: string, tags: Record<string, string>, fields: Record<string, string>, ms: number): string {
  const t = Object.keys(tags)
    .sort()
    .filter((k) => tags[k] !== '')
    .map((k) => `${escapeKey(k)}=${escapeKey(tags[k])}`);
  const f = Object.entries(fields).map(([k, v]) => `${escapeKey(k)}=${v}`);
  return `${escapeMeasurement(measurement)}${t.length ? `,${t.join(',')}` : ''} ${f.join(',')} ${ms}\n`;
}

export function createInfluxdbOutput(raw: string, env: Env, secrets?: string[], quiet = false): Reporter {
  const settings = outputSettings('influxdb', influxWriteUrl(raw), env, secrets);
  const headers = { 'content-type': 'text/plain; charset=utf-8' };
  return pushOutput({ name: 'influxdb', settings, headers, secrets, quiet }, (sender) => {
    const intervalFields = intervalFieldsOf();
    return {
      push(series, testid, summary) {
        // at the end a trend carries the run's values (the results file's), the rest as live
        const fieldsOf = summary
          ? (s: Series) => {
              const m = summary.metrics[s.key];
              return m.type === 'trend' ? finalFields(m) : intervalFields(s);
            }
          : intervalFields;
        const { text, n } = lines(series, testid, fieldsOf);
        sender.enqueue(text, n);
      },
      sentLine: (points, testid) => `rampart: influxdb: sent ${points.toLocaleString('en-US')} points, testid=${testid}`,
    };
  });
}

/** A series' fields for an interval; each trend's HDR counts are kept to take the next interval's out of the cumulative ones. */
function intervalFieldsOf(): (s: Series) => Record<string, string> | null {
  const previous = new Map<string, Float64Array>();
  return (s) => {
    const v = s.value;
    if (v.type === 'counter') return { count: `${v.count}i` };
    if (v.type === 'gauge') return { value: num(v.value) };
    if (v.type === 'rate') return { trues: `${v.trues}i`, falses: `${v.falses}i`, rate: num(v.trues / (v.trues + v.falses)) };
    const fields: Record<string, string> = { count: `${v.count}i` };
    const stats = intervalStats(v.histogram, previous.get(s.key));
    previous.set(s.key, stats.counts);
    fields.interval_count = `${stats.count}i`;
    if (stats.count) {
      for (const [p, us] of stats.percentiles) fields[`p${p}`] = num(us / 1000);
      fields.max = num(Math.min(stats.maxUs, v.maxUs) / 1000);
      fields.avg = num(stats.sumUs / stats.count / 1000);
    }
    return fields;
  };
}

function finalFields(m: MetricSummary): Record<string, string> {
  if (m.type !== 'trend') return {};
  return {
    count: `${m.count}i`,
    run_p50: num(m.med),
    run_p90: num(m.p90),
    run_p95: num(m.p95),
    run_p99: num(m.p99),
    run_min: num(m.min),
    run_max: num(m.max),
    run_avg: num(m.avg),
  };
}

/** One line a series with fields, tagged testid, `by` and the slice's tag. */
function lines(series: Series[], testid: string, fieldsOf: (s: Series) => Record<string, string> | null): { text: string; n: number } {
  const ms = Date.now();
  let text = '';
  let n = 0;
  for (const s of series) {
    const fields = fieldsOf(s);
    if (!fields || !Object.keys(fields).length) continue;
    const tags: Record<string, string> = { testid };
    if (s.tag) {
      tags.by = s.tag[0];
      tags[s.tag[0] === 'by' || s.tag[0] === 'testid' ? `tag_${s.tag[0]}` : s.tag[0]] = s.tag[1];
    }
    text += line(s.name, tags, fields, ms);
    n++;
  }
  return { text, n };
}

export const createInfluxdbReporter =
  (raw: string): ReporterFactory =>
  (options) =>
    createInfluxdbOutput(raw, options.env ?? process.env, options.secrets, options.quiet);
