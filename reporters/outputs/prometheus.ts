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
import { maskSecrets } from '../file-reporter.js';
import { OutputSender } from './sender.js';
import { labelName, liveSeries, promName, SeriesSelector, summarySeries, type Series } from './series.js';
import { defaultTestId, outputSettings, parseOutputUrl, poster, type Env } from './settings.js';

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
  const stats = trendStats(env);
  const schema = schemaOf(env);
  const selector = new SeriesSelector(settings.filter);
  const sender = new OutputSender({
    name: 'prometheus',
    shownUrl: settings.shownUrl,
    post: poster(settings.url, { ...REMOTE_WRITE_HEADERS, ...settings.headers }),
  });
  let testid = settings.testid ?? 'rampart';
  let lastTimestamp = 0;
  /** a trend's native histogram is converted again only when its count moved */
  const nativeCache = new Map<string, { count: number; native: NativeHistogram }>();

  const nativeOf = (s: Series & { value: { type: 'trend' } }, live: boolean): NativeHistogram => {
    const cached = live ? nativeCache.get(s.key) : undefined;
    if (cached && cached.count === s.value.count) return cached.native;
    const native = toNativeHistogram(s.value.histogram, s.value.sumUs, schema);
    nativeCache.set(s.key, { count: s.value.count, native });
    return native;
  };

  const toProm = (series: Series[], live: boolean): PromSeries[] => {
    const timestamp = (lastTimestamp = Math.max(Date.now(), lastTimestamp + 1));
    const out: PromSeries[] = [];
    for (const s of series) {
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
        if (stats.native)
          out.push({ labels: labels(`${base}_seconds`), histogram: { value: nativeOf(s as Series & { value: typeof v }, live), timestamp } });
        if (stats.gauges) {
          for (const [suffix, p] of TREND_GAUGES) sample(`${base}_seconds_${suffix}`, clampedPercentileUs(v.histogram, p, v.minUs, v.maxUs) / 1e6);
          sample(`${base}_seconds_avg`, v.count ? (v.sumUs ?? histogramMean(v.histogram) * v.count) / v.count / 1e6 : 0);
          sample(`${base}_seconds_count`, v.count);
        }
      }
    }
    return out;
  };

  const send = (series: PromSeries[]) => {
    if (series.length) sender.enqueue(encodeWriteRequest(series), series.length);
  };

  return {
    name: 'prometheus',
    onStart(info) {
      testid = settings.testid ?? defaultTestId(info.scenario.name, info.startedAt);
    },
    onInterval(info) {
      if (info.metrics) send(toProm(liveSeries(info.metrics, selector), true));
    },
    async onEnd(summary) {
      send(toProm(summarySeries(summary.metrics, selector), false));
      await sender.close();
      const loss = sender.lossReport();
      if (loss) process.stderr.write(`${maskSecrets(loss, secrets ?? [])}\n`); // an endpoint's answer may echo a credential
      if (selector.cappedSeries) {
        process.stderr.write(
          `rampart: prometheus: ${selector.cappedSeries} tag series over the cap of ${settings.filter.maxTagValues} values per tag not sent (RAMPART_OUTPUT_MAX_TAG_VALUES)\n`,
        );
      }
      if (!quiet) process.stderr.write(`rampart: prometheus: sent ${sender.samplesSent.toLocaleString('en-US')} samples, testid="${testid}"\n`);
    },
  };
}

export const createPrometheusReporter =
  (raw: string): ReporterFactory =>
  (options) =>
    createPrometheusOutput(raw, options.env ?? process.env, options.secrets, options.quiet);
