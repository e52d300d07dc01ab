/**
 * Debian's Prometheus (remote-write receiver and native histograms on) and InfluxDB 1.x, each
 * started on a free 127.0.0.1 port with its data in a temp folder, for the outputs' tests.
 * `.ci/run` installs them (apt-get install prometheus influxdb).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nginx.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const INFLUXD_BIN = '/usr/bin/influxd';

export interface MetricServer {
  url: string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.status < 300) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready at ${url} within ${timeoutMs} ms:\n${log()}`);
}

function launch(bin: string, args: string[], dir: string, readyUrl: string, url: string): Promise<MetricServer> {
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  child.stderr!.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(null);
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return waitReady(readyUrl, child, () => output).then(
    () => ({ url, stop }),
    async (err) => {
      await stop();
      throw err;
    },
  );
}

export async function startPrometheus(): Promise<MetricServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
  const url = `http://127.0.0.1:${port}`;
  return launch(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--enable-feature=native-histograms',
      '--log.level=warn',
    ],
    dir,
    `${url}/-/ready`,
    url,
  );
}

export async function startInfluxdb(): Promise<MetricServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-influx-'));
  const port = await freePort();
  const rpc = await freePort();
  writeFileSync(
    join(dir, 'influxdb.conf'),
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpc}"
[meta]
  dir = "${join(dir, 'meta')}"
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
[monitor]
  store-enabled = false
`,
  );
  const url = `http://127.0.0.1:${port}`;
  return launch(INFLUXD_BIN, ['-config', join(dir, 'influxdb.conf')], dir, `${url}/ping`, url);
}

export const haveMetricServers = () => existsSync(PROMETHEUS_BIN) && existsSync(INFLUXD_BIN);

/** An instant PromQL query's first value, or null when it returns nothing. */
export async function promQuery(base: string, query: string): Promise<number | null> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: { value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result.length ? Number(body.data.result[0].value[1]) : null;
}

/** An InfluxQL query's rows of the first series. */
export async function influxQuery(base: string, db: string, q: string): Promise<unknown[][]> {
  const res = await fetch(`${base}/query?db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}`, { method: 'POST' });
  const body = (await res.json()) as { results: { error?: string; series?: { values: unknown[][] }[] }[] };
  if (body.results[0]?.error) throw new Error(`${q}: ${body.results[0].error}`);
  return body.results[0]?.series?.[0]?.values ?? [];
}

/** `seconds` of 4 VUs GETting /jitter/2/40 of test/support/target.ts, tagged kind:odd|even. */
export function loadScenario(seconds: number): string {
  return `import { scenario, soak, check } from 'rampart';
export default scenario({
  name: 'outputs',
  target: process.env.TARGET,
  stages: [soak({ vus: 4, for: '${seconds}s' })],
  async iteration(ctx) {
    const res = await ctx.http.get('/jitter/2/40', { tags: { kind: ctx.vu % 2 ? 'odd' : 'even' } });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
`;
}
