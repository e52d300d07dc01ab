// What every route handler shares: resolved options, the clock, the seeded streams,
// the worker pool and the request counters behind stats().

import type { Clock } from './clock.js';
import type { ResolvedOptions } from './options.js';
import type { RandomStreams } from './random.js';
import type { WorkerPool } from './workers.js';

export interface RequestCounters {
  /** Requests that reached a route (rate-limited ones included; /ping and /health excluded). */
  received: number;
  rateLimited: number;
  /** lb: answered by a worker (200 or injected 500). */
  served: number;
  /** lb: HTTP 400 "timed out waiting for worker". */
  queueTimeouts: number;
  /** lb: HTTP 524, cut after requestMaxMs. */
  cut524: number;
  /** lb: injected HTTP 500s. */
  failed5xx: number;
  /** lb: first requests of cold-started workers. */
  cold: number;
}

export interface SimContext {
  opts: ResolvedOptions;
  clock: Clock;
  rng: RandomStreams;
  pool: WorkerPool;
  counters: RequestCounters;
  /** openai mode only: what the LLM routes produced */
  llm?: LlmCounters;
}

export interface LlmCounters {
  /** chat or completion requests a worker finished (streamed or not) */
  completions: number;
  streams: number;
  inputTokens: number;
  outputTokens: number;
  /** streams whose client went away before the last token (their slot is freed at once) */
  abandoned: number;
  /** 400s for a body the API refuses (bad JSON, no messages or prompt, bad max_tokens) */
  invalid: number;
}

export function newCounters(): RequestCounters {
  return { received: 0, rateLimited: 0, served: 0, queueTimeouts: 0, cut524: 0, failed5xx: 0, cold: 0 };
}
