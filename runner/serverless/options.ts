import type { Duration, ServerlessOptions } from '../../scenarios/types.js';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';

export interface ResolvedServerless {
  preset: string;
  /** no serverless field: the worker headers looked for (DETECTED_HEADERS); no jobs, no health monitor */
  detect?: string[];
  workerHeader?: string;
  workerField?: string;
  routes: { submit: string; status: string; cancel?: string; health?: string };
  idField: string;
  statusField: string;
  finalStatuses: Set<string>;
  successStatuses: Set<string>;
  queueTimeField?: string;
  executionTimeField?: string;
  outputField: string;
  errorField: string;
  poll: { intervalMs: number; maxMs: number; factor: number; timeoutMs: number };
  /** everyMs null: once per timeline interval (--interval) */
  monitor: { route: string; everyMs: number | null } | null;
  cold: { minDelayMs: number; factor: number };
}

type Preset = Omit<ServerlessOptions, 'preset'>;

const PRESETS: Record<string, Preset> = {
  runpod: {
    workerHeader: 'x-runpod-worker-id',
    workerField: 'workerId',
    routes: { submit: '/run', status: '/status/{id}', cancel: '/cancel/{id}', health: '/health' },
    idField: 'id',
    statusField: 'status',
    finalStatuses: ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
    successStatuses: ['COMPLETED'],
    queueTimeField: 'delayTime',
    executionTimeField: 'executionTime',
    outputField: 'output',
    errorField: 'error',
  },
  replicate: {
    routes: { submit: '/v1/predictions', status: '/v1/predictions/{id}', cancel: '/v1/predictions/{id}/cancel' },
    idField: 'id',
    statusField: 'status',
    finalStatuses: ['succeeded', 'failed', 'canceled'],
    successStatuses: ['succeeded'],
    outputField: 'output',
    errorField: 'error',
    monitor: false,
  },
  beam: {
    routes: { submit: '/', status: '/v2/task/{id}/', cancel: '/v2/task/cancel/' },
    idField: 'task_id',
    statusField: 'status',
    finalStatuses: ['COMPLETE', 'FAILED', 'TIMEOUT', 'CANCELED', 'EXPIRED'],
    successStatuses: ['COMPLETE'],
    outputField: 'outputs',
    errorField: 'error',
    monitor: false,
  },
  none: { routes: { submit: '/run', status: '/status/{id}' }, idField: 'id', statusField: 'status', monitor: false },
};

/**
 * Response headers that name a platform's worker. A scenario with no `serverless` field still
 * identifies workers and cold starts by them, and the summary says which it saw (docs/serverless.md).
 */
export const DETECTED_HEADERS: Record<string, string> = { 'x-runpod-worker-id': 'runpod' };

/** The settings of a run whose scenario has no `serverless` field: look for a known worker header, nothing else. */
export function detectingServerless(where: string): ResolvedServerless {
  return { ...resolveServerless({ preset: 'none', monitor: false }, where)!, preset: 'detect', detect: Object.keys(DETECTED_HEADERS) };
}

/**
 * A run's serverless settings: the scenario's field resolved; without one, detection of the
 * known worker headers; `serverless: false` turns both off (no worker identity, no cold starts).
 */
export function serverlessSettings(raw: unknown, where: string): ResolvedServerless | null {
  if (raw === false) return null;
  return resolveServerless(raw, where) ?? detectingServerless(where);
}

/** What the results file says of serverless: the preset and what was learnt, or for a detected header which one and how to configure it. */
export function serverlessMeta(
  cfg: ResolvedServerless | null,
  detectedHeader: string | undefined,
  serviceTimes: Record<string, { bound: number; typical: number; high?: number }> | undefined,
) {
  if (!cfg) return null;
  if (!cfg.detect) return { preset: cfg.preset, serviceTimes };
  if (!detectedHeader) return null;
  const preset = DETECTED_HEADERS[detectedHeader];
  return { preset, serviceTimes, detected: { header: detectedHeader, configure: `serverless: '${preset}'` } };
}

const KEYS = [
  'preset',
  'workerHeader',
  'workerField',
  'routes',
  'idField',
  'statusField',
  'finalStatuses',
  'successStatuses',
  'queueTimeField',
  'executionTimeField',
  'outputField',
  'errorField',
  'poll',
  'monitor',
  'cold',
];

/** The scenario's `serverless` field (a preset name or options over a preset) resolved, or a usage error naming the field. */
export function resolveServerless(raw: unknown, where: string): ResolvedServerless | null {
  if (raw === undefined || raw === null || raw === false) return null;
  const options: ServerlessOptions = typeof raw === 'string' ? { preset: raw as ServerlessOptions['preset'] } : (raw as ServerlessOptions);
  if (typeof options !== 'object') throw new UsageError(`${where}: serverless must be a preset name ('runpod') or an options object`);
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) throw new UsageError(`${where}: unknown field serverless.${key} (known: ${KEYS.join(', ')})`);
  }
  const presetName = options.preset ?? 'runpod';
  const preset = PRESETS[presetName];
  if (!preset) throw new UsageError(`${where}: serverless.preset '${presetName}' is not one of ${Object.keys(PRESETS).join(', ')}`);
  const o = { ...preset, ...options, routes: { ...preset.routes, ...options.routes } };
  const ms = (value: Duration | undefined, fallback: number, field: string) => {
    const n = value === undefined ? fallback : parseDuration(value);
    if (!(n >= 0)) throw new UsageError(`${where}: serverless.${field} must be a duration such as '1s', got ${String(value)}`);
    return n;
  };
  const monitor =
    o.monitor === false || !o.routes.health
      ? null
      : {
          route: o.monitor?.route ?? o.routes.health,
          everyMs: o.monitor?.every === undefined ? null : ms(o.monitor?.every, 1000, 'monitor.every'),
        };
  return {
    preset: presetName,
    workerHeader: o.workerHeader?.toLowerCase(),
    workerField: o.workerField,
    routes: { submit: o.routes.submit ?? '/run', status: o.routes.status ?? '/status/{id}', cancel: o.routes.cancel, health: o.routes.health },
    idField: o.idField ?? 'id',
    statusField: o.statusField ?? 'status',
    finalStatuses: new Set(o.finalStatuses ?? ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']),
    successStatuses: new Set(o.successStatuses ?? ['COMPLETED']),
    queueTimeField: o.queueTimeField,
    executionTimeField: o.executionTimeField,
    outputField: o.outputField ?? 'output',
    errorField: o.errorField ?? 'error',
    poll: {
      intervalMs: ms(o.poll?.interval, 1000, 'poll.interval'),
      maxMs: ms(o.poll?.max, 10_000, 'poll.max'),
      factor: o.poll?.factor ?? 1.5,
      timeoutMs: ms(o.poll?.timeout, 600_000, 'poll.timeout'),
    },
    monitor,
    cold: { minDelayMs: ms(o.cold?.minDelay, 1000, 'cold.minDelay'), factor: o.cold?.factor ?? 1.5 },
  };
}
