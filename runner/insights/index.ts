/**
 * Automatic findings: what a run shows, in sentences a user can paste into their own analysis.
 * Every finding kind is a pure function of the Summary (one file each); rules, thresholds and
 * wording are documented in docs/findings.md.
 */
import type { Insight, Summary } from '../results/types.js';
import { clientQueueing } from './client-queueing.js';
import { coldStarts } from './cold-starts.js';
import { droppedIterations } from './dropped-iterations.js';
import { gatewayTimeout } from './gateway-timeout.js';
import { minWorkers } from './min-workers.js';
import { rateLimited } from './rate-limited.js';
import { retries } from './retries.js';
import { itlConcurrency, ttftWaiting } from './stream-findings.js';
import { sweepCapacity } from './sweep-capacity.js';
import { supplyDemand } from './supply-demand.js';
import { SEVERITY_RANK, type Finding } from './util.js';

export { clientQueueing, coldStarts, droppedIterations, gatewayTimeout, minWorkers, rateLimited, retries, supplyDemand };
export { itlConcurrency, sweepCapacity, ttftWaiting };
export { failureClusters, type FailureCluster } from './gateway-timeout.js';
export { fmtMs, fmtPct } from './util.js';

/** The finding kinds in the order they are tried (ties within a severity keep this order). */
export const FINDINGS: Record<string, Finding> = {
  'gateway-timeout': gatewayTimeout,
  'client-queueing': clientQueueing,
  'cold-starts': coldStarts,
  'supply-demand': supplyDemand,
  'min-workers': minWorkers,
  'rate-limited': rateLimited,
  retries,
  'dropped-iterations': droppedIterations,
  'ttft-waiting': ttftWaiting,
  'itl-concurrency': itlConcurrency,
  'sweep-capacity': sweepCapacity,
};

/**
 * Every finding of a run, fail first, then warn, then info. A finding that throws is skipped
 * with a one-line warning naming it (a malformed Summary must not cost the user the other
 * findings); under test (RAMPART_STRICT_FINDINGS=1, set by vitest.config.ts) it fails instead,
 * so that a crashing finding never passes for "no finding".
 */
export function deriveInsights(summary: Summary, strict = process.env.RAMPART_STRICT_FINDINGS === '1'): Insight[] {
  const out: Insight[] = [];
  for (const [kind, find] of Object.entries(FINDINGS)) {
    let found: Insight | Insight[] | null;
    try {
      found = find(summary);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (strict) throw new Error(`finding '${kind}' threw: ${message}`, { cause: err });
      process.stderr.write(`rampart: finding '${kind}' failed and was skipped: ${message.split('\n')[0]}\n`);
      continue;
    }
    if (Array.isArray(found)) out.push(...found);
    else if (found) out.push(found);
  }
  return out
    .map((insight, i) => ({ insight, i }))
    .sort((a, b) => SEVERITY_RANK[a.insight.severity] - SEVERITY_RANK[b.insight.severity] || a.i - b.i)
    .map((x) => x.insight);
}
