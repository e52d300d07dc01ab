// Options of the simulator: the public shape, the defaults, validation and the
// duration parsers shared with the CLI.

import { parseDuration as parseSharedDuration } from '../shared/duration.js';

export type SimulatorMode = 'lb' | 'queue' | 'openai';
export type ScalerKind = 'request-count' | 'queue-delay';

export interface RateLimit {
  perWindow: number;
  windowMs: number;
}

export interface SimulatorOptions {
  /** `lb` = load-balancing endpoint (any path), `queue` = RunPod queue API, `openai` = an LLM server's OpenAI API behind the balancer. Default `lb`. */
  mode?: SimulatorMode;
  /** Default 0 (any free port) programmatically; the CLI defaults to 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  minWorkers?: number;
  maxWorkers?: number;
  /** Cold-start duration range in ms (simulated time). */
  coldStartMs?: [number, number];
  /** Execution time range per request/job in ms (simulated time). */
  execMs?: [number, number];
  idleTimeoutMs?: number;
  /** How long work may wait for a worker. lb: 120 s → HTTP 400; queue: 24 h (job TTL) → TIMED_OUT. */
  queueTimeoutMs?: number;
  /** How long work may run. lb: 330 s from arrival → HTTP 524; queue: 600 s executionTimeout → TIMED_OUT. */
  requestMaxMs?: number;
  scaler?: ScalerKind;
  requestsPerWorker?: number;
  scalerQueueDelayMs?: number;
  failJobFraction?: number;
  fail5xxFraction?: number;
  rateLimit?: RateLimit | null;
  /** openai mode: sequences one worker decodes at once (continuous batching); more wait in the balancer's queue. */
  maxBatch?: number;
  /** openai mode: prefill time per input token, ms (simulated). */
  prefillMsPerToken?: number;
  /** openai mode: time per decode step (one token of every sequence in the batch) with one sequence, ms. */
  decodeMs?: number;
  /** openai mode: added to each decode step per other sequence in the batch, ms. */
  decodeMsPerSeq?: number;
  /** openai mode: output tokens drawn per request when the body has no max_tokens, [min, max]. */
  outputTokens?: [number, number];
  /** openai mode: the model id /v1/models lists and answers carry. */
  model?: string;
  /** Multiplies every duration the simulator uses; 0.01 runs 100× faster. */
  timeScale?: number;
  seed?: number;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'rateLimit'>> & { rateLimit: RateLimit | null };

/**
 * Defaults mirror the field report (min 0, cold 40–90 s, exec 25–35 s, 2-minute balancer
 * timeout). maxWorkers 5 with the request-count scaler (1 request per worker) is the
 * calibration that turns a 15-client burst into a handful of first-wave 400s.
 */
export const DEFAULTS = {
  mode: 'lb' as SimulatorMode,
  port: 0,
  host: '127.0.0.1',
  minWorkers: 0,
  maxWorkers: 5,
  coldStartMs: [40_000, 90_000] as [number, number],
  execMs: [25_000, 35_000] as [number, number],
  idleTimeoutMs: 5_000,
  scaler: 'request-count' as ScalerKind,
  requestsPerWorker: 1,
  scalerQueueDelayMs: 4_000,
  failJobFraction: 0,
  fail5xxFraction: 0,
  rateLimit: null as RateLimit | null,
  maxBatch: 16,
  prefillMsPerToken: 0.1,
  decodeMs: 15,
  decodeMsPerSeq: 1,
  outputTokens: [128, 256] as [number, number],
  model: 'rampart-sim',
  timeScale: 1,
  // A fixed default seed keeps rehearsals repeatable; seed 3 is one whose calibrated burst
  // gives the field report's 4 timeouts (other seeds give 1–5, see docs/simulator.md).
  seed: 3,
};

/** Mode-dependent defaults: the balancer's limits differ from the queue's job policy. */
export const MODE_DEFAULTS: Record<SimulatorMode, { queueTimeoutMs: number; requestMaxMs: number }> = {
  lb: { queueTimeoutMs: 120_000, requestMaxMs: 330_000 },
  queue: { queueTimeoutMs: 86_400_000, requestMaxMs: 600_000 },
  openai: { queueTimeoutMs: 120_000, requestMaxMs: 330_000 },
};

export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
  const mode = opts.mode ?? DEFAULTS.mode;
  if (mode !== 'lb' && mode !== 'queue' && mode !== 'openai') {
    throw new Error(`mode: expected "lb", "queue" or "openai", got ${JSON.stringify(mode)}`);
  }
  // a batching worker is full at maxBatch sequences, so that is what the scaler counts per worker
  const batchDefaults = mode === 'openai' ? { requestsPerWorker: opts.maxBatch ?? DEFAULTS.maxBatch } : {};
  const r: ResolvedOptions = {
    ...DEFAULTS,
    ...MODE_DEFAULTS[mode],
    ...batchDefaults,
    ...stripUndefined(opts),
    mode,
    rateLimit: opts.rateLimit === undefined ? DEFAULTS.rateLimit : opts.rateLimit,
  };
  validate(r);
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(r: ResolvedOptions): void {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`${name}: expected an integer ≥ ${min}, got ${v}`);
  };
  const nonNeg = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name}: expected a number ≥ 0, got ${v}`);
  };
  const fraction = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error(`${name}: expected a fraction in [0, 1], got ${v}`);
  };
  const range = (name: string, v: [number, number]) => {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isFinite(x) && x >= 0) || v[0] > v[1]) {
      throw new Error(`${name}: expected [min, max] with 0 ≤ min ≤ max, got ${JSON.stringify(v)}`);
    }
  };
  int('port', r.port, 0);
  if (r.port > 65535) throw new Error(`port: expected 0..65535, got ${r.port}`);
  if (typeof r.host !== 'string' || r.host === '') throw new Error('host: expected a host name or address');
  int('minWorkers', r.minWorkers, 0);
  int('maxWorkers', r.maxWorkers, 1);
  if (r.minWorkers > r.maxWorkers) throw new Error(`minWorkers (${r.minWorkers}) exceeds maxWorkers (${r.maxWorkers})`);
  range('coldStartMs', r.coldStartMs);
  range('execMs', r.execMs);
  nonNeg('idleTimeoutMs', r.idleTimeoutMs);
  nonNeg('queueTimeoutMs', r.queueTimeoutMs);
  nonNeg('requestMaxMs', r.requestMaxMs);
  if (r.scaler !== 'request-count' && r.scaler !== 'queue-delay') {
    throw new Error(`scaler: expected "request-count" or "queue-delay", got ${JSON.stringify(r.scaler)}`);
  }
  int('requestsPerWorker', r.requestsPerWorker, 1);
  nonNeg('scalerQueueDelayMs', r.scalerQueueDelayMs);
  fraction('failJobFraction', r.failJobFraction);
  fraction('fail5xxFraction', r.fail5xxFraction);
  if (r.rateLimit !== null) {
    int('rateLimit.perWindow', r.rateLimit.perWindow, 1);
    if (!(r.rateLimit.windowMs > 0)) throw new Error(`rateLimit.windowMs: expected > 0, got ${r.rateLimit.windowMs}`);
  }
  int('maxBatch', r.maxBatch, 1);
  nonNeg('prefillMsPerToken', r.prefillMsPerToken);
  nonNeg('decodeMs', r.decodeMs);
  nonNeg('decodeMsPerSeq', r.decodeMsPerSeq);
  range('outputTokens', r.outputTokens);
  if (!Number.isInteger(r.outputTokens[0]) || !Number.isInteger(r.outputTokens[1]) || r.outputTokens[0] < 1) {
    throw new Error(`outputTokens: expected whole numbers ≥ 1, got ${JSON.stringify(r.outputTokens)}`);
  }
  if (typeof r.model !== 'string' || r.model === '') throw new Error('model: expected a model name');
  if (!Number.isFinite(r.timeScale) || r.timeScale <= 0) throw new Error(`timeScale: expected a number > 0, got ${r.timeScale}`);
  if (!Number.isFinite(r.seed)) throw new Error(`seed: expected a number, got ${r.seed}`);
}

/** One duration: '250ms', '30s', '1m30s', '1.5s', or a bare number of ms ('500'): the runner's parser (shared/duration.ts). */
export function parseDuration(text: string): number {
  const ms = parseSharedDuration(String(text));
  if (Number.isNaN(ms)) throw new Error(`invalid duration ${JSON.stringify(text)} (use e.g. 250ms, 30s, 1m30s, or ms as a number)`);
  return ms;
}

/** A range 'min..max' of durations ('40s..90s', '250ms..1s'), or one duration ('25s' → [25000, 25000]). */
export function parseDurationRange(text: string): [number, number] {
  const parts = String(text).split('..');
  if (parts.length > 2) throw new Error(`invalid duration range ${JSON.stringify(text)} (use min..max, e.g. 40s..90s)`);
  const min = parseDuration(parts[0]);
  const max = parts.length === 2 ? parseDuration(parts[1]) : min;
  if (min > max) throw new Error(`invalid duration range ${JSON.stringify(text)}: min is greater than max`);
  return [min, max];
}

/** '1000/10s' → { perWindow: 1000, windowMs: 10000 }; 'off' or 'none' → null. */
export function parseRateLimit(text: string): RateLimit | null {
  if (/^\s*(off|none)\s*$/i.test(text)) return null;
  const m = /^\s*(\d+)\s*\/\s*(.+)$/.exec(text);
  if (!m) throw new Error(`invalid rate limit ${JSON.stringify(text)} (use COUNT/WINDOW, e.g. 1000/10s, or off)`);
  const perWindow = Number(m[1]);
  const windowMs = parseDuration(m[2]);
  if (perWindow < 1 || windowMs <= 0) throw new Error(`invalid rate limit ${JSON.stringify(text)}: count and window must be > 0`);
  return { perWindow, windowMs };
}

/** '128..256' → [128, 256]; '64' → [64, 64]: a range of whole numbers ≥ 1. */
export function parseCountRange(text: string): [number, number] {
  const parts = String(text)
    .split('..')
    .map((p) => p.trim());
  const nums = parts.map(Number);
  if (parts.length > 2 || !nums.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`invalid range ${JSON.stringify(text)} (use whole numbers MIN..MAX, e.g. 128..256, or one number)`);
  }
  const range: [number, number] = [nums[0], nums[nums.length - 1]];
  if (range[0] > range[1]) throw new Error(`invalid range ${JSON.stringify(text)}: min is greater than max`);
  return range;
}
