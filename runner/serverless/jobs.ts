import type { HttpClient, JobOptions, JobResult, Response } from '../../scenarios/types.js';
import type { Collector } from '../metrics/collector.js';
import { msToUs } from '../metrics/hdr.js';
import type { RateMetric, TrendMetric } from '../metrics/metric.js';
import { retryAfterMs } from '../http/retry.js';
import { waitFor } from '../wait.js';
import type { WorkerObservation } from './runtime.js';
import type { ResolvedServerless } from './options.js';
import { workerOf } from './worker-id.js';

/** A job being polled: what the last status answer said. */
interface Polling {
  id: string;
  name: string;
  started: number;
  status: string;
  last: Response;
  body: Record<string, unknown> | undefined;
  polls: number;
  /** when polling first saw the job running (0: not yet) */
  runningSeenAt: number;
}

/**
 * The submit-then-poll helper (`ctx.jobs.run(input)`): submits a job, polls its status with
 * exponential backoff until a final status, and records job_queue_time, job_execution_time,
 * job_total_time, jobs{status:...} and job_failed. Never throws for the platform's failures:
 * the result says what happened (LOST for a 404 on status, POLL_TIMEOUT, SUBMIT_FAILED, ABORTED).
 */
export class JobClient {
  constructor(
    private readonly http: HttpClient,
    private readonly cfg: ResolvedServerless,
    private readonly collector: Collector,
    private readonly note: (o: WorkerObservation) => void,
    private readonly signal: AbortSignal,
  ) {}

  async run(input: unknown, options: JobOptions = {}): Promise<JobResult> {
    const name = options.name ?? 'job';
    const started = performance.now();
    const submitted = await this.http.post(this.cfg.routes.submit, {
      json: { input, ...options.body },
      name: `${name} submit`,
      headers: options.headers,
    });
    const body = jsonOf(submitted);
    const id = body?.[this.cfg.idField];
    if (!submitted.ok || (typeof id !== 'string' && typeof id !== 'number')) {
      return this.finish(name, started, {
        status: 'SUBMIT_FAILED',
        ok: false,
        error: submitted.error?.message ?? `HTTP ${submitted.status}`,
        polls: 0,
      });
    }
    const p: Polling = {
      id: String(id),
      name,
      started,
      status: String(body?.[this.cfg.statusField] ?? ''),
      last: submitted,
      body,
      polls: 0,
      runningSeenAt: 0,
    };
    return (await this.poll(p, options)) ?? this.finish(name, started, this.finalResult(p), p.runningSeenAt);
  }

  /** Polls until a final status (then null, `p` holds it), or the job's end short of one: ABORTED, POLL_TIMEOUT, LOST. */
  private async poll(p: Polling, options: JobOptions): Promise<JobResult | null> {
    const { id, name, started } = p;
    let wait = options.pollInterval ?? this.cfg.poll.intervalMs;
    const deadline = started + (options.timeoutMs ?? this.cfg.poll.timeoutMs);
    const statusPath = this.cfg.routes.status.replace('{id}', encodeURIComponent(id));
    while (!this.cfg.finalStatuses.has(p.status)) {
      if (this.signal.aborted) return this.finish(name, started, { id, status: 'ABORTED', ok: false, polls: p.polls });
      if (performance.now() + wait > deadline) {
        await this.cancel(id, name, options.headers); // a job nobody waits for should not hold a worker
        return this.finish(name, started, { id, status: 'POLL_TIMEOUT', ok: false, polls: p.polls });
      }
      await waitFor(wait, this.signal);
      const last = await this.http.get(statusPath, { name: `${name} status`, headers: options.headers, expect: [404, 429] });
      p.last = last;
      p.polls++;
      this.collector.counter('job_polls').add();
      if (last.status === 404) {
        const error = 'the platform no longer knows this job (404 on status)';
        return this.finish(name, started, { id, status: 'LOST', ok: false, error, polls: p.polls });
      }
      if (last.status === 429) {
        wait = Math.min(this.cfg.poll.maxMs, retryAfterMs(header(last, 'retry-after')) ?? wait * 2);
        continue;
      }
      wait = Math.min(this.cfg.poll.maxMs, wait * this.cfg.poll.factor);
      if (!last.ok) continue; // a failed poll (network, 5xx) is retried until the deadline
      p.body = jsonOf(last);
      p.status = String(p.body?.[this.cfg.statusField] ?? p.status);
      if (!p.runningSeenAt && p.status !== 'IN_QUEUE' && !this.cfg.finalStatuses.has(p.status)) p.runningSeenAt = performance.now();
    }
    return null;
  }

  /** The result of a job that reached a final status, from the last status body. */
  private finalResult({ id, status, body, polls, last }: Polling): Omit<JobResult, 'totalMs'> {
    const error = body?.[this.cfg.errorField];
    return {
      id,
      status,
      ok: this.cfg.successStatuses.has(status),
      output: body?.[this.cfg.outputField],
      error: error === undefined ? undefined : typeof error === 'string' ? error : JSON.stringify(error),
      queueMs: numberField(body, this.cfg.queueTimeField),
      executionMs: numberField(body, this.cfg.executionTimeField),
      polls,
      workerId: workerOf(last, body, this.cfg),
    };
  }

  private async cancel(id: string, name: string, headers: Record<string, string> | undefined): Promise<void> {
    const route = this.cfg.routes.cancel;
    if (route) await this.http.post(route.replace('{id}', encodeURIComponent(id)), { name: `${name} cancel`, headers, expect: [404] });
  }

  private finish(name: string, started: number, r: Omit<JobResult, 'totalMs'>, runningSeenAt = 0): JobResult {
    const end = performance.now();
    const result: JobResult = { ...r, totalMs: end - started };
    const c = this.collector;
    const tags: [string, string][] = [
      ['name', name],
      ['status', r.status],
    ];
    const key = `${name}\u0001${r.status}`;
    for (const m of c.tagged('jobs', 'counter', tags, key)) (m as import('../metrics/metric.js').CounterMetric).add();
    for (const m of c.tagged('job_failed', 'rate', tags.slice(0, 1), name)) (m as RateMetric).add(!r.ok);
    if (this.cfg.finalStatuses.has(r.status)) {
      for (const m of c.tagged('job_total_time', 'trend', tags.slice(0, 1), name)) (m as TrendMetric).record(msToUs(result.totalMs));
      // the platform's own numbers when it gives them; else what polling saw (coarser by the poll interval)
      const queueMs = r.queueMs ?? (runningSeenAt ? runningSeenAt - started : undefined);
      const execMs = r.executionMs ?? (runningSeenAt ? end - runningSeenAt : undefined);
      if (queueMs !== undefined) c.trend('job_queue_time').record(msToUs(queueMs));
      if (execMs !== undefined) c.trend('job_execution_time').record(msToUs(execMs));
      if (r.workerId)
        this.note({ worker: r.workerId, trend: 'job_total_time', durationMs: result.totalMs, queueMs, ok: r.ok, at: performance.timeOrigin + end });
    }
    return result;
  }
}

function jsonOf(res: Response): Record<string, unknown> | undefined {
  if (!res.body) return undefined;
  try {
    const v = res.json();
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function numberField(body: Record<string, unknown> | undefined, field: string | undefined): number | undefined {
  const v = field ? body?.[field] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function header(res: Response, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
