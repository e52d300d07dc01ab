// The serverless-endpoint simulator: a real node:http server that behaves like a
// RunPod-style GPU endpoint (load-balancing or queue mode) with cold-starting workers.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from './clock.js';
import { newCounters, type LlmCounters, type RequestCounters, type SimContext } from './context.js';
import { HttpError, parseJsonBody, readBody, sendJson } from './http-util.js';
import { JobStore, type JobCounts } from './jobs.js';
import { handleLbRequest } from './lb.js';
import { handleOpenAiRequest, newLlmCounters } from './openai.js';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options.js';
import { handleQueueRequest, stripEndpointPrefix } from './queue-api.js';
import { RandomStreams } from './random.js';
import { RateLimiter } from './rate-limit.js';
import { WorkerPool, type PoolStats } from './workers.js';

export { parseDuration, parseDurationRange, parseRateLimit, resolveOptions, DEFAULTS, MODE_DEFAULTS } from './options.js';
export type { RateLimit, ResolvedOptions, ScalerKind, SimulatorMode, SimulatorOptions } from './options.js';
export type { JobStatus } from './jobs.js';

export interface WorkerCounts {
  idle: number;
  initializing: number;
  /** Initialized workers: idle + running. */
  ready: number;
  running: number;
  throttled: number;
  unhealthy: number;
}

export interface HealthBody {
  jobs: JobCounts;
  workers: WorkerCounts;
}

export interface SimulatorStats extends PoolStats {
  requests: RequestCounters;
  /** openai mode: completions, streams, tokens in and out, abandoned streams, refused bodies */
  llm?: LlmCounters;
  jobs: JobCounts;
  workers: WorkerCounts;
  queued: number;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:53123 */
  url: string;
  port: number;
  options: ResolvedOptions;
  stats(): SimulatorStats;
  close(): Promise<void>;
}

function tryParse(body: Buffer): unknown {
  try {
    return parseJsonBody(body);
  } catch {
    return undefined;
  }
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const options = resolveOptions(opts);
  const clock = new Clock(options.timeScale);
  const rng = new RandomStreams(options.seed);
  const ctx: SimContext = { opts: options, clock, rng, pool: new WorkerPool(options, clock, rng), counters: newCounters() };
  if (options.mode === 'openai') ctx.llm = newLlmCounters();
  const jobs = new JobStore(ctx);
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit, clock) : null;
  const server = createServer((req, res) => {
    handle(ctx, jobs, limiter, req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      sendJson(res, status, { error: message });
    });
  });
  // Requests may legitimately wait minutes (unscaled); never let node cut them first.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  const port = await listen(server, options);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    options,
    stats: () => ({
      ...ctx.pool.snapshot(),
      requests: { ...ctx.counters },
      jobs: jobs.counts(),
      workers: workerCounts(ctx),
      queued: ctx.pool.queue.length,
      ...(ctx.llm ? { llm: { ...ctx.llm } } : {}),
    }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        clock.cancelAll();
        ctx.pool.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Listens on the options' host and port (0: any free one) and answers the port. */
async function listen(server: Server, options: ResolvedOptions): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function workerCounts(ctx: SimContext): WorkerCounts {
  const c = ctx.pool.counts();
  return { idle: c.idle, initializing: c.initializing, ready: c.idle + c.running, running: c.running, throttled: 0, unhealthy: 0 };
}

async function handle(ctx: SimContext, jobs: JobStore, limiter: RateLimiter | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { mode } = ctx.opts;
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = mode === 'queue' ? stripEndpointPrefix(url.pathname) : url.pathname;
  const body = await readBody(req);
  if (path === '/health') return sendJson(res, 200, healthBody(ctx, jobs));
  if (path === '/ping') {
    // 200 once any worker is initialized, 204 while none is (initializing or scaled to zero).
    const { ready } = workerCounts(ctx);
    res.writeHead(ready > 0 ? 200 : 204, ready > 0 ? { 'content-type': 'application/json' } : {});
    return void res.end(ready > 0 ? JSON.stringify({ status: 'healthy' }) : undefined);
  }
  ctx.counters.received++;
  const retryAfter = limiter?.take() ?? null;
  if (retryAfter !== null) {
    ctx.counters.rateLimited++;
    const tooMany = { status: 429, title: 'Too Many Requests', detail: 'rate limit exceeded' };
    return sendJson(res, 429, tooMany, { 'retry-after': String(retryAfter) });
  }
  // A worker behind the balancer serves any body; only JSON ones have an input to echo.
  if (mode === 'lb') return handleLbRequest(ctx, req, res, tryParse(body));
  if (mode === 'openai') return handleOpenAiRequest(ctx, req, res, path, body);
  return handleQueueRequest(ctx, jobs, req, res, url, parseJsonBody(body));
}

function healthBody(ctx: SimContext, jobs: JobStore): HealthBody {
  if (ctx.opts.mode === 'queue') return { jobs: jobs.counts(), workers: workerCounts(ctx) };
  // behind the balancer, waiting requests are the queue and requests on a worker are in progress
  const c = ctx.counters;
  const lbJobs = {
    completed: c.served,
    failed: c.queueTimeouts + c.failed5xx + c.cut524,
    inProgress: ctx.pool.counts().inProgress,
    inQueue: ctx.pool.queue.length,
    retried: 0,
  };
  return { jobs: lbJobs, workers: workerCounts(ctx) };
}
