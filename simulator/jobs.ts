// Queue mode's jobs: submit, run on a worker, finish, cancel, retry, purge; each job's
// delayTime (queue + cold start) and executionTime in real elapsed ms.

import type { TimerHandle } from './clock.js';
import type { SimContext } from './context.js';
import { groundTruthHeaders } from './http-util.js';
import { jobId } from './random.js';
import type { Worker, WorkItem } from './workers.js';

export type JobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

export interface JobPolicy {
  /** Simulated ms a job may run (RunPod's default 600 s). */
  executionTimeout?: number;
  /** Simulated ms a job may wait in the queue (RunPod's TTL). */
  ttl?: number;
}

export interface Job {
  id: string;
  status: JobStatus;
  input: unknown;
  enqueuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  delayTime?: number;
  executionTime?: number;
  output?: unknown;
  error?: string;
  workerId?: string;
  cold?: boolean;
  policy: Required<JobPolicy>;
  item?: WorkItem;
  worker?: Worker;
  timers: TimerHandle[];
  waiters: Set<() => void>;
}

export interface JobCounts {
  completed: number;
  failed: number;
  inProgress: number;
  inQueue: number;
  retried: number;
}

export const SIMULATED_ERROR = JSON.stringify({
  error_type: 'SimulatedFailure',
  error_message: 'simulated handler failure (failJobFraction)',
  error_traceback: '',
});

export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private retried = 0;

  constructor(private readonly ctx: SimContext) {}

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  submit(input: unknown, policy: JobPolicy = {}): Job {
    const { opts } = this.ctx;
    const job: Job = {
      id: jobId(this.ctx.rng.ids),
      status: 'IN_QUEUE',
      input,
      enqueuedAt: 0,
      policy: {
        executionTimeout: policy.executionTimeout ?? opts.requestMaxMs,
        ttl: policy.ttl ?? opts.queueTimeoutMs,
      },
      timers: [],
      waiters: new Set(),
    };
    this.jobs.set(job.id, job);
    this.enqueue(job);
    return job;
  }

  /** Cancel a queued or running job; a final job is left as it is. */
  cancel(job: Job): void {
    if (job.status === 'IN_QUEUE' && job.item) this.ctx.pool.remove(job.item);
    if (job.status === 'IN_QUEUE' || job.status === 'IN_PROGRESS') this.end(job, 'CANCELLED');
  }

  /** Re-queue a FAILED or TIMED_OUT job under the same id; false for any other status. */
  retry(job: Job): boolean {
    if (job.status !== 'FAILED' && job.status !== 'TIMED_OUT') return false;
    this.retried++;
    for (const key of ['startedAt', 'finishedAt', 'delayTime', 'executionTime', 'output', 'error', 'workerId', 'cold'] as const) {
      delete job[key];
    }
    job.status = 'IN_QUEUE';
    this.enqueue(job);
    return true;
  }

  /** Drop every queued (not running) job; they end CANCELLED so waiters and pollers get an answer. */
  purge(): number {
    let removed = 0;
    for (const job of this.jobs.values()) {
      if (job.status !== 'IN_QUEUE') continue;
      if (job.item) this.ctx.pool.remove(job.item);
      this.end(job, 'CANCELLED');
      removed++;
    }
    return removed;
  }

  /** Resolves when the job is final or after `realMs`, whichever comes first. */
  waitFinal(job: Job, realMs: number): Promise<void> {
    if (FINAL_STATUSES.has(job.status)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.ctx.clock.cancel(timer);
        job.waiters.delete(done);
        resolve();
      };
      const timer = this.ctx.clock.afterReal(realMs, done);
      job.waiters.add(done);
    });
  }

  counts(): JobCounts {
    const c: JobCounts = { completed: 0, failed: 0, inProgress: 0, inQueue: 0, retried: this.retried };
    for (const job of this.jobs.values()) {
      if (job.status === 'COMPLETED') c.completed++;
      else if (job.status === 'FAILED' || job.status === 'TIMED_OUT') c.failed++;
      else if (job.status === 'IN_PROGRESS') c.inProgress++;
      else if (job.status === 'IN_QUEUE') c.inQueue++;
    }
    return c;
  }

  /** The JSON RunPod answers for a job; timings appear once they are known. */
  view(job: Job): Record<string, unknown> {
    const v: Record<string, unknown> = { id: job.id, status: job.status };
    if (job.delayTime !== undefined) v.delayTime = job.delayTime;
    if (job.executionTime !== undefined) v.executionTime = job.executionTime;
    if (job.output !== undefined) v.output = job.output;
    if (job.error !== undefined) v.error = job.error;
    if (job.workerId !== undefined) v.workerId = job.workerId;
    return v;
  }

  /** X-Sim-* headers for a finished job that ran on a worker, else none. */
  headers(job: Job): Record<string, string> {
    if (!FINAL_STATUSES.has(job.status) || job.workerId === undefined || job.startedAt === undefined) return {};
    return groundTruthHeaders({
      cold: job.cold ?? false,
      queueMs: job.delayTime ?? 0,
      execMs: job.executionTime ?? 0,
      workerId: job.workerId,
    });
  }

  private enqueue(job: Job): void {
    const { clock, pool } = this.ctx;
    job.enqueuedAt = clock.now();
    const item: WorkItem = { enqueuedAt: job.enqueuedAt, start: (a) => this.run(job, a.worker, a.cold, a.execMs) };
    job.item = item;
    job.timers.push(
      clock.after(job.policy.ttl, () => {
        if (job.status === 'IN_QUEUE' && pool.remove(item)) this.end(job, 'TIMED_OUT');
      }),
    );
    pool.enqueue(item);
  }

  private run(job: Job, worker: Worker, cold: boolean, execMs: number): void {
    const { clock, opts, rng } = this.ctx;
    job.status = 'IN_PROGRESS';
    job.item = undefined;
    job.worker = worker;
    job.workerId = worker.id;
    job.cold = cold;
    job.startedAt = clock.now();
    // Integers, like RunPod; the X-Sim headers carry the same numbers.
    job.delayTime = Math.round(job.startedAt - job.enqueuedAt);
    // Drawn for every job so the failure stream stays aligned across runs.
    const fail = rng.failure() < opts.failJobFraction;
    if (execMs > job.policy.executionTimeout) {
      job.timers.push(clock.after(job.policy.executionTimeout, () => this.end(job, 'TIMED_OUT')));
      return;
    }
    job.timers.push(
      clock.after(execMs, () => {
        if (fail) job.error = SIMULATED_ERROR;
        else job.output = job.input ?? {};
        this.end(job, fail ? 'FAILED' : 'COMPLETED');
      }),
    );
  }

  /** Final state: stop the job's timers, free its worker, wake runsync waiters. */
  private end(job: Job, status: JobStatus): void {
    const { clock, pool } = this.ctx;
    for (const t of job.timers) clock.cancel(t);
    job.timers = [];
    job.status = status;
    job.finishedAt = clock.now();
    if (job.startedAt !== undefined) job.executionTime = Math.round(job.finishedAt - job.startedAt);
    job.item = undefined;
    const worker = job.worker;
    job.worker = undefined;
    if (worker) pool.finish(worker);
    for (const wake of [...job.waiters]) wake();
  }
}
