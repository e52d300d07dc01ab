/**
 * `--dashboard [PORT]`: a local HTTP server (127.0.0.1 unless RAMPART_DASHBOARD_HOST says
 * otherwise) with a page that shows the run as it goes: each interval the HTML report's chart
 * data is rebuilt from the timeline so far and pushed over server-sent events. At the end the
 * page loads /report, the final HTML report; rampart waits a few seconds for open pages to
 * fetch it, then closes the server. Nothing here runs on the load's threads, and every socket
 * is unref'd, so the dashboard never keeps rampart running.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { delimiter, join } from 'node:path';
import { UsageError } from '../../runner/errors.js';
import { TrendMetric } from '../../runner/metrics/metric.js';
import type { Summary, TimelinePoint } from '../../runner/results/types.js';
import { renderHtml } from '../html.js';
import { chartData } from '../html/chart-data.js';
import type { IntervalInfo, Reporter, ReporterOptions } from '../reporter.js';
import { maskSecrets } from '../file-reporter.js';
import { renderDashboardPage } from './page.js';

export { DEFAULT_DASHBOARD_PORT, parseDashboard } from './options.js';
/** how long the end waits for open pages to fetch the final report */
const REPORT_WAIT_MS = 5000;

/** A command that opens a URL in the desktop's browser, or null when there is none. */
function browserOpener(): string[] | null {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  const onPath = (cmd: string) => (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, cmd)));
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  return onPath('xdg-open') ? ['xdg-open'] : null;
}

function openBrowser(url: string): void {
  const cmd = browserOpener();
  if (!cmd) {
    process.stderr.write(`rampart: --dashboard-open: no browser to open here; open ${url} yourself\n`);
    return;
  }
  const child = spawn(cmd[0], [...cmd.slice(1), url], { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`rampart: --dashboard-open: could not start ${cmd[0]}; open ${url} yourself\n`));
  child.unref();
}

export async function createDashboardReporter(o: { port: number; open: boolean }, options: ReporterOptions): Promise<Reporter> {
  const env = options.env ?? process.env;
  const host = env.RAMPART_DASHBOARD_HOST || '127.0.0.1';
  const secrets = options.secrets ?? [];
  const dashboard = new DashboardServer();
  const port = await dashboard.listen(o.port, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  process.stderr.write(`rampart: live dashboard at ${url}\n`);
  if (o.open) openBrowser(url);
  const timeline: TimelinePoint[] = [];
  return {
    name: 'dashboard',
    onStart(info) {
      dashboard.title = `${info.scenario.name}${info.scenario.profile ? ` (${info.scenario.profile})` : ''}`;
    },
    onInterval(info) {
      timeline.push(info.point);
      if (!dashboard.clients.size) return; // the page gets the whole timeline with the next interval anyway
      const data = pointData(info, timeline);
      dashboard.broadcastPoint(`event: point\ndata: ${secrets.length ? maskSecrets(data, secrets) : data}\n\n`);
    },
    async onEnd(summary) {
      // no favicon request to a server that closes once the report is fetched
      await dashboard.end(renderHtml(summary).replace(/<head>/i, '<head><link rel="icon" href="data:,">'));
    },
  };
}

/** The run so far as the report's chart data (timeline charts plus the HDR distribution) and a status line. */
function pointData(info: IntervalInfo, timeline: TimelinePoint[]): string {
  const duration = info.metrics?.get('http_req_duration');
  const metrics = duration instanceof TrendMetric && !duration.empty ? { http_req_duration: duration.summarize() } : {};
  const charts = chartData({ timeline, metrics } as unknown as Summary);
  const t = info.totals;
  const status = `${(info.elapsedMs / 1000).toFixed(0)} s · ${info.stageDescription} · ${t.requests.toLocaleString('en-US')} requests, ${t.failed.toLocaleString('en-US')} failed, ${t.iterations.toLocaleString('en-US')} iterations`;
  return JSON.stringify({ charts, status });
}

/** The page, its event stream, and the final report once the run ended. */
class DashboardServer {
  readonly clients = new Set<ServerResponse>();
  title = 'starting';
  private lastEvent: string | null = null;
  private report: string | null = null;
  private reportFetches = 0;
  private onReportFetched = () => {};
  private readonly server = createServer((req, res) => this.handle(req, res));

  /** Listens on host:port (0: any free port) and answers the port. */
  async listen(port: number, host: string): Promise<number> {
    const { server } = this;
    server.on('connection', (socket) => socket.unref());
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new UsageError(
            `--dashboard: cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (pick another, or 0 for any free one)' : (err.code ?? err.message)}`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    server.unref();
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(renderDashboardPage(this.title));
    } else if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': rampart\n\n');
      if (this.report) res.write('event: end\ndata: {}\n\n');
      else if (this.lastEvent) res.write(this.lastEvent);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
    } else if (path === '/report' && this.report) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(this.report);
      this.reportFetches++;
      this.onReportFetched();
    } else if (path === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(path === '/report' ? 'the run has not ended yet\n' : 'not found\n');
    }
  }

  broadcastPoint(event: string): void {
    this.lastEvent = event;
    this.broadcast(event);
  }

  private broadcast(event: string): void {
    for (const res of this.clients) res.write(event);
  }

  /** Tells open pages the run ended, waits a few seconds at most for them to fetch the report, closes. */
  async end(report: string): Promise<void> {
    this.report = report;
    const waiting = this.clients.size;
    this.broadcast('event: end\ndata: {}\n\n');
    if (waiting) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, REPORT_WAIT_MS);
        this.onReportFetched = () => {
          if (this.reportFetches >= waiting) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
    }
    await new Promise<void>((resolve) => {
      for (const res of this.clients) res.end();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
