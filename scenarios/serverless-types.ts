/** Serverless platform settings and ctx.jobs (docs/serverless.md; re-exported by scenarios/types.ts). */
import type { Duration } from './stage-types.js';

/** How a serverless platform's API looks: routes, fields, statuses (docs/serverless.md). RunPod is the preset. */
export interface ServerlessOptions {
  preset?: 'runpod' | 'replicate' | 'beam' | 'none';
  /** response header carrying the worker's id, e.g. 'x-runpod-worker-id' */
  workerHeader?: string;
  /** JSON body field carrying the worker's id, e.g. 'workerId' */
  workerField?: string;
  routes?: { submit?: string; status?: string; cancel?: string; health?: string };
  idField?: string;
  statusField?: string;
  finalStatuses?: string[];
  successStatuses?: string[];
  /** ms the job waited in the platform's queue, cold start included (RunPod: delayTime) */
  queueTimeField?: string;
  /** ms the job ran on its worker (RunPod: executionTime) */
  executionTimeField?: string;
  outputField?: string;
  errorField?: string;
  poll?: { interval?: Duration; max?: Duration; factor?: number; timeout?: Duration };
  /** sample the health route into timeline gauges while the load runs; false to turn off */
  monitor?: false | { route?: string; every?: Duration };
  /** cold-start rule knobs */
  cold?: { minDelay?: Duration; factor?: number };
}

export interface JobOptions {
  /** name tag of the job's requests and metrics (default 'job') */
  name?: string;
  /** extra fields of the submit body next to `input` (e.g. policy, webhook) */
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** first poll interval in ms (default from serverless.poll.interval, 1 s) */
  pollInterval?: number;
  /** give up polling after this many ms (default serverless.poll.timeout, 10 min) */
  timeoutMs?: number;
}

export interface JobResult {
  id?: string;
  /** the platform's final status, or SUBMIT_FAILED, LOST (404 on status), POLL_TIMEOUT, ABORTED */
  status: string;
  ok: boolean;
  output?: unknown;
  error?: string;
  /** the platform's queue time (RunPod delayTime), ms */
  queueMs?: number;
  /** the platform's execution time, ms */
  executionMs?: number;
  /** submit to final status as seen by polling, ms */
  totalMs: number;
  workerId?: string;
  polls: number;
}

export interface Jobs {
  /** submit `input`, poll until a final status; never throws for the platform's failures */
  run(input: unknown, options?: JobOptions): Promise<JobResult>;
}
