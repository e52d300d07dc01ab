import { UsageError } from '../errors.js';
import { StageFieldError, type RawStage } from './fields.js';
import { STAGE_KINDS } from './executors/index.js';
import type { Plan, PlanStep, WorkloadPlan } from './types.js';
import { overrideStages, type PlanOverrides } from './overrides.js';
import { workloadSpecs, type WorkloadSpec } from './workloads.js';

export type { PlanOverrides } from './overrides.js';

export interface StageSource {
  stages?: unknown;
  profiles?: unknown;
  workloads?: unknown;
  iteration?: unknown;
}

/**
 * Resolves a scenario's load into a Plan: each workload's stage list (`stages`, or
 * `profiles[profile]`, or the command line's overrides) becomes its steps; the workloads run
 * side by side, so their peaks and pools add up.
 */
export function buildPlan(source: StageSource, profile: string | null, file = 'scenario', overrides?: PlanOverrides): Plan {
  const specs = workloadSpecs(source, file);
  if (overrides && profile !== null) throw new UsageError('--vus/--duration/--iterations replace the stages: use them without --profile');
  if (overrides && specs.length > 1) {
    throw new UsageError(
      `${file}: --vus/--duration/--iterations replace the stages of a single workload; this scenario has ${specs.length} (${specs.map((s) => s.name).join(', ')})`,
    );
  }
  if (profile !== null && specs.length > 1 && !specs.some((s) => s.profiles !== undefined)) {
    throw new UsageError(`${file}: --profile ${profile} given, but no workload has 'profiles'`);
  }
  const steps: PlanStep[] = [];
  const workloads = specs.map((spec) => {
    const { list, path } = overrides ? overrideStages(overrides) : pickStages(spec, profile, file, specs.length > 1);
    const w = workloadSteps(spec, list, `${file}: ${path}`, steps.length);
    steps.push(...w.steps);
    return w;
  });
  return {
    steps,
    workloads,
    totalDurationMs: Math.max(...workloads.map((w) => w.startAfterMs + w.durationMs)),
    peakVUs: workloads.reduce((sum, w) => sum + w.peakVUs, 0),
    poolSize: workloads.reduce((sum, w) => sum + w.poolSize, 0),
    profile,
  };
}

/** One workload's stage list into steps numbered from `firstIndex`, timed from its startAfter. */
function workloadSteps(spec: WorkloadSpec, list: unknown[], at: string, firstIndex: number): WorkloadPlan {
  const steps: PlanStep[] = [];
  let startMs = spec.startAfterMs;
  list.forEach((raw, i) => {
    const kind = typeof raw === 'object' && raw !== null ? (raw as RawStage).kind : undefined;
    const where = `${at}[${i}]${typeof kind === 'string' ? ` (${kind})` : ''}`;
    const config = typeof kind === 'string' ? STAGE_KINDS[kind] : undefined;
    if (!config) {
      throw new UsageError(`${where}: not a stage; build stages with ramp(), soak(), burst(), pause() or sweep()`);
    }
    try {
      const made = config(raw as RawStage, {
        index: firstIndex + steps.length,
        workload: spec.name,
        where,
        startMs,
        previous: steps[steps.length - 1],
      });
      for (const step of Array.isArray(made) ? made : [made]) {
        steps.push(step);
        startMs += step.durationMs;
      }
    } catch (err) {
      if (err instanceof StageFieldError) throw new UsageError(err.message);
      throw err;
    }
  });
  // VUs of the previous stage may still finish their iteration while the next stage starts.
  const poolSize = Math.max(1, ...steps.map((s, i) => s.peakConcurrency + (steps[i - 1]?.peakConcurrency ?? 0)));
  return {
    name: spec.name,
    startAfterMs: spec.startAfterMs,
    steps,
    sampleTags: spec.sampleTags,
    durationMs: startMs - spec.startAfterMs,
    peakVUs: Math.max(0, ...steps.map((s) => s.peakConcurrency)),
    poolSize,
  };
}

/**
 * The stage list of one workload: `profiles[profile]` when a profile is chosen, else `stages`.
 * Among several workloads, one without profiles keeps its `stages` under --profile.
 */
function pickStages(spec: WorkloadSpec, profile: string | null, file: string, several: boolean): { list: unknown[]; path: string } {
  const profiles = spec.profiles as Record<string, unknown> | undefined;
  const label = spec.path ? `${spec.path.slice(0, -1)}: ` : '';
  if (profile !== null && !(several && profiles === undefined)) {
    if (!profiles || typeof profiles !== 'object') {
      throw new UsageError(`${file}: --profile ${profile} given, but the scenario has no 'profiles'`);
    }
    if (!(profile in profiles)) {
      throw new UsageError(`${file}: ${label}no profile '${profile}' (profiles: ${Object.keys(profiles).join(', ')})`);
    }
    return { list: asList(profiles[profile], `${spec.path}profiles.${profile}`, file), path: `${spec.path}profiles.${profile}` };
  }
  if (spec.stages !== undefined) return { list: asList(spec.stages, `${spec.path}stages`, file), path: `${spec.path}stages` };
  if (profiles && typeof profiles === 'object') {
    const names = Object.keys(profiles);
    throw new UsageError(`${file}: ${label || 'the scenario '}has profiles (${names.join(', ')}); choose one with --profile`);
  }
  throw new UsageError(`${file}: ${label || 'the scenario '}has no 'stages'`);
}

function asList(value: unknown, path: string, file: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(`${file}: '${path}' must be a non-empty list of stages`);
  }
  return value;
}
