import { UsageError } from '../errors.js';

/** The command line's quick load shapes (k6's --vus, --duration, --iterations). */
export interface PlanOverrides {
  vus?: number;
  /** ms */
  durationMs?: number;
  iterations?: number;
}

/**
 * The stage list the overrides stand for, instead of the scenario's stages:
 * `--vus N --duration D` one closed soak; `--iterations N` a closed burst of N iterations
 * shared by --vus VUs (default 1), ended at --duration when given.
 */
export function overrideStages(o: PlanOverrides): { list: unknown[]; path: string } {
  const vus = o.vus ?? 1;
  if (o.iterations !== undefined) {
    const burst = { kind: 'burst', vus, iterations: o.iterations, ...(o.durationMs !== undefined ? { maxDuration: o.durationMs } : {}) };
    return { list: [burst], path: '--iterations' };
  }
  if (o.durationMs === undefined) throw new UsageError('--vus needs --duration (a closed soak) or --iterations (a shared-iterations burst)');
  return { list: [{ kind: 'soak', vus, for: o.durationMs }], path: '--duration' };
}
