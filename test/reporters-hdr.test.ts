import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { renderHgrm, createHgrmReporter } from '../reporters/hgrm.js';
import { percentileCurve, metricHistogram } from '../reporters/hdr-curves.js';
import { renderHdrlog, createHdrlogReporter } from '../reporters/hdrlog.js';
import { buildSummaryFixture } from './support/summary-fixture.js';

const summary = buildSummaryFixture();
const durations = summary.metrics.http_req_duration;
if (durations.type !== 'trend') throw new Error('fixture has no http_req_duration trend');

/** The data lines of an .hgrm as the HdrHistogram plotter reads them: 4 numeric fields. */
function hgrmRows(text: string): number[][] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((v) => v.length === 4 && v.every((n) => !Number.isNaN(n)));
}

describe('hgrm reporter', () => {
  it('prints the percentile distribution of http_req_duration in ms with the summary total count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-hgrm-'));
    const path = join(dir, 'latency.hgrm');
    expect(await createHgrmReporter({ path }).onEnd(summary)).toEqual([path]);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(renderHgrm(summary));
    expect(text.split('\n')[0].trim()).toBe('Value     Percentile TotalCount 1/(1-Percentile)');
    const total = /#\[Max\s+=\s+([\d.]+), Total count\s+=\s+(\d+)\]/.exec(text);
    expect(Number(total?.[2])).toBe(durations.count);
    // values are ms: the max line matches the summary's max within the histogram's 3 digits
    expect(Math.abs(Number(total?.[1]) - durations.max) / durations.max).toBeLessThan(0.002);
    const rows = hgrmRows(text);
    expect(rows.length).toBeGreaterThan(20);
    expect(rows[0][1]).toBe(0);
    const median = rows.find((r) => r[1] >= 0.5);
    expect(median?.[0]).toBeCloseTo(durations.med, 0);
    // cumulative counts never decrease and end at the total
    expect(rows.every((r, i) => i === 0 || r[2] >= rows[i - 1][2])).toBe(true);
    expect(rows.at(-1)?.[2]).toBe(durations.count);
  });

  it('renders an empty distribution when the run made no request', () => {
    const empty = { ...summary, metrics: {} };
    expect(renderHgrm(empty)).toMatch(/Total count\s+=\s+0\]/);
  });

  it('gives each histogram of a percentile curve the same x levels', () => {
    const curve = percentileCurve([
      metricHistogram(summary, 'http_req_duration{cold:true}'),
      metricHistogram(summary, 'http_req_duration{cold:false}'),
    ]);
    expect(curve.x[0]).toBe(1);
    expect(curve.y.every((ys) => ys.length === curve.x.length)).toBe(true);
    const cold = curve.y[0].filter((v): v is number => v !== null);
    const warm = curve.y[1].filter((v): v is number => v !== null);
    expect(Math.min(...cold)).toBeGreaterThan(Math.max(...warm));
  });
});

describe('hdrlog reporter', () => {
  it('writes one interval histogram per timeline point that HistogramLogReader reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-hdrlog-'));
    const path = join(dir, 'latency.hlog');
    expect(await createHdrlogReporter({ path }).onEnd(summary)).toEqual([path]);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(renderHdrlog(summary));
    expect(text).toContain('#[Histogram log format version 1.3]');
    expect(text).toContain(`#[StartTime: ${(Date.parse(summary.startedAt) / 1000).toFixed(3)} (seconds since epoch)`);
    expect(text).toContain('#[BaseTime: ');

    const reader = new hdr.HistogramLogReader(text);
    const intervals: hdr.Histogram[] = [];
    for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) intervals.push(h);
    expect(intervals).toHaveLength(summary.timeline.length);
    intervals.forEach((h, i) => {
      const point = summary.timeline[i];
      expect(h.totalCount).toBe(point.rps);
      // absolute timestamps: startedAt + the interval's bounds
      expect(h.endTimeStampMsec).toBeCloseTo(Date.parse(summary.startedAt) + point.t, -1);
    });
    const total = intervals.reduce((sum, h) => sum + h.totalCount, 0);
    expect(total).toBe(durations.count);
    const merged = metricHistogram(summary, 'http_req_duration');
    const sum = hdr.build({ highestTrackableValue: 3_600_000_000 });
    for (const h of intervals) sum.add(h);
    expect(sum.getValueAtPercentile(95)).toBe(merged.getValueAtPercentile(95));
  });

  it('skips timeline points that carry no histogram', () => {
    const partial = { ...summary, timeline: summary.timeline.map((p, i) => (i === 0 ? { ...p, hdr: undefined } : p)) };
    const reader = new hdr.HistogramLogReader(renderHdrlog(partial));
    let n = 0;
    while (reader.nextIntervalHistogram()) n++;
    expect(n).toBe(summary.timeline.length - 1);
  });
});
