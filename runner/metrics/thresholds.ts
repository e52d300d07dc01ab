import type { ThresholdSpec } from '../../scenarios/types.js';
import { UsageError } from '../errors.js';
import type { Collector } from './collector.js';
import { parseMetricKey } from './names.js';
import { parseDuration } from '../duration.js';
import { badThresholdTag, normalizeGroupTag } from './threshold-tags.js';
import type { MetricType, ThresholdResult } from '../results/types.js';

/** A parsed threshold: `p(95)<500` on `http_req_duration{name:submit}`. */
export interface Threshold {
  metricKey: string;
  metricName: string;
  expression: string;
  aggregation: string;
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
  abortOnFail: boolean;
  /** abortOnFail is not judged before this many ms of load (k6's delayAbortEval) */
  delayAbortEvalMs: number;
}

const SPEC_FIELDS = ['threshold', 'abortOnFail', 'delayAbortEval'];

const EXPRESSION = /^\s*(p\(\d+(?:\.\d+)?\)|avg|med|min|max|count|rate|value)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

const AGGREGATIONS: Record<MetricType, RegExp> = {
  trend: /^(p\(\d+(?:\.\d+)?\)|avg|med|min|max|count)$/,
  counter: /^(count|rate)$/,
  rate: /^(rate|count)$/,
  gauge: /^(value|min|max)$/,
};

/**
 * Parses the scenario's (and rampart.yaml's) thresholds. Every mistake is a UsageError that
 * names the metric and the expression: the run must not start with a threshold that can't work.
 */
export function parseThresholds(
  spec: Record<string, unknown> | undefined,
  types: (name: string) => MetricType | undefined,
  where = 'thresholds',
  /** the scenario's code: a tag it mentions is the user's own, not a typo (threshold-tags.ts) */
  source = '',
): Threshold[] {
  if (spec === undefined) return [];
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new UsageError(`${where}: must be an object such as { http_req_duration: ['p(95)<500'] }`);
  }
  const out: Threshold[] = [];
  for (const [written, raw] of Object.entries(spec)) {
    const key = parseMetricKey(written);
    if (!key) throw new UsageError(`${where}: '${written}' is not a metric name such as http_req_duration{name:submit}`);
    for (const [tag, value] of key.tags) {
      const bad = badThresholdTag(tag, value, source);
      if (bad) throw new UsageError(`${where}: '${written}': ${bad}`);
    }
    const metricKey = canonicalKey(written, key);
    const type = types(key.name);
    if (!type) {
      throw new UsageError(
        `${where}: unknown metric '${key.name}' in '${metricKey}' (declare custom metrics with scenario({ metrics: { ${key.name}: 'trend' } }))`,
      );
    }
    const list = (Array.isArray(raw) ? raw : [raw]) as ThresholdSpec[];
    for (const item of list) {
      const expression = typeof item === 'string' ? item : (item as { threshold?: unknown })?.threshold;
      if (typeof expression !== 'string') {
        throw new UsageError(`${where}.${metricKey}: each threshold is a string such as 'p(95)<500' or { threshold, abortOnFail, delayAbortEval }`);
      }
      const { abortOnFail, delayAbortEvalMs } = abortOptions(item, `${where}.${metricKey}`);
      const m = EXPRESSION.exec(expression);
      if (!m) {
        throw new UsageError(
          `${where}.${metricKey}: bad threshold '${expression}' (expected AGG OP NUMBER, e.g. 'p(95)<500', 'rate<0.01', 'count>0')`,
        );
      }
      if (!AGGREGATIONS[type].test(m[1])) {
        throw new UsageError(`${where}.${metricKey}: '${m[1]}' does not apply to ${key.name}, a ${type}`);
      }
      out.push({
        metricKey: metricKey.trim(),
        metricName: key.name,
        expression: expression.trim(),
        aggregation: m[1],
        operator: m[2] as Threshold['operator'],
        value: Number(m[3]),
        abortOnFail,
        delayAbortEvalMs,
      });
    }
  }
  return out;
}

/** The key as rampart records it: k6's '::outer' group names become 'outer'. */
function canonicalKey(written: string, key: { name: string; tags: [string, string][] }): string {
  if (!key.tags.some(([t, v]) => t === 'group' && v !== normalizeGroupTag(v))) return written.trim();
  return `${key.name}{${key.tags.map(([t, v]) => `${t}:${t === 'group' ? normalizeGroupTag(v) : v}`).join(',')}}`;
}

/** abortOnFail and delayAbortEval of the object form; an unknown field is a mistake, not ignored. */
function abortOptions(item: ThresholdSpec, where: string): { abortOnFail: boolean; delayAbortEvalMs: number } {
  if (typeof item === 'string') return { abortOnFail: false, delayAbortEvalMs: 0 };
  for (const field of Object.keys(item)) {
    if (!SPEC_FIELDS.includes(field)) throw new UsageError(`${where}: unknown field '${field}' (known: ${SPEC_FIELDS.join(', ')})`);
  }
  const { abortOnFail, delayAbortEval } = item as { abortOnFail?: unknown; delayAbortEval?: unknown };
  if (abortOnFail !== undefined && typeof abortOnFail !== 'boolean') throw new UsageError(`${where}: abortOnFail must be true or false`);
  if (delayAbortEval === undefined) return { abortOnFail: abortOnFail === true, delayAbortEvalMs: 0 };
  if (abortOnFail !== true) throw new UsageError(`${where}: delayAbortEval only applies with abortOnFail: true`);
  const ms = typeof delayAbortEval === 'string' || typeof delayAbortEval === 'number' ? parseDuration(delayAbortEval) : NaN;
  if (!(ms >= 0)) throw new UsageError(`${where}: delayAbortEval ${JSON.stringify(delayAbortEval)} is not a duration such as '10s'`);
  return { abortOnFail: true, delayAbortEvalMs: ms };
}

/** The thresholds that may stop the run `elapsedMs` into the load (abortOnFail, past their delayAbortEval). */
export function abortingThresholds(thresholds: Threshold[], elapsedMs: number): Threshold[] {
  return thresholds.filter((t) => t.abortOnFail && elapsedMs >= t.delayAbortEvalMs);
}

function compare(actual: number, op: Threshold['operator'], expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/** Evaluates every threshold on the cumulative metrics. A metric with no sample fails as noData. */
export function evaluateThresholds(thresholds: Threshold[], collector: Collector, durationMs: number): Record<string, ThresholdResult[]> {
  const results: Record<string, ThresholdResult[]> = {};
  for (const t of thresholds) {
    const metric = collector.metrics.get(t.metricKey);
    // a counter that never moved is 0, not "no data": `dropped_iterations: ['count==0']` must pass
    const raw = metric && !metric.empty ? metric.aggregate(t.aggregation, durationMs) : collector.typeOf(t.metricName) === 'counter' ? 0 : null;
    const actual = raw === null ? null : Math.round(raw * 1000) / 1000;
    const result: ThresholdResult = {
      expression: t.expression,
      ok: actual !== null && compare(raw as number, t.operator, t.value),
      actual,
    };
    if (t.abortOnFail) result.abortOnFail = true;
    if (actual === null) result.noData = true;
    (results[t.metricKey] ??= []).push(result);
  }
  return results;
}

export function allPassed(results: Record<string, ThresholdResult[]>): boolean {
  return Object.values(results).every((list) => list.every((r) => r.ok));
}
