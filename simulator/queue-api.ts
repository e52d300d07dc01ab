// Queue mode: RunPod's queue API, with or without the /v2/{endpointId} prefix.
//   POST /run · POST /runsync[?wait=ms] · GET|POST /status/{id} · POST /cancel/{id}
//   POST /retry/{id} · POST /purge-queue   (GET /health is served for both modes)

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { HttpError, inputOf, sendJson } from './http-util.js';
import type { JobPolicy, JobStore } from './jobs.js';

/** RunPod's runsync wait: default 90 s, accepted 1 s–300 s. */
export const RUNSYNC_DEFAULT_WAIT_MS = 90_000;
const RUNSYNC_MIN_WAIT_MS = 1_000;
const RUNSYNC_MAX_WAIT_MS = 300_000;

/** '/v2/abc/status/x' → '/status/x'; '/status/x' stays. */
export function stripEndpointPrefix(path: string): string {
  const m = /^\/v2\/[^/]+(\/.*)?$/.exec(path);
  return m ? (m[1] ?? '/') : path;
}

export async function handleQueueRequest(
  ctx: SimContext,
  jobs: JobStore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  json: unknown,
): Promise<void> {
  const path = stripEndpointPrefix(url.pathname);
  const method = req.method ?? 'GET';
  const [, route, id, extra] = path.split('/');
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw new HttpError(405, `${method} not allowed on /${route}`);
  };
  if (extra !== undefined) throw new HttpError(404, `no route ${path}`);

  if (route === 'run' && id === undefined) {
    allow('POST');
    const job = jobs.submit(inputOf(json), policyOf(json));
    // Like RunPod, the answer is always IN_QUEUE, even if an idle worker took the job at once.
    return sendJson(res, 200, { id: job.id, status: 'IN_QUEUE' });
  }
  if (route === 'runsync' && id === undefined) {
    allow('POST');
    const job = jobs.submit(inputOf(json), policyOf(json));
    await jobs.waitFinal(job, ctx.clock.real(runsyncWait(url)));
    return sendJson(res, 200, jobs.view(job), jobs.headers(job));
  }
  if (route === 'purge-queue' && id === undefined) {
    allow('POST');
    return sendJson(res, 200, { removed: jobs.purge(), status: 'completed' });
  }
  if ((route === 'status' || route === 'cancel' || route === 'retry') && id) {
    const job = jobs.get(decodeURIComponent(id));
    if (!job) throw new HttpError(404, `job ${id} not found`);
    if (route === 'status') {
      allow('GET', 'POST');
      return sendJson(res, 200, jobs.view(job), jobs.headers(job));
    }
    allow('POST');
    if (route === 'cancel') {
      jobs.cancel(job);
      return sendJson(res, 200, { id: job.id, status: job.status });
    }
    if (!jobs.retry(job)) throw new HttpError(400, `job ${job.id} is ${job.status}; only FAILED or TIMED_OUT jobs can be retried`);
    return sendJson(res, 200, { id: job.id, status: 'IN_QUEUE' });
  }
  throw new HttpError(404, `no route ${path}`);
}

function runsyncWait(url: URL): number {
  const raw = url.searchParams.get('wait');
  if (raw === null) return RUNSYNC_DEFAULT_WAIT_MS;
  const wait = Number(raw);
  if (!Number.isFinite(wait)) throw new HttpError(400, `wait must be a number of ms, got ${JSON.stringify(raw)}`);
  return Math.min(RUNSYNC_MAX_WAIT_MS, Math.max(RUNSYNC_MIN_WAIT_MS, wait));
}

function policyOf(json: unknown): JobPolicy {
  const policy = json !== null && typeof json === 'object' ? (json as { policy?: unknown }).policy : undefined;
  if (policy === undefined || policy === null) return {};
  if (typeof policy !== 'object') throw new HttpError(400, 'policy must be an object');
  const out: JobPolicy = {};
  for (const key of ['executionTimeout', 'ttl'] as const) {
    const v = (policy as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0)) throw new HttpError(400, `policy.${key} must be a positive number of ms`);
    out[key] = v;
  }
  return out;
}
