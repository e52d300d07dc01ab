/**
 * The chart data of the HTML report: plain arrays, embedded in the page as JSON and drawn
 * by the page's script with uPlot.
 */
import type { Summary } from '../reporter.js';
import { metricHistogram, percentileCurve, trendMetric } from '../hdr-curves.js';
import { gaugeKeys } from '../summary-rows.js';

export type Series = { label: string; values: (number | null)[] };

export interface ChartData {
  /** seconds since the start (end of each interval) */
  t: number[];
  latency: Series[];
  throughput: Series[];
  concurrency: Series[];
  /** x = 1/(1-p); y in ms */
  distribution: { x: number[]; percentiles: number[]; series: Series[] };
  /** present when the run has http_req_duration{cold:true} and {cold:false} */
  coldWarm?: { x: number[]; percentiles: number[]; series: Series[] };
  /** present when the timeline carries ctx.llm's timings: llm_ttft and llm_itl p50 / p95 per interval, ms */
  llmOverTime?: Series[];
  /** present when the run has llm_* trends: llm_ttft, llm_itl, llm_tpot by percentile */
  llmDistribution?: { x: number[]; percentiles: number[]; series: Series[] };
}

function errorKinds(summary: Summary): string[] {
  const kinds = new Set<string>();
  for (const p of summary.timeline) for (const k of Object.keys(p.errorsByKind ?? {})) kinds.add(k);
  return [...kinds].sort();
}

function curveOf(summary: Summary, keys: string[], labels: string[]) {
  const curve = percentileCurve(keys.map((k) => metricHistogram(summary, k)));
  return {
    x: curve.x,
    percentiles: curve.percentiles,
    series: curve.y.map((values, i) => ({ label: labels[i], values })),
  };
}

export function chartData(summary: Summary): ChartData {
  const tl = summary.timeline;
  const col = (f: (p: (typeof tl)[number]) => number | null | undefined): (number | null)[] => tl.map((p) => f(p) ?? null);
  const kinds = errorKinds(summary);
  const errors: Series[] = kinds.length
    ? kinds.map((k) => ({ label: `errors: ${k}`, values: col((p) => p.errorsByKind?.[k] ?? 0) }))
    : [{ label: 'errors', values: col((p) => p.errors) }];
  const data: ChartData = {
    t: tl.map((p) => p.t / 1000),
    latency: [
      { label: 'p50', values: col((p) => p.p50) },
      { label: 'p95', values: col((p) => p.p95) },
      { label: 'p99', values: col((p) => p.p99) },
    ],
    throughput: [{ label: 'requests/s', values: col((p) => p.rps) }, ...errors],
    concurrency: [
      { label: 'VUs', values: col((p) => p.vus) },
      { label: 'in flight', values: col((p) => p.inFlight) },
      // a gauge that never left zero (throttled, unhealthy workers...) only hides the lines that moved
      ...gaugeKeys(summary)
        .map((g) => ({ label: g, values: col((p) => p.gauges?.[g]) }))
        .filter((series) => series.values.some((v) => typeof v === 'number' && v !== 0)),
    ],
    distribution: curveOf(summary, ['http_req_duration'], ['http_req_duration']),
  };
  const coldKey = 'http_req_duration{cold:true}';
  const warmKey = 'http_req_duration{cold:false}';
  if (trendMetric(summary, coldKey) && trendMetric(summary, warmKey)) {
    data.coldWarm = curveOf(summary, [coldKey, warmKey], ['cold', 'warm']);
  }
  if (tl.some((p) => p.llm)) {
    data.llmOverTime = [
      { label: 'ttft p50', values: col((p) => p.llm?.ttftP50) },
      { label: 'ttft p95', values: col((p) => p.llm?.ttftP95) },
      { label: 'itl p50', values: col((p) => p.llm?.itlP50) },
      { label: 'itl p95', values: col((p) => p.llm?.itlP95) },
    ];
  }
  const llmKeys = ['llm_ttft', 'llm_itl', 'llm_tpot'].filter((k) => trendMetric(summary, k));
  if (llmKeys.length) data.llmDistribution = curveOf(summary, llmKeys, llmKeys);
  return data;
}

/** JSON safe inside a <script> element: no "</script", no "<!--". */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
