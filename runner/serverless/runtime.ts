import type { HttpClient, Jobs } from '../../scenarios/types.js';
import type { HttpResponse } from '../http/response.js';
import type { Collector } from '../metrics/collector.js';
import { ColdStartClassifier } from './cold-start.js';
import { JobClient } from './jobs.js';
import type { ResolvedServerless } from './options.js';

/**
 * The serverless measurement of one thread: worker identity on every response (from the
 * configured header), the cold-start classifier, and the job helper for ctx.jobs.
 */
export class ServerlessRuntime {
  private readonly classifier: ColdStartClassifier;
  private readonly jobClassifier: ColdStartClassifier;

  constructor(readonly cfg: ResolvedServerless, private readonly collector: Collector) {
    this.classifier = new ColdStartClassifier(collector, cfg.cold, 'http_req_duration');
    this.jobClassifier = new ColdStartClassifier(collector, cfg.cold, 'job_total_time');
  }

  /** Sees every response of ctx.http (load-balancer endpoints name the worker in a header). */
  observe(res: HttpResponse): void {
    const header = this.cfg.workerHeader;
    if (!header || res.status === 0) return;
    const worker = res.header(header);
    if (!worker) return;
    res.worker = worker;
    this.classifier.observe(worker, res.timings.duration, undefined, res.status < 400);
  }

  jobs(http: HttpClient, signal: AbortSignal): Jobs {
    const client = new JobClient(http, this.cfg, this.collector, this.jobClassifier, signal);
    return { run: (input, options) => client.run(input, options) };
  }

  /** Decides the cold starts still pending (end of the run). */
  flush(): void {
    this.classifier.flush();
    this.jobClassifier.flush();
  }
}

/** ctx.jobs when the scenario has no `serverless` settings. */
export const NO_JOBS: Jobs = {
  run: () => Promise.reject(new Error("ctx.jobs needs the scenario's serverless settings, e.g. serverless: 'runpod'")),
};
