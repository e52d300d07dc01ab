/**
 * --out prometheus=URL and --out influxdb=URL against Debian's Prometheus (remote-write receiver,
 * native histograms) and InfluxDB 1.x started by the test: after the run, each server's HTTP API
 * gives the results file's request count, and Prometheus' histogram_quantile over the native
 * histogram gives the results file's p95 within the conversion's precision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';
import {
  haveMetricServers,
  influxQuery,
  loadScenario,
  promQuery,
  startInfluxdb,
  startPrometheus,
  type MetricServer,
} from './support/metric-servers.js';

/**
 * How far histogram_quantile may lie from the results file's percentile: the native bucket that
 * holds HDR's percentile value (schema 8: upper/lower = 2^(1/256), 0.271%), since Prometheus only
 * interpolates inside it; times one HDR sub-bucket (3 digits: at most 1/1024 of the value, 0.098%)
 * for a percentile clamped to the run's max inside that sub-bucket. (1 + 0.271%)(1 + 0.098%) - 1.
 */
const NATIVE_PRECISION = 2 ** (1 / 256) * (1 + 2 ** -10) - 1;

describe.skipIf(!haveMetricServers())('outputs to real Prometheus and InfluxDB', () => {
  let target: Target;
  let prometheus: MetricServer;
  let influx: MetricServer;
  beforeAll(async () => {
    [target, prometheus, influx] = await Promise.all([startTarget(), startPrometheus(), startInfluxdb()]);
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE rampart')}`, { method: 'POST' });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([target?.close(), prometheus?.stop(), influx?.stop()]);
  });

  it("both servers hold the results file's request count; Prometheus' p95 matches the HDR p95", async () => {
    const dir = workspace({ 's.ts': loadScenario(4) });
    const result = await rampart(
      ['run', 's.ts', '--out', 'json=r.json', '--out', `prometheus=${prometheus.url}/api/v1/write`, '--out', `influxdb=${influx.url}/rampart`],
      { cwd: dir, env: { TARGET: target.url, RAMPART_TESTID: 'ci-1' } },
    );
    expect(result.stderr).not.toMatch(/not sent|internal error/);
    expect(result.code, result.stderr).toBe(0);
    const results = readJson(join(dir, 'r.json'));
    const requests = results.metrics.http_reqs.count;
    expect(requests).toBeGreaterThan(50);

    // Prometheus: counters as _total, the run's series by testid, the total without a tag label
    expect(await promQuery(prometheus.url, 'rampart_http_reqs_total{testid="ci-1",by=""}')).toBe(requests);
    const byKind = await promQuery(prometheus.url, 'sum(rampart_http_reqs_total{testid="ci-1",by="kind"})');
    expect(byKind).toBe(requests);
    expect(await promQuery(prometheus.url, 'histogram_count(rampart_http_req_duration_seconds{testid="ci-1",by=""})')).toBe(requests);
    const p95 = await promQuery(prometheus.url, 'histogram_quantile(0.95, rampart_http_req_duration_seconds{testid="ci-1",by=""})');
    const hdrP95 = results.metrics.http_req_duration.p95 / 1000;
    expect(p95).not.toBeNull();
    expect(Math.abs(p95! - hdrP95) / hdrP95).toBeLessThanOrEqual(NATIVE_PRECISION);
    // the per-URL tag stays out by default
    expect(await promQuery(prometheus.url, 'count(rampart_http_reqs_total{by="name"})')).toBeNull();

    // every query of the example Grafana dashboard works on what rampart wrote
    const grafana = JSON.parse(readFileSync(new URL('../examples/grafana/rampart-prometheus.json', import.meta.url), 'utf8'));
    const queries: string[] = grafana.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const q of queries) {
      const value = await promQuery(prometheus.url, q.replace(/\$testid/g, 'ci-1').replace(/\$__rate_interval/g, '1m'));
      expect(value, q).not.toBeNull();
    }

    // InfluxDB: the last cumulative count, and the final point carries the results file's p95
    const [[, count]] = await influxQuery(influx.url, 'rampart', `SELECT last("count") FROM "http_reqs" WHERE "testid"='ci-1' AND "by"=''`);
    expect(count).toBe(requests);
    const [[, runP95]] = await influxQuery(
      influx.url,
      'rampart',
      `SELECT last("run_p95") FROM "http_req_duration" WHERE "testid"='ci-1' AND "by"=''`,
    );
    expect(runP95).toBeCloseTo(results.metrics.http_req_duration.p95, 3);
    // live points came during the run, not only at the end
    const points = await influxQuery(influx.url, 'rampart', `SELECT "interval_count" FROM "http_req_duration" WHERE "testid"='ci-1' AND "by"=''`);
    expect(points.filter((p) => typeof p[1] === 'number').length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it("RAMPART_PROMETHEUS_TREND_STATS=gauges: p95 and count gauges equal the results file's, no native histogram", async () => {
    const dir = workspace({ 's.ts': loadScenario(2) });
    const result = await rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json', '--out', `prometheus=${prometheus.url}/api/v1/write`], {
      cwd: dir,
      env: { TARGET: target.url, RAMPART_TESTID: 'ci-gauges', RAMPART_PROMETHEUS_TREND_STATS: 'gauges' },
    });
    expect(result.code, result.stderr).toBe(0);
    const trend = readJson(join(dir, 'r.json')).metrics.http_req_duration;
    const p95 = await promQuery(prometheus.url, 'rampart_http_req_duration_seconds_p95{testid="ci-gauges",by=""}');
    expect(p95! * 1000).toBeCloseTo(trend.p95, 2);
    expect(await promQuery(prometheus.url, 'rampart_http_req_duration_seconds_count{testid="ci-gauges",by=""}')).toBe(trend.count);
    expect(await promQuery(prometheus.url, 'histogram_count(rampart_http_req_duration_seconds{testid="ci-gauges"})')).toBeNull();
  }, 60_000);
});
