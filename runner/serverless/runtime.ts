import type { HttpClient, Jobs } from '../../scenarios/types.js';
import type { HttpResponse } from '../http/response.js';
import type { Collector } from '../metrics/collector.js';
import { JobClient } from './jobs.js';
import type { ResolvedServerless } from './options.js';

/**
 * One response or finished job that named its worker, on its way to the main thread's
 * cold-start classifier (one classifier for the whole run, whatever the thread count).
 */
export interface WorkerObservation {
  worker: string;
  /** the trend it is classified under: 'http_req_duration' or 'job_total_time' */
  trend: string;
  durationMs: number;
  /** the endpoint's part of it (time to first byte), when known: what the cold-start rule compares */
  serviceMs?: number;
  /** an event stream: its headers come before any work, and the streams a worker batches finish together */
  stream?: boolean;
  /** the platform's queue time, when it gave one */
  queueMs?: number;
  ok: boolean;
  /** epoch ms when it completed */
  at: number;
  /** the worker header it was found in, when the scenario has no serverless field (detected) */
  header?: string;
}

/**
 * The serverless measurement of one thread: worker identity on every response (from the
 * configured header), observations for the cold-start classifier, and ctx.jobs.
 */
export class ServerlessRuntime {
  private observations: WorkerObservation[] = [];
  private readonly note = (o: WorkerObservation) => this.observations.push(o);

  constructor(
    readonly cfg: ResolvedServerless,
    private readonly collector: Collector,
  ) {}

  /** Sees every response of ctx.http (load-balancer endpoints name the worker in a header). */
  observe(res: HttpResponse): void {
    if (res.status === 0) return;
    let header: string | undefined;
    let worker: string | undefined;
    if (this.cfg.detect) {
      for (const h of this.cfg.detect) {
        worker = res.header(h);
        if (worker) {
          header = h;
          break;
        }
      }
    } else if (this.cfg.workerHeader) {
      header = this.cfg.workerHeader;
      worker = res.header(header);
    }
    if (!header || !worker) return;
    res.worker = worker;
    const { duration, waiting } = res.timings;
    const stream = res.header('content-type')?.startsWith('text/event-stream') ?? false;
    this.note({
      worker,
      trend: 'http_req_duration',
      durationMs: duration,
      serviceMs: waiting > 0 ? waiting : duration,
      ok: res.status < 400,
      ...(stream ? { stream } : {}),
      at: performance.timeOrigin + performance.now(),
      ...(this.cfg.detect ? { header } : {}),
    });
  }

  jobs(http: HttpClient, signal: AbortSignal): Jobs {
    if (this.cfg.detect) return NO_JOBS; // a detected header is no queue API: that needs the serverless field
    const client = new JobClient(http, this.cfg, this.collector, this.note, signal);
    return { run: (input, options) => client.run(input, options) };
  }

  /** The observations since the last call, for the next snapshot message. */
  take(): WorkerObservation[] | undefined {
    if (!this.observations.length) return undefined;
    const out = this.observations;
    this.observations = [];
    return out;
  }
}

/** ctx.jobs when the scenario has no `serverless` settings. */
export const NO_JOBS: Jobs = {
  run: () => Promise.reject(new Error("ctx.jobs needs the scenario's serverless settings, e.g. serverless: 'runpod'")),
};
