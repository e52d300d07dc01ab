/**
 * The metrics a network output sends, as series: a metric name, its labels and its value, from
 * the live cumulative metrics (each interval) or from the final Summary (at the end, so the
 * last values sent are the results file's).
 *
 * rampart keeps a metric and one sub-metric per tag value (`http_reqs{status:200}`), not per
 * tag combination. A series is the metric itself (no tag label) or one such slice, whose label
 * `by` names the tag, so totals (`{by=""}`) and breakdowns (`{by="status"}`) never double count.
 * Cardinality: tags in `excludedTags` (per-URL `name` by default) are left out, and at most
 * `maxTagValues` values per metric and tag are sent; the rest are counted as dropped series.
 */
import type { Histogram } from 'hdr-histogram-js';
import { TrendMetric, type Metric } from '../../runner/metrics/metric.js';
import { decodeHistogram } from '../../runner/metrics/hdr.js';
import { parseMetricKey } from '../../runner/metrics/names.js';
import type { MetricSummary } from '../../runner/results/types.js';

export type SeriesValue =
  | { type: 'counter'; count: number }
  | { type: 'rate'; trues: number; falses: number }
  | { type: 'gauge'; value: number }
  /**
   * histogram in whole µs; sumUs the sum of the values recorded when known (the Summary's
   * avg × count), else left to the reader (HDR's mean walks the whole histogram: too slow to
   * take for every series each interval)
   */
  | { type: 'trend'; histogram: Histogram; count: number; sumUs?: number; minUs: number; maxUs: number };

export interface Series {
  /** the metric's key as the Summary has it, e.g. 'http_reqs{status:200}' */
  key: string;
  name: string;
  /** the slice's tag, absent for the metric itself */
  tag?: [string, string];
  value: SeriesValue;
}

export interface SeriesFilter {
  /** tags never sent as labels */
  excludedTags: Set<string>;
  maxTagValues: number;
}

/** Tags with one value per URL, left out unless asked for. */
export const DEFAULT_EXCLUDED_TAGS = ['name', 'url'];
export const DEFAULT_MAX_TAG_VALUES = 50;

/** Picks the series to send and counts the slices left out by the cap (each key once). */
export class SeriesSelector {
  private readonly valuesByTag = new Map<string, Set<string>>();
  private readonly capped = new Set<string>();
  constructor(private readonly filter: SeriesFilter) {}

  /** slices the cap kept out so far */
  get cappedSeries(): number {
    return this.capped.size;
  }

  accept(key: string): { name: string; tag?: [string, string] } | null {
    const parsed = parseMetricKey(key);
    if (!parsed || parsed.tags.length > 1) return null; // threshold-only combinations stay out
    if (!parsed.tags.length) return { name: parsed.name };
    const tag = parsed.tags[0];
    if (this.filter.excludedTags.has(tag[0])) return null;
    const seenKey = `${parsed.name}\u0000${tag[0]}`;
    let seen = this.valuesByTag.get(seenKey);
    if (!seen) this.valuesByTag.set(seenKey, (seen = new Set()));
    if (!seen.has(tag[1])) {
      if (seen.size >= this.filter.maxTagValues) {
        this.capped.add(key);
        return null;
      }
      seen.add(tag[1]);
    }
    return { name: parsed.name, tag };
  }
}

function liveValue(m: Metric): SeriesValue | null {
  if (m.empty && m.type !== 'counter') return null;
  if (m instanceof TrendMetric) {
    const h = m.histogram;
    return { type: 'trend', histogram: h, count: h.totalCount, minUs: m.minUs, maxUs: m.maxUs };
  }
  const s = m.serialize();
  if (s.type === 'counter') return { type: 'counter', count: s.count };
  if (s.type === 'rate') return { type: 'rate', trues: s.trues, falses: s.falses };
  if (s.type === 'gauge') return { type: 'gauge', value: s.value };
  return null;
}

function summaryValue(m: MetricSummary): SeriesValue | null {
  switch (m.type) {
    case 'counter':
      return { type: 'counter', count: m.count };
    case 'rate':
      return m.trues + m.falses ? { type: 'rate', trues: m.trues, falses: m.falses } : null;
    case 'gauge':
      return { type: 'gauge', value: m.value };
    case 'trend': {
      if (!m.count) return null;
      const histogram = decodeHistogram(m.hdr);
      return { type: 'trend', histogram, count: histogram.totalCount, sumUs: m.avg * 1000 * m.count, minUs: m.min * 1000, maxUs: m.max * 1000 };
    }
  }
}

/** Series of the live cumulative metrics (called once per interval). */
export function liveSeries(metrics: ReadonlyMap<string, Metric>, selector: SeriesSelector): Series[] {
  const out: Series[] = [];
  for (const [key, metric] of metrics) {
    const picked = selector.accept(key);
    const value = picked && liveValue(metric);
    if (picked && value) out.push({ key, ...picked, value });
  }
  return out;
}

/** Series of the final Summary. */
export function summarySeries(metrics: Record<string, MetricSummary>, selector: SeriesSelector): Series[] {
  const out: Series[] = [];
  for (const [key, metric] of Object.entries(metrics)) {
    const picked = selector.accept(key);
    const value = picked && summaryValue(metric);
    if (picked && value) out.push({ key, ...picked, value });
  }
  return out;
}

/** 'http_req_duration' → 'rampart_http_req_duration'; any character Prometheus refuses becomes '_'. */
export function promName(name: string, prefix = 'rampart_'): string {
  return (prefix + name).replace(/[^a-zA-Z0-9_:]/g, '_');
}

/** A tag name as a label name; reserved names ('__x', the ones rampart sets) get a 'tag_' prefix. */
export function labelName(tag: string): string {
  const clean = tag.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=\d)/, '_');
  return clean.startsWith('__') || ['testid', 'by', 'job', 'instance', 'le', 'quantile'].includes(clean) ? `tag_${clean}` : clean;
}
