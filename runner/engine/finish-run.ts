/**
 * The end of a run, after the load: verdict, thresholds, exit code, the masked Summary, the
 * segment's results and every report (run.ts holds the sequence before it).
 */
import type { Reporter } from '../../reporters/reporter.js';
import type { RetryOptions } from '../../scenarios/types.js';
import { ExitCode } from '../errors.js';
import { retryPolicy } from '../http/retry.js';
import type { Collector } from '../metrics/collector.js';
import { evaluateThresholds, allPassed } from '../metrics/thresholds.js';
import { buildSummary } from '../results/build.js';
import type { Summary } from '../results/types.js';
import type { SecretMask } from '../secrets.js';
import { serverlessMeta } from '../serverless/options.js';
import { decideVerdict, runExitCode, worstExitCode } from '../verdict.js';
import type { SegmentRun } from '../distributed/run-segment.js';
import { poolLimit } from '../plan/pool.js';
import type { Coordinator } from './coordinator.js';
import type { Prepared } from './prepare.js';
import type { RunOptions, RunResult, RunSettings } from './run.js';
import { messageOf } from './source-location.js';

/** How the run ended, for its Summary and exit code. */
interface RunEnd {
  startedAt: Date;
  durationMs: number;
  aborted: boolean;
  abortReason?: string;
  /** teardown() threw (exit 107) */
  teardownError?: string;
  /** the first bad request option an iteration made (exit 107) */
  badOption?: string;
}

interface RunParts {
  coordinator: Coordinator;
  /** setup's and teardown's metrics */
  mainCollector: Collector;
  settings: RunSettings;
  segment?: SegmentRun;
}

/** After the load: verdict, thresholds, exit code, the masked Summary, the segment's results and every report. */
export async function finishRun(o: RunOptions, p: Prepared, mask: SecretMask, parts: RunParts, end: RunEnd): Promise<RunResult> {
  const { coordinator, mainCollector, segment } = parts;
  const { http, serverless, thread } = parts.settings;
  const { scenario, plan, thresholds } = p;
  const { startedAt, durationMs, aborted, abortReason, teardownError, badOption } = end;
  const threads = o.workers;
  // judged on the load alone: a login in setup() that got an answer does not make the load measured
  const verdict = decideVerdict(coordinator.cumulative, p.target, o.failUnmeasured !== false);
  coordinator.cumulative.absorb(mainCollector);
  const thresholdResults = evaluateThresholds(thresholds, coordinator.cumulative, durationMs);
  // a worker thread that died (process.exit() in scenario code, out of memory) took part of the load with it
  const workerDeath = coordinator.workerDeaths
    ? `${coordinator.workerDeaths} of ${threads} worker thread(s) died during the run; what they had not reported yet is lost (see errors)`
    : undefined;
  const exitCode = runExitCode({
    scenarioFailed: Boolean(teardownError || workerDeath || badOption),
    aborted,
    abortReason,
    thresholdsPassed: allPassed(thresholdResults),
    verdict,
  });
  // masked here too, so that user reporters never see a secret either
  const summary = mask.maskDeep(
    buildSummary({
      scenario: { name: scenario.name, file: o.file, profile: plan.profile },
      startedAt,
      durationMs,
      aborted,
      abortReason,
      exitCode,
      verdict,
      collector: coordinator.cumulative,
      thresholds: thresholdResults,
      timeline: coordinator.timeline,
      plan,
      workers: threads,
      connections: poolLimit(thread),
      retry: retryMeta(http.retry),
      serverless: serverlessMeta(serverless, coordinator.detectedHeader, coordinator.serviceTimes()),
    }),
  );
  if (teardownError) summary.errors.push({ kind: 'teardown', message: teardownError, count: 1 });
  const stored = await segment?.finish(summary).then(
    () => true,
    (err) => {
      process.stderr.write(`rampart: segment results not stored: ${mask.mask(messageOf(err))}\n`);
      return false;
    },
  );
  const { files, failures } = await writeReports(p.reporters, summary);
  for (const failure of failures) process.stderr.write(`rampart: ${mask.mask(failure)}\n`);
  if (teardownError) process.stderr.write(`rampart: ${teardownError}\n`);
  if (badOption) process.stderr.write(`rampart: ${badOption}\n`);
  if (workerDeath) process.stderr.write(`rampart: ${workerDeath}\n`);
  // a report not written fails the run (exit 2, as a bad --out would), unless the run's own code is worse
  return { summary, exitCode: failures.length || stored === false ? worstExitCode([exitCode, ExitCode.usage]) : exitCode, files };
}

/** Every reporter's end, each whatever another's fate; the files they wrote (for --upload) and the ones that failed, in words. */
export async function writeReports(reporters: Reporter[], summary: Summary): Promise<{ files: string[]; failures: string[] }> {
  const files: string[] = [];
  const failures: string[] = [];
  for (const r of reporters) {
    try {
      const written = await r.onEnd(summary);
      if (Array.isArray(written)) files.push(...written);
    } catch (err) {
      failures.push(`the ${r.name} report was not written: ${messageOf(err)}`);
    }
  }
  return { files, failures };
}

/** The retry policy as the findings read it. */
function retryMeta(options: RetryOptions | false | undefined) {
  const policy = retryPolicy(options);
  if (!policy) return { configured: false };
  return { configured: true, attempts: policy.attempts, statuses: [...policy.statuses], errors: [...policy.errors] };
}
