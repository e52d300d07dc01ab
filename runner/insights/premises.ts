/**
 * Premises the serverless findings share: did the target name its workers, did the run go
 * through a queue API, and what load did the plan offer (docs/findings.md).
 */
import type { OfferedLoad, Summary } from '../results/types.js';
import { count, gauge, subKeys, trend } from './util.js';

/**
 * The target named its workers: responses or jobs carried a worker id (`workers_seen`, cold/warm
 * tags), or its health route reported workers (`workers_*` timeline gauges). Without it, supply
 * and worker counts are guesses: a closed port or a plain web server has no workers to count.
 */
export function workerIdentity(s: Summary): boolean {
  if ((gauge(s, 'workers_seen')?.max ?? 0) > 0) return true;
  if (subKeys(s, 'http_req_duration', 'cold').length || subKeys(s, 'job_total_time', 'cold').length) return true;
  return s.timeline.some((p) => p.gauges && Object.keys(p.gauges).some((k) => k.startsWith('workers_') && k !== 'workers_seen'));
}

/** The run went through a queue API (ctx.jobs.run): its unit of work is a job, not a request. */
export function queueMode(s: Summary): boolean {
  return count(s, 'jobs') > 0 || trend(s, 'job_total_time') !== null;
}

export interface PlannedLoad {
  /** the largest burst started at once: N VUs (closed) or N arrivals (open, all at once) */
  burst: { n: number; stage: number; description: string } | null;
  /** the highest open-model arrival rate, iterations per second */
  rate: { perSecond: number; stage: number; description: string } | null;
  /** the most VUs of a closed loop (ramp, soak): their throughput follows the target's */
  closedLoop: { vus: number; stage: number; description: string } | null;
}

/**
 * A plan step the run reached: its timeline points or its stage-tagged requests show work. A
 * sweep stops after the first rate that dropped arrivals, so its later steps never run.
 */
export function stageRan(s: Summary, index: number): boolean {
  if (count(s, `http_reqs{stage:${index}}`) > 0) return true;
  return s.timeline.some((p) => p.stage === index && ((p.iterations ?? 0) > 0 || (p.dropped ?? 0) > 0 || p.rps > 0));
}

/** The stages of a capacity sweep (one per rate), by plan index. */
export function sweepStageIndexes(s: Summary): Set<number> {
  return new Set((s.stages ?? []).filter((st) => st.kind === 'sweep').map((st) => st.index));
}

/** The load the plan offered, from `stages[].offered`; null when the results file has none. Sweep steps that never ran offered nothing. */
export function plannedLoad(s: Summary): PlannedLoad | null {
  const stages = (s.stages ?? []).filter(
    (st): st is typeof st & { offered: OfferedLoad } => st.offered !== undefined && (st.kind !== 'sweep' || stageRan(s, st.index)),
  );
  if (!stages.length) return null;
  const out: PlannedLoad = { burst: null, rate: null, closedLoop: null };
  for (const st of stages) {
    const o = st.offered;
    const at = { stage: st.index, description: st.description };
    if (o.executor === 'shared-iterations' || (o.executor === 'arrival-burst' && o.overMs === 0)) {
      const n = o.executor === 'shared-iterations' ? Math.min(o.vus, o.iterations) : Math.min(o.iterations, o.maxVUs);
      if (n > (out.burst?.n ?? 0)) out.burst = { n, ...at };
    } else if (o.executor === 'arrival-rate' || o.executor === 'arrival-burst') {
      const perSecond = o.executor === 'arrival-rate' ? Math.max(o.fromRate, o.toRate) : o.iterations / (o.overMs / 1000);
      if (perSecond > (out.rate?.perSecond ?? 0)) out.rate = { perSecond, ...at };
    } else if (o.executor === 'vu-levels') {
      const vus = Math.max(o.fromVUs, o.toVUs);
      if (vus > (out.closedLoop?.vus ?? 0)) out.closedLoop = { vus, ...at };
    }
  }
  return out;
}
