/**
 * `--out prometheus=URL`: Prometheus remote write, each interval and once more at the end with
 * the Summary's values. Counters as `rampart_<name>_total`, gauges as `rampart_<name>`, rates
 * as `rampart_<name>_rate` (+ `_trues_total`, `_falses_total`), trends as native histograms
 * `rampart_<name>_seconds` converted from HDR (native-histogram.ts); with
 * RAMPART_PROMETHEUS_TREND_STATS=gauges (or both) also `rampart_<name>_seconds_p50|p90|p95|p99|min|max|avg`
 * gauges for a Prometheus without native histograms. Every series carries `testid`.
 */
import type { Reporter, ReporterFactory } from '../reporter.js';
import { UsageError } from '../../runner/errors.js';
import { clampedPercentileUs, histogramMean } from '../../runner/metrics/hdr.js';
import { DEFAULT_SCHEMA, toNativeHistogram, type NativeHistogram } from './native-histogram.js';
import { encodeWriteRequest, REMOTE_WRITE_HEADERS, type PromSeries } from './remote-write.js';
import { pushOutput } from './push-output.js';
import { labelName, promName, type Series } from './series.js';
import { outputSettings, parseOutputUrl, type Env } from './settings.js';

const TREND_GAUGES: [string, number][] = [
  ['p50', 50],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
  ['min', 0],
  ['max', 100],
];

function trendStats(env: Env): { native: boolean; gauges: boolean } {
  const mode = env.RAMPART_PROMETHEUS_TREND_STATS ?? 'native';
  if (!['native', 'gauges', 'both'].includes(mode))
    throw new UsageError(`RAMPART_PROMETHEUS_TREND_STATS must be native, gauges or both, got '${mode}'`);
  return { native: mode !== 'gauges', gauges: mode !== 'native' };
}

function schemaOf(env: Env): number {
  const schema = Number(env.RAMPART_PROMETHEUS_SCHEMA ?? DEFAULT_SCHEMA);
  if (!Number.isInteger(schema) || schema < -4 || schema > 8)
    throw new UsageError(`RAMPART_PROMETHEUS_SCHEMA must be a whole number from -4 to 8, got '${env.RAMPART_PROMETHEUS_SCHEMA}'`);
  return schema;
}

export function createPrometheusOutput(raw: string, env: Env, secrets?: string[], quiet = false): Reporter {
  const settings = outputSettings('prometheus', parseOutputUrl('prometheus', raw), env, secrets);
  const toProm = promConverter(trendStats(env), schemaOf(env));
  return pushOutput({ name: 'prometheus', settings, headers: REMOTE_WRITE_HEADERS, secrets, quiet }, (sender, selector) => ({
    push(series, testid, summary) {
      const out = toProm(series, testid, summary === undefined);
      if (out.length) sender.enqueue(encodeWriteRequest(out), out.length);
    },
    note: () =>
      selector.cappedSeries
        ? `rampart: prometheus: ${selector.cappedSeries} tag series over the cap of ${settings.filter.maxTagValues} values per tag not sent (RAMPART_OUTPUT_MAX_TAG_VALUES)`
        : null,
    sentLine: (samples, testid) => `rampart: prometheus: sent ${samples.toLocaleString('en-US')} samples, testid="${testid}"`,
  }));
}

type TrendSeries = Series & { value: { type: 'trend' } };

/** Series to remote-write series, each push a later timestamp; a live trend's native histogram is converted again only when its count moved. */
function promConverter(stats: { native: boolean; gauges: boolean }, schema: number) {
  let lastTimestamp = 0;
  const nativeCache = new Map<string, { count: number; native: NativeHistogram }>();
  const nativeOf = (s: TrendSeries, live: boolean): NativeHistogram => {
    const cached = live ? nativeCache.get(s.key) : undefined;
    if (cached && cached.count === s.value.count) return cached.native;
    const native = toNativeHistogram(s.value.histogram, s.value.sumUs, schema);
    nativeCache.set(s.key, { count: s.value.count, native });
    return native;
  };
  return (series: Series[], testid: string, live: boolean): PromSeries[] => {
    const timestamp = (lastTimestamp = Math.max(Date.now(), lastTimestamp + 1));
    const out: PromSeries[] = [];
    for (const s of series) promSamples(s, testid, timestamp, stats, (t) => nativeOf(t, live), out);
    return out;
  };
}

/** One series' samples: counters `_total`, gauges as they are, rates `_rate` and its counts, trends as histogram and/or gauges. */
function promSamples(
  s: Series,
  testid: string,
  timestamp: number,
  stats: { native: boolean; gauges: boolean },
  nativeOf: (s: TrendSeries) => NativeHistogram,
  out: PromSeries[],
): void {
  const labels = (name: string): Record<string, string> => {
    const l: Record<string, string> = { __name__: name, testid };
    if (s.tag) {
      l.by = s.tag[0];
      l[labelName(s.tag[0])] = s.tag[1];
    }
    return l;
  };
  const sample = (name: string, value: number) => out.push({ labels: labels(name), sample: { value, timestamp } });
  const base = promName(s.name);
  const v = s.value;
  if (v.type === 'counter') sample(`${base}_total`, v.count);
  else if (v.type === 'gauge') sample(base, v.value);
  else if (v.type === 'rate') {
    sample(`${base}_rate`, v.trues / (v.trues + v.falses));
    sample(`${base}_trues_total`, v.trues);
    sample(`${base}_falses_total`, v.falses);
  } else {
    if (stats.native) out.push({ labels: labels(`${base}_seconds`), histogram: { value: nativeOf(s as TrendSeries), timestamp } });
    if (stats.gauges) {
      for (const [suffix, p] of TREND_GAUGES) sample(`${base}_seconds_${suffix}`, clampedPercentileUs(v.histogram, p, v.minUs, v.maxUs) / 1e6);
      sample(`${base}_seconds_avg`, v.count ? (v.sumUs ?? histogramMean(v.histogram) * v.count) / v.count / 1e6 : 0);
      sample(`${base}_seconds_count`, v.count);
    }
  }
}

export const createPrometheusReporter =
  (raw: string): ReporterFactory =>
  (options) =>
    createPrometheusOutput(raw, options.env ?? process.env, options.secrets, options.quiet);
