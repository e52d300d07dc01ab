/**
 * How a run ended, in one place: the verdict on a run that measured nothing about its target,
 * and the exit-code policy (README "Exit codes"). Thresholds judge what was measured; the
 * verdict says when there was nothing to judge, so such a run is never "passed".
 *
 * The rule, decided over the load only (setup's and teardown's requests do not count):
 *  - no-response: at least one request was sent and none got an HTTP response (every one ended
 *    in a network error before a status line: refused, DNS, TLS, reset, timeout, protocol).
 *    One response of any status, even a 500, means the target was reached: thresholds decide.
 *  - iterations-failed: at least one iteration ran and every one threw.
 *  - nothing-ran: no request was sent and no iteration completed (all interrupted or dropped).
 * A run that matches gets exit 3 unless `--no-fail-unmeasured` (rampart.yaml `failUnmeasured: false`).
 */
import { ExitCode } from './errors.js';
import { MAX_ERROR_GROUPS, type Collector } from './metrics/collector.js';
import { CounterMetric } from './metrics/metric.js';
import type { ErrorGroup, Verdict } from './results/types.js';

/** The error kinds of a request that got no HTTP response (scenarios/types.ts HttpErrorKind). */
const NETWORK_KINDS = new Set(['timeout', 'connect', 'reset', 'dns', 'aborted', 'tls', 'protocol', 'unknown']);

/** What the headline calls a run whose most frequent network error is of this kind. */
const HEADLINE: Record<string, string> = {
  connect: 'target unreachable',
  dns: 'target unreachable',
  timeout: 'target did not answer',
};

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** The verdict on the load (a collector that holds the load only), or undefined when the run measured something. */
export function decideVerdict(load: Collector, target: string | undefined, failsRun: boolean): Verdict | undefined {
  const counterOf = (key: string) => {
    const m = load.metrics.get(key);
    return m instanceof CounterMetric ? m.count : 0;
  };
  const requests = counterOf('http_reqs');
  const noStatus = counterOf('http_reqs{status:0}');
  const iterations = counterOf('iterations');
  const failedIterations = counterOf('failed_iterations');
  const base = { failsRun, requests, iterations, failedIterations };
  const errors = [...load.errors.values()].sort((a, b) => b.count - a.count);

  if (requests > 0 && noStatus === requests) {
    const network = errors.filter((e) => NETWORK_KINDS.has(e.kind));
    const errorKinds: Record<string, number> = {};
    for (const e of network) errorKinds[e.kind] = (errorKinds[e.kind] ?? 0) + e.count;
    const origin = originOf(target);
    const top = network[0];
    const what = top ? describeNetworkError(top, origin) : 'no HTTP response';
    const prefix = (top && HEADLINE[top.kind]) ?? 'no HTTP response';
    const kinds = Object.entries(errorKinds);
    const mix = kinds.length > 1 ? ` (${kinds.map(([k, n]) => `${count(n)} ${k}`).join(', ')})` : '';
    const message = `${prefix}: ${what}, ${requests === 1 ? 'the only request' : `all ${count(requests)} requests`}${mix}`;
    return { kind: 'no-response', message, ...base, errorKinds, ...(origin ? { target: origin } : {}) };
  }
  if (iterations > 0 && failedIterations === iterations) {
    // strays of timers and promises are exceptions too, but not what failed the iterations
    const thrown = errors.filter((e) => e.kind === 'exception' && !/^(unhandled rejection|uncaught exception): /.test(e.message));
    // past MAX_ERROR_GROUPS messages share one '(other messages: ...)' group: name a real one
    const overflow = thrown.some((e) => e.message.startsWith('(other messages'));
    const top = thrown.find((e) => !e.message.startsWith('(other messages')) ?? thrown[0];
    const where = top?.location ? ` at ${top.location}` : '';
    const others = overflow
      ? ` (more than ${MAX_ERROR_GROUPS} distinct errors)`
      : thrown.length > 1
        ? ` (${plural(thrown.length, 'distinct error')})`
        : '';
    const all = iterations === 1 ? 'the only iteration' : `all ${count(iterations)} iterations`;
    return { kind: 'iterations-failed', message: `every iteration failed: ${top ? top.message : 'threw'}${where}, ${all}${others}`, ...base };
  }
  if (requests === 0 && iterations === 0) {
    const left = [
      [counterOf('interrupted_iterations'), 'interrupted'],
      [counterOf('dropped_iterations'), 'dropped'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${count(Number(n))} ${what}`);
    const message = `nothing ran: no request was sent and no iteration completed${left.length ? ` (${left.join(', ')})` : ''}`;
    return { kind: 'nothing-ran', message, ...base };
  }
  return undefined;
}

/**
 * "ECONNREFUSED 127.0.0.1:1" when the message carries the code and the address; otherwise the
 * kind and the reason, with the target's origin. Messages read `METHOD name: reason`.
 */
function describeNetworkError(e: ErrorGroup, origin: string | undefined): string {
  const reason = e.message.slice(e.message.indexOf(': ') + 2) || e.message;
  const coded = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b(?:\s+([\w.-]*[.:][\w.:[\]-]*))?/.exec(reason);
  if (coded?.[2]) return `${coded[1]} ${coded[2]}`;
  const at = origin ? ` at ${origin}` : '';
  return coded ? `${coded[1]}${at}` : `${e.kind} (${reason})${at}`;
}

/** A target's origin for display; userinfo (credentials) shows as `***@`, path and query are left out. */
export function originOf(target: string | undefined): string | undefined {
  if (!target) return undefined;
  try {
    const u = new URL(target);
    return `${u.protocol}//${u.username || u.password ? '***@' : ''}${u.host}`;
  } catch {
    return undefined;
  }
}

export interface RunOutcome {
  /** teardown threw, or a worker thread died */
  scenarioFailed: boolean;
  aborted: boolean;
  abortReason?: string;
  thresholdsPassed: boolean;
  verdict?: Verdict;
}

/** The exit code of one run: a scenario error, then an interruption, then the verdict, then thresholds. */
export function runExitCode(o: RunOutcome): number {
  if (o.scenarioFailed) return ExitCode.scenario;
  if (o.aborted && o.abortReason !== 'threshold') return ExitCode.interrupted;
  if (o.verdict?.failsRun) return ExitCode.unmeasured;
  if (!o.thresholdsPassed) return ExitCode.thresholds;
  return ExitCode.ok;
}

/** Of several runs' exit codes (several --profile), the one CI must see, in the order of runExitCode. */
export function worstExitCode(codes: number[]): number {
  const rank = [ExitCode.internal, ExitCode.scenario, ExitCode.usage, ExitCode.interrupted, ExitCode.unmeasured, ExitCode.thresholds, ExitCode.ok];
  return rank.find((c) => codes.includes(c)) ?? Math.max(...codes);
}
