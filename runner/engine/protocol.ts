import type { Snapshot } from '../metrics/collector.js';
import type { Plan } from '../plan/types.js';
import type { RequestRecord } from '../results/types.js';
import type { WorkerObservation } from '../serverless/runtime.js';
import type { ThreadConfig } from './thread-kit.js';
import type { SharedData } from '../data/registry.js';

/** Messages between the main thread and the worker threads. All plain data. */

export interface WorkerInit extends ThreadConfig {
  bundleUrl: string;
  plan: Plan;
  thread: number;
  threads: number;
  gracefulStopMs: number;
  /** values that must never appear in any output */
  secrets: string[];
  /** datasets and the iteration counter, in shared memory (runner/data) */
  shared?: SharedData;
  /** one BigInt64 per workload: its next iterationInWorkload, shared by every thread (the Coordinator sets it) */
  workloadIterations?: SharedArrayBuffer;
}

export interface Progress {
  vus: number;
  /** the most iterations in flight since the last report (a burst can start and end between two) */
  peakVus: number;
  inFlight: number;
  stage: number;
}

export type ToWorker =
  /** a thread booted before its run (runner/engine/threads.ts) gets its init this way */
  | { type: 'init'; init: WorkerInit }
  /** and, as soon as the main thread has the plan, whether it is a few iterations (engine-flags.ts) */
  | { type: 'plan'; fewIterations: boolean }
  | { type: 'start'; data: unknown }
  | { type: 'snapshot'; seq: number }
  | { type: 'go'; step: number }
  | { type: 'stop' }
  | { type: 'hardStop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'interval'; seq: number; snapshot: Snapshot; progress: Progress; records?: RequestRecord[]; observations?: WorkerObservation[] }
  | { type: 'stepDone'; step: number }
  | { type: 'abortTest'; reason: string }
  | { type: 'log'; line: string }
  /** credential values the thread learnt (request headers), for the main thread's masking; never masked itself */
  | { type: 'secrets'; values: string[] }
  | { type: 'done'; snapshot: Snapshot; progress: Progress; records?: RequestRecord[]; observations?: WorkerObservation[] }
  | { type: 'fatal'; message: string; location?: string };
