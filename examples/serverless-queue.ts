/**
 * A queue-based endpoint (RunPod /run + /status/{id}): ctx.jobs.run submits a job and polls
 * until a final status, recording the platform's own queue time (delayTime, cold start
 * included) apart from its execution time (executionTime).
 *
 *   rampart simulate --port 8080 --time-scale 0.01 --mode queue
 *   rampart run examples/serverless-queue.ts --out json=results.json
 *
 * About 3 s. The poll interval and the cold-start delay are shortened to suit the 100×
 * time scale (RunPod's own clients poll about once a second; that is the default).
 */
import { scenario, burst, check, env } from 'rampart';

export default scenario({
  name: 'serverless-queue',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  stages: [burst({ vus: 10, iterations: 20 })],
  serverless: {
    preset: 'runpod',
    poll: { interval: '50ms', max: '250ms', timeout: '30s' },
    // a worker's first job is cold when its delayTime exceeds minDelay (default 1s: real endpoints)
    cold: { minDelay: '200ms' },
  },
  thresholds: {
    job_failed: ['rate<0.05'], // jobs that did not end COMPLETED (or were lost, timed out polling...)
    job_queue_time: ['p(95)<2000'], // delayTime: waiting for a worker, cold start included
    job_execution_time: ['p(95)<1000'],
  },
  async iteration(ctx) {
    const job = await ctx.jobs.run({ prompt: 'a lighthouse at dusk' }, { name: 'generate' });
    check(job, {
      'job completed': (j) => j.status === 'COMPLETED',
      'job has output': (j) => j.output !== undefined,
    });
    if (!job.ok) ctx.log(`job ${job.id ?? '-'} ended ${job.status}: ${job.error ?? ''}`);
  },
});
