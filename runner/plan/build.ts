import { UsageError } from '../errors.js';
import { StageFieldError, type RawStage } from './fields.js';
import { burstStep } from './stages/burst.js';
import type { StageContext } from './stages/context.js';
import { pauseStep } from './stages/pause.js';
import { rampStep } from './stages/ramp.js';
import { soakStep } from './stages/soak.js';
import type { Plan, PlanStep } from './types.js';

const STAGE_KINDS: Record<string, (raw: RawStage, ctx: StageContext) => PlanStep> = {
  ramp: rampStep,
  soak: soakStep,
  burst: burstStep,
  pause: pauseStep,
};

export interface StageSource {
  stages?: unknown;
  profiles?: unknown;
}

/** Picks the stage list (`stages`, or `profiles[profile]`) and resolves it into a Plan. */
export function buildPlan(source: StageSource, profile: string | null, file = 'scenario'): Plan {
  const { list, path } = pickStages(source, profile, file);
  const steps: PlanStep[] = [];
  let startMs = 0;
  list.forEach((raw, index) => {
    const kind = typeof raw === 'object' && raw !== null ? (raw as RawStage).kind : undefined;
    const where = `${file}: ${path}[${index}]${typeof kind === 'string' ? ` (${kind})` : ''}`;
    const config = typeof kind === 'string' ? STAGE_KINDS[kind] : undefined;
    if (!config) {
      throw new UsageError(`${where}: not a stage; build stages with ramp(), soak(), burst() or pause()`);
    }
    try {
      const step = config(raw as RawStage, { index, where, startMs, previous: steps[index - 1] });
      steps.push(step);
      startMs += step.durationMs;
    } catch (err) {
      if (err instanceof StageFieldError) throw new UsageError(err.message);
      throw err;
    }
  });
  const peakVUs = Math.max(0, ...steps.map((s) => s.peakConcurrency));
  // VUs of the previous stage may still finish their iteration while the next stage starts.
  const poolSize = Math.max(1, ...steps.map((s, i) => s.peakConcurrency + (steps[i - 1]?.peakConcurrency ?? 0)));
  return { steps, totalDurationMs: startMs, peakVUs, poolSize, profile };
}

function pickStages(source: StageSource, profile: string | null, file: string): { list: unknown[]; path: string } {
  const profiles = source.profiles as Record<string, unknown> | undefined;
  if (profile !== null) {
    if (!profiles || typeof profiles !== 'object') {
      throw new UsageError(`${file}: --profile ${profile} given, but the scenario has no 'profiles'`);
    }
    if (!(profile in profiles)) {
      throw new UsageError(`${file}: no profile '${profile}' (profiles: ${Object.keys(profiles).join(', ')})`);
    }
    return { list: asList(profiles[profile], `profiles.${profile}`, file), path: `profiles.${profile}` };
  }
  if (source.stages !== undefined) return { list: asList(source.stages, 'stages', file), path: 'stages' };
  if (profiles && typeof profiles === 'object') {
    const names = Object.keys(profiles);
    throw new UsageError(`${file}: the scenario has profiles (${names.join(', ')}); choose one with --profile`);
  }
  throw new UsageError(`${file}: the scenario has no 'stages'`);
}

function asList(value: unknown, path: string, file: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(`${file}: '${path}' must be a non-empty list of stages`);
  }
  return value;
}
