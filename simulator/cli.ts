// `rampart simulate`: run the serverless-endpoint simulator from the command line.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { Simulator } from './index.js';
import {
  DEFAULTS,
  parseDuration,
  parseCountRange,
  parseDurationRange,
  parseRateLimit,
  type ScalerKind,
  type SimulatorMode,
  type SimulatorOptions,
} from './options.js';

export interface SimulateArgs {
  port: number;
  host: string;
  mode: string;
  'min-workers': number;
  'max-workers': number;
  'cold-start': string;
  exec: string;
  'idle-timeout': string;
  'queue-timeout'?: string;
  'request-max'?: string;
  scaler: string;
  'requests-per-worker': number;
  'scaler-delay': string;
  'fail-jobs': number;
  'fail-5xx': number;
  'rate-limit': string;
  'time-scale': number;
  seed: number;
  'max-batch'?: number;
  'prefill-per-token'?: string;
  decode?: string;
  'decode-per-seq'?: string;
  'output-tokens'?: string;
  model?: string;
}

const fmtMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** Runs `parse`; its error is prefixed with the flag's name. */
function flag<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new Error(`--${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function num(name: string, v: unknown, check: (n: number) => boolean, expected: string): number {
  return flag(name, () => {
    const n = typeof v === 'number' ? v : Number(v);
    if (v === '' || !Number.isFinite(n) || !check(n)) throw new Error(`expected ${expected}, got ${JSON.stringify(v)}`);
    return n;
  });
}

const optional = <T>(v: unknown, parse: (v: unknown) => T): T | undefined => (v === undefined ? undefined : parse(v));
const isInt = (min: number) => (n: number) => Number.isInteger(n) && n >= min;
const isFraction = (n: number) => n >= 0 && n <= 1;
const duration = (name: string) => (v: unknown) => flag(name, () => parseDuration(String(v)));

function choice<T extends string>(name: string, allowed: readonly T[], expected: string) {
  return (v: unknown): T =>
    flag(name, () => {
      if (!allowed.includes(v as T)) throw new Error(`expected ${expected}, got ${JSON.stringify(v)}`);
      return v as T;
    });
}

function text(name: string, expected: string) {
  return (v: unknown): string =>
    flag(name, () => {
      if (typeof v !== 'string' || v === '') throw new Error(`expected ${expected}`);
      return v;
    });
}

/** Turn CLI flags into SimulatorOptions; a bad value throws an Error that names its flag. */
export function optionsFromArgs(args: Partial<SimulateArgs>): SimulatorOptions {
  const mode = optional(args.mode, choice<SimulatorMode>('mode', ['lb', 'queue', 'openai'], 'lb, queue or openai'));
  const scaler = optional(args.scaler, choice<ScalerKind>('scaler', ['request-count', 'queue-delay'], 'request-count or queue-delay'));
  const opts: SimulatorOptions = {
    mode,
    port: optional(args.port, (v) => num('port', v, (n) => isInt(0)(n) && n <= 65535, 'a port 0..65535')),
    host: optional(args.host, text('host', 'a host name or address')),
    ...workerOptions(args, scaler),
    ...llmOptions(args),
  };
  if (opts.minWorkers !== undefined && opts.minWorkers > (opts.maxWorkers ?? DEFAULTS.maxWorkers)) {
    throw new Error(`--min-workers (${opts.minWorkers}) exceeds --max-workers (${opts.maxWorkers ?? DEFAULTS.maxWorkers})`);
  }
  return opts;
}

/** The workers, the balancer and its scaler, faults and time. */
function workerOptions(args: Partial<SimulateArgs>, scaler: ScalerKind | undefined): SimulatorOptions {
  return {
    minWorkers: optional(args['min-workers'], (v) => num('min-workers', v, isInt(0), 'an integer ≥ 0')),
    maxWorkers: optional(args['max-workers'], (v) => num('max-workers', v, isInt(1), 'an integer ≥ 1')),
    coldStartMs: optional(args['cold-start'], (v) => flag('cold-start', () => parseDurationRange(String(v)))),
    execMs: optional(args.exec, (v) => flag('exec', () => parseDurationRange(String(v)))),
    idleTimeoutMs: optional(args['idle-timeout'], duration('idle-timeout')),
    queueTimeoutMs: optional(args['queue-timeout'], duration('queue-timeout')),
    requestMaxMs: optional(args['request-max'], duration('request-max')),
    scaler,
    requestsPerWorker: optional(args['requests-per-worker'], (v) => num('requests-per-worker', v, isInt(1), 'an integer ≥ 1')),
    scalerQueueDelayMs: optional(args['scaler-delay'], duration('scaler-delay')),
    failJobFraction: optional(args['fail-jobs'], (v) => num('fail-jobs', v, isFraction, 'a fraction 0..1')),
    fail5xxFraction: optional(args['fail-5xx'], (v) => num('fail-5xx', v, isFraction, 'a fraction 0..1')),
    rateLimit: optional(args['rate-limit'], (v) => flag('rate-limit', () => parseRateLimit(String(v)))),
    timeScale: optional(args['time-scale'], (v) => num('time-scale', v, (n) => n > 0, 'a number > 0')),
    seed: optional(args.seed, (v) => num('seed', v, Number.isInteger, 'an integer')),
  };
}

/** openai mode's batching, timings, tokens and model. */
function llmOptions(args: Partial<SimulateArgs>): SimulatorOptions {
  return {
    maxBatch: optional(args['max-batch'], (v) => num('max-batch', v, isInt(1), 'an integer ≥ 1')),
    prefillMsPerToken: optional(args['prefill-per-token'], duration('prefill-per-token')),
    decodeMs: optional(args.decode, duration('decode')),
    decodeMsPerSeq: optional(args['decode-per-seq'], duration('decode-per-seq')),
    outputTokens: optional(args['output-tokens'], (v) => flag('output-tokens', () => parseCountRange(String(v)))),
    model: optional(args.model, text('model', 'a model name')),
  };
}

/** Resolves once a SIGINT or SIGTERM arrives. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate',
  describe: 'run a local serverless-endpoint simulator (RunPod-style, cold-starting workers)',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('port', { type: 'number', default: 8080, describe: 'port to listen on (0 = any free port)' })
      .option('host', { type: 'string', default: DEFAULTS.host, describe: 'address to listen on' })
      .option('mode', {
        type: 'string',
        default: DEFAULTS.mode,
        choices: ['lb', 'queue', 'openai'],
        describe: "load-balancing endpoint, queue API, or an LLM server's OpenAI API",
      })
      .option('min-workers', { type: 'number', default: DEFAULTS.minWorkers, describe: 'workers kept warm (ready at start)' })
      .option('max-workers', { type: 'number', default: DEFAULTS.maxWorkers, describe: 'upper bound for the scaler' })
      .option('cold-start', { type: 'string', default: '40s..90s', describe: 'cold-start duration range' })
      .option('exec', { type: 'string', default: '25s..35s', describe: 'execution time range per request/job' })
      .option('idle-timeout', { type: 'string', default: fmtMs(DEFAULTS.idleTimeoutMs), describe: 'idle time before a worker is released' })
      .option('queue-timeout', { type: 'string', describe: 'max wait for a worker (default lb 120s → 400, queue 24h → TIMED_OUT)' })
      .option('request-max', { type: 'string', describe: 'max run time (default lb 330s → 524, queue 600s → TIMED_OUT)' })
      .option('scaler', { type: 'string', default: DEFAULTS.scaler, choices: ['request-count', 'queue-delay'], describe: 'scaling policy' })
      .option('requests-per-worker', { type: 'number', default: DEFAULTS.requestsPerWorker, describe: 'request-count scaler: work items per worker' })
      .option('scaler-delay', {
        type: 'string',
        default: fmtMs(DEFAULTS.scalerQueueDelayMs),
        describe: 'queue-delay scaler: wait that adds a worker',
      })
      .option('fail-jobs', { type: 'number', default: DEFAULTS.failJobFraction, describe: 'fraction of queue jobs that end FAILED' })
      .option('fail-5xx', { type: 'number', default: DEFAULTS.fail5xxFraction, describe: 'fraction of lb requests answered 500' })
      .option('rate-limit', { type: 'string', default: 'off', describe: 'COUNT/WINDOW, e.g. 1000/10s; over it → 429' })
      .option('time-scale', { type: 'number', default: DEFAULTS.timeScale, describe: 'multiplies every duration (0.01 = 100× faster)' })
      .option('seed', { type: 'number', default: DEFAULTS.seed, describe: 'seed for every random draw' })
      .option('max-batch', { type: 'number', describe: `openai: sequences a worker decodes at once (default ${DEFAULTS.maxBatch})` })
      .option('prefill-per-token', { type: 'string', describe: `openai: prefill time per input token (default ${DEFAULTS.prefillMsPerToken}ms)` })
      .option('decode', { type: 'string', describe: `openai: decode step with one sequence (default ${DEFAULTS.decodeMs}ms)` })
      .option('decode-per-seq', {
        type: 'string',
        describe: `openai: added to a decode step per other sequence (default ${DEFAULTS.decodeMsPerSeq}ms)`,
      })
      .option('output-tokens', { type: 'string', describe: `openai: output length without max_tokens (default ${DEFAULTS.outputTokens.join('..')})` })
      .option('model', { type: 'string', describe: `openai: the model id served (default ${DEFAULTS.model})` }) as unknown as Argv<SimulateArgs>,
  handler: async (args: ArgumentsCamelCase<SimulateArgs>) => {
    const opts = optionsFromArgs(args);
    let sim: Simulator;
    try {
      const { startSimulator } = await import('./index.js'); // the simulator loads when it is run, not at start-up
      sim = await startSimulator(opts);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new Error(`--port: ${opts.port} is already in use`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new Error(`--host: cannot listen on ${opts.host}`);
      throw err;
    }
    const stop = untilSignal();
    process.stdout.write(`simulator listening on ${sim.url}\n`);
    await stop;
    await sim.close();
  },
};
