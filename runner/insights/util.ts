/**
 * Shared helpers for the finding kinds: typed metric lookups, percentiles decoded from a
 * trend's HDR histogram, and the number formats every message uses.
 */
import { decodeHistogram, percentileMs } from '../metrics/hdr.js';
import type { CounterSummary, GaugeSummary, Insight, RateSummary, RetryMeta, Summary, TimelinePoint, TrendSummary } from '../results/types.js';

export type Finding = (summary: Summary) => Insight | Insight[] | null;

export const SEVERITY_RANK: Record<Insight['severity'], number> = { fail: 0, warn: 1, info: 2 };

export function trend(s: Summary, key: string): TrendSummary | null {
  const m = s.metrics[key];
  return m && m.type === 'trend' && m.count > 0 ? m : null;
}

export function counter(s: Summary, key: string): CounterSummary | null {
  const m = s.metrics[key];
  return m && m.type === 'counter' ? m : null;
}

/** A counter's count, 0 when the metric is absent. */
export function count(s: Summary, key: string): number {
  return counter(s, key)?.count ?? 0;
}

export function rate(s: Summary, key: string): RateSummary | null {
  const m = s.metrics[key];
  return m && m.type === 'rate' && m.trues + m.falses > 0 ? m : null;
}

export function gauge(s: Summary, key: string): GaugeSummary | null {
  const m = s.metrics[key];
  return m && m.type === 'gauge' ? m : null;
}

/** Sub-metrics `name{tag:value}` of one tag: [value, key] pairs. */
export function subKeys(s: Summary, name: string, tag: string): Array<[string, string]> {
  const prefix = `${name}{${tag}:`;
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(s.metrics)) {
    if (key.startsWith(prefix) && key.endsWith('}') && !key.slice(prefix.length, -1).includes(',')) {
      out.push([key.slice(prefix.length, -1), key]);
    }
  }
  return out;
}

/**
 * Percentiles (ms) of a trend, decoded from its HDR histogram; falls back to the summary's own
 * statistics for the percentiles it carries when the histogram is missing or unreadable.
 */
export function percentiles(t: TrendSummary, ps: number[]): number[] | null {
  if (t.hdr) {
    try {
      const h = decodeHistogram(t.hdr);
      const out = ps.map((p) => percentileMs(h, p, t.min, t.max));
      if (out.every((v): v is number => v !== null)) return out;
    } catch {
      // fall through to the stored statistics
    }
  }
  const stored: Record<number, number> = { 0: t.min, 50: t.med, 90: t.p90, 95: t.p95, 99: t.p99, 99.9: t.p999, 100: t.max };
  const out = ps.map((p) => stored[p]);
  return out.every((v) => typeof v === 'number') ? out : null;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** 85 ms, 4.2 ms, 1.21 s, 68.2 s, 7.5 min (≥ 10 min); ranges and percentages alike (shared/format.ts). */
import { formatMs as fmtMs, formatMsRange as fmtRange, formatPercent as fmtPct } from '../../shared/format.js';

export { fmtMs, fmtRange, fmtPct };

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Interval lengths (ms) of the timeline: each point covers (previous t, t]. */
export function intervalMs(timeline: TimelinePoint[], i: number): number {
  const prev = i === 0 ? 0 : timeline[i - 1].t;
  return Math.max(1, timeline[i].t - prev);
}

/** Requests completed in one timeline interval (rps is per second over the interval). */
export function completions(timeline: TimelinePoint[], i: number): number {
  return Math.round((timeline[i].rps * intervalMs(timeline, i)) / 1000);
}

/** The serverless preset, when the summary says which ('runpod', ...). */
export function preset(s: Summary): string | null {
  const sl = s.meta?.serverless;
  return typeof sl?.preset === 'string' ? sl.preset.toLowerCase() : null;
}

export function retryMeta(s: Summary): RetryMeta | null {
  const r = s.meta?.retry;
  return r && typeof r.configured === 'boolean' ? r : null;
}

/** Peak concurrency the run offered: the most requests in flight, else the peak VUs. */
export function peakConcurrency(s: Summary): number | null {
  const inFlight = s.timeline.reduce((m, p) => Math.max(m, p.inFlight ?? 0), 0); // no spread: day-long timelines
  const peak = typeof s.meta?.peakVUs === 'number' ? s.meta.peakVUs : (gauge(s, 'vus')?.max ?? 0);
  const n = Math.max(inFlight, peak);
  return n > 0 ? n : null;
}

/**
 * What the cold-start classifier learnt of a warm worker's service time for responses, ms:
 * `bound` (its fastest answers) and `typical` (median gap between a worker's answers).
 */
export function warmService(s: Summary): { bound: number; typical: number } | null {
  const v = s.meta?.serverless?.serviceTimes?.http_req_duration;
  return v && v.bound > 0 && v.typical > 0 ? v : null;
}

/**
 * Percentiles (ms) of several trends taken together (their HDR histograms added), e.g. every
 * successful status of http_req_duration; null when none has a readable histogram.
 */
export function mergedPercentiles(s: Summary, keys: string[], ps: number[]): { count: number; values: number[] } | null {
  let merged: ReturnType<typeof decodeHistogram> | null = null;
  let min = Infinity;
  let max = -Infinity;
  for (const key of keys) {
    const t = trend(s, key);
    if (!t?.hdr) continue;
    try {
      const h = decodeHistogram(t.hdr);
      if (merged) merged.add(h);
      else merged = h;
      min = Math.min(min, t.min);
      max = Math.max(max, t.max);
    } catch {
      // an unreadable histogram is left out
    }
  }
  if (!merged || merged.totalCount === 0) return null;
  const h = merged;
  // within the exact extremes: an HDR bucket's edge can lie past them
  const values = ps.map((p) => Math.min(max, Math.max(min, h.getValueAtPercentile(p) / 1000)));
  return { count: h.totalCount, values };
}

/** Durations (ms) of the responses that succeeded (status 1xx–3xx): their count and median. */
export function successLatency(s: Summary): { count: number; p50: number } | null {
  const keys = subKeys(s, 'http_req_duration', 'status')
    .filter(([value]) => Number(value) >= 100 && Number(value) < 400)
    .map(([, key]) => key);
  const found = mergedPercentiles(s, keys, [50]);
  return found ? { count: found.count, p50: found.values[0] } : null;
}

/**
 * Requests completed in one timeline interval, exactly: the interval's duration histogram
 * counts them (rps is rounded to 0.1/s, which can invent or lose one); else from rps.
 */
export function completedIn(timeline: TimelinePoint[], i: number): number {
  const b64 = timeline[i].hdr;
  if (b64) {
    try {
      return decodeHistogram(b64).totalCount;
    } catch {
      // fall back to the rate
    }
  }
  return completions(timeline, i);
}

/** The share (0..1) of a trend's samples above `ms`, from its HDR histogram; null without one. */
export function shareAbove(t: TrendSummary, ms: number): number | null {
  if (t.max <= ms) return 0;
  if (!t.hdr) return null;
  let h: ReturnType<typeof decodeHistogram>;
  try {
    h = decodeHistogram(t.hdr);
  } catch {
    return null;
  }
  if (h.totalCount === 0) return null;
  // the smallest percentile whose value is above ms: below it lie the samples at or under ms
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (h.getValueAtPercentile(mid) / 1000 > ms) hi = mid;
    else lo = mid;
  }
  return (100 - hi) / 100;
}
