/**
 * Findings of LLM streams (docs/findings.md):
 * - itl-concurrency (warn): the gap between tokens grows with the streams in flight: the
 *   server decodes more sequences per step (batch saturation).
 * - ttft-waiting (warn): time to first token is mostly waiting (a batch slot, a worker, a
 *   cold start), not prefill: its p95 is far above what an unqueued request pays.
 */
import type { Insight, Summary } from '../results/types.js';
import { count, fmtMs, percentiles, round, subKeys, trend } from './util.js';

/** ITL samples a stage needs before its median is compared */
const MIN_ITL_SAMPLES = 50;
/** the busier stage must have at least this many times the streams in flight */
const MIN_CONCURRENCY_RATIO = 2;
/** and a median ITL at least this many times the quieter stage's */
const MIN_ITL_RATIO = 1.5;

interface StageItl {
  stage: number;
  medianMs: number;
  samples: number;
  /** mean HTTP requests in flight over the stage's timeline points */
  inFlight: number;
}

function stageItls(s: Summary): StageItl[] {
  const out: StageItl[] = [];
  for (const [value, key] of subKeys(s, 'llm_itl', 'stage')) {
    const t = trend(s, key);
    const stage = Number(value);
    const points = s.timeline.filter((p) => p.stage === stage);
    if (!t || t.count < MIN_ITL_SAMPLES || points.length === 0) continue;
    const inFlight = points.reduce((n, p) => n + p.inFlight, 0) / points.length;
    if (inFlight <= 0) continue;
    out.push({ stage, medianMs: t.med, samples: t.count, inFlight });
  }
  return out;
}

export function itlConcurrency(s: Summary): Insight | null {
  const stages = stageItls(s);
  if (stages.length < 2) return null;
  const quiet = stages.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  const busy = stages.reduce((a, b) => (b.inFlight > a.inFlight ? b : a));
  if (busy.inFlight < quiet.inFlight * MIN_CONCURRENCY_RATIO || quiet.medianMs <= 0) return null;
  const ratio = busy.medianMs / quiet.medianMs;
  if (ratio < MIN_ITL_RATIO) return null;
  return {
    kind: 'itl-concurrency',
    severity: 'warn',
    message:
      `The gap between tokens grows with concurrency: median ITL ${fmtMs(quiet.medianMs)} with ~${round(quiet.inFlight)} streams in flight ` +
      `(stage ${quiet.stage}) against ${fmtMs(busy.medianMs)} with ~${round(busy.inFlight)} (stage ${busy.stage}), ${round(ratio)}×. ` +
      'The server decodes more sequences per step as its batch fills (batch saturation): each stream gets slower tokens; ' +
      'if the TPOT target matters more than throughput, cap the batch (vLLM --max-num-seqs) or add workers.',
    data: {
      quiet: { stage: quiet.stage, medianItlMs: round(quiet.medianMs, 2), inFlight: round(quiet.inFlight), samples: quiet.samples },
      busy: { stage: busy.stage, medianItlMs: round(busy.medianMs, 2), inFlight: round(busy.inFlight), samples: busy.samples },
      ratio: round(ratio, 2),
    },
  };
}

/** TTFT samples needed */
const MIN_TTFT_SAMPLES = 20;
/** p95 at least this many times the floor (p10) … */
const MIN_TTFT_RATIO = 3;
/** … and at least this much above it */
const MIN_TTFT_EXCESS_MS = 100;

export function ttftWaiting(s: Summary): Insight | null {
  const t = trend(s, 'llm_ttft');
  if (!t || t.count < MIN_TTFT_SAMPLES) return null;
  const [floor, p95] = percentiles(t, [10, 95]) ?? [];
  if (floor === undefined || p95 === undefined || floor <= 0) return null;
  if (p95 < floor * MIN_TTFT_RATIO || p95 - floor < MIN_TTFT_EXCESS_MS) return null;
  // the serverless classifier's cold requests, when it ran
  const cold = count(s, 'http_reqs{cold:true}');
  const cause =
    cold > 0 ? `waiting for a batch slot or a worker, and cold starts (${cold} requests met one)` : 'waiting for a batch slot or a worker (queueing)';
  return {
    kind: 'ttft-waiting',
    severity: 'warn',
    message:
      `Time to first token is mostly waiting, not prefill: p10 ${fmtMs(floor)} (what a request that finds a free slot pays: prefill and network) ` +
      `against p95 ${fmtMs(p95)}, ${round(p95 / floor)}×; the difference is ${cause}. ` +
      'Prefill grows with the prompt; this does not. More workers, a larger batch, or a lower rate shorten it; a shorter prompt does not.',
    data: { count: t.count, p10Ms: round(floor, 1), p95Ms: round(p95, 1), ratio: round(p95 / floor, 2), coldRequests: cold },
  };
}
