import { UsageError } from '../errors.js';
import { parseMetricKey } from '../metrics/names.js';
import { duration, StageFieldError, type RawStage } from './fields.js';
import type { Plan } from './types.js';

/** A workload as the file declares it, checked but not yet resolved into steps. */
export interface WorkloadSpec {
  name: string;
  /** 'workloads.checkout.' for messages and stage paths; '' for top-level stages */
  path: string;
  stages?: unknown;
  profiles?: unknown;
  startAfterMs: number;
  sampleTags: Record<string, string>;
}

export const DEFAULT_WORKLOAD = 'default';
const WORKLOAD_FIELDS = ['stages', 'profiles', 'startAfter', 'tags', 'iteration'];
/** a workload's name is a tag value: `{workload:checkout}` must parse */
const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The workloads of a scenario: its `workloads` entries, or one named 'default' made of the
 * top-level `stages`/`profiles`. Every message names the field at fault.
 */
export function workloadSpecs(
  source: { stages?: unknown; profiles?: unknown; workloads?: unknown; iteration?: unknown },
  file: string,
): WorkloadSpec[] {
  if (source.workloads === undefined) {
    return [{ name: DEFAULT_WORKLOAD, path: '', stages: source.stages, profiles: source.profiles, startAfterMs: 0, sampleTags: {} }];
  }
  const workloads = source.workloads;
  if (typeof workloads !== 'object' || workloads === null || Array.isArray(workloads) || Object.keys(workloads).length === 0) {
    throw new UsageError(`${file}: 'workloads' must be { name: { stages, iteration }, ... } with at least one workload`);
  }
  for (const field of ['stages', 'profiles', 'iteration'] as const) {
    if (source[field] !== undefined) {
      throw new UsageError(`${file}: '${field}' goes inside each workload when the scenario has 'workloads'`);
    }
  }
  return Object.entries(workloads as Record<string, unknown>).map(([name, raw]) => workloadSpec(name, raw, file));
}

function workloadSpec(name: string, raw: unknown, file: string): WorkloadSpec {
  const where = `${file}: workloads.${name}`;
  if (!NAME.test(name)) throw new UsageError(`${where}: a workload's name is letters, digits, '_', '-' and '.' only`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`${where}: must be { stages, iteration, startAfter?, tags? }`);
  }
  const w = raw as RawStage;
  for (const key of Object.keys(w)) {
    if (!WORKLOAD_FIELDS.includes(key)) throw new UsageError(`${where}: unknown field '${key}' (allowed: ${WORKLOAD_FIELDS.join(', ')})`);
  }
  if (typeof w.iteration !== 'function') throw new UsageError(`${where}: 'iteration' must be a function (ctx, data) => ...`);
  let startAfterMs = 0;
  try {
    if (w.startAfter !== undefined) startAfterMs = duration(w, where, 'startAfter', true);
  } catch (err) {
    if (err instanceof StageFieldError) throw new UsageError(err.message);
    throw err;
  }
  return {
    name,
    path: `workloads.${name}.`,
    stages: w.stages,
    profiles: w.profiles,
    startAfterMs,
    sampleTags: { ...sampleTags(w.tags, where), workload: name },
  };
}

function sampleTags(tags: unknown, where: string): Record<string, string> {
  if (tags === undefined) return {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) throw new UsageError(`${where}: 'tags' must be { tag: 'value' }`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (!NAME.test(k) || k === 'workload')
      throw new UsageError(`${where}: tags: '${k}' is not a tag name you can set (letters, digits, '_', '-', '.'; not 'workload')`);
    if (!['string', 'number', 'boolean'].includes(typeof v) || !NAME.test(String(v))) {
      throw new UsageError(`${where}: tags.${k} must be a value of letters, digits, '_', '-' and '.', got ${JSON.stringify(v)}`);
    }
    out[k] = String(v);
  }
  return out;
}

/**
 * A threshold of the scenario on `{workload:NAME}` must name one of its workloads: a typo
 * would otherwise run the whole test and then fail with "received no sample".
 */
export function checkWorkloadThresholds(thresholds: Record<string, unknown> | undefined, plan: Plan, file: string): void {
  const names = plan.workloads.filter((w) => w.sampleTags.workload).map((w) => w.name);
  for (const key of Object.keys(thresholds ?? {})) {
    const workload = parseMetricKey(key)?.tags.find(([k]) => k === 'workload')?.[1];
    if (workload === undefined || names.includes(workload)) continue;
    throw new UsageError(
      names.length
        ? `${file}: thresholds.${key}: no workload '${workload}' (workloads: ${names.join(', ')})`
        : `${file}: thresholds.${key}: the scenario has no 'workloads', so no sample carries a workload tag`,
    );
  }
}
