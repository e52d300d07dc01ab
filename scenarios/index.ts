/**
 * The authoring API: what scenario files import as 'rampart'.
 *
 *   import { scenario, ramp, burst, soak, pause, check, env } from 'rampart';
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtime, TestAbortedError } from './runtime.js';
import type { Checks, ScenarioDefinition, Tags, WorkloadsScenario, FileData } from './types.js';

export * from './types.js';
export { ramp, burst, soak, pause, sweep } from './stages.js';

const BRAND = Symbol.for('rampart.scenario');

/** Declares a scenario; the default export of a scenario file. */
export function scenario<Data = unknown>(definition: ScenarioDefinition<Data>): ScenarioDefinition<Data>;
/** A scenario of several workloads (`workloads: { browse: { stages, iteration }, ... }`). */
export function scenario<Data = unknown>(definition: WorkloadsScenario<Data>): ScenarioDefinition<Data>;
export function scenario<Data = unknown>(definition: ScenarioDefinition<Data> | WorkloadsScenario<Data>): ScenarioDefinition<Data> {
  Object.defineProperty(definition, BRAND, { value: true, enumerable: false });
  return definition as ScenarioDefinition<Data>;
}

export function isScenario(value: unknown): value is ScenarioDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Runs each named check on `value`, records a pass or a fail for each (the `checks` rate and
 * the per-check counts of the summary), and returns true when all passed. A check that throws fails.
 */
export function check<T>(value: T, checks: Checks<T>, tags?: Tags): boolean {
  const rt = runtime();
  let all = true;
  for (const name of Object.keys(checks)) {
    let ok: boolean;
    try {
      ok = Boolean(checks[name](value));
    } catch {
      ok = false;
    }
    rt?.recordCheck(name, ok, tags);
    if (!ok) all = false;
  }
  return all;
}

/** Reads an environment variable: `-e KEY=VALUE`, then rampart.yaml `env:`, then the process environment. */
export function env(name: string, fallback: string): string;
export function env(name: string): string | undefined;
export function env(name: string, fallback?: string): string | undefined {
  const value = runtime()?.env[name] ?? process.env[name];
  return value ?? fallback;
}

/** Stops the whole run from scenario code (exit code 105 unless a threshold failed first). */
export function abortTest(reason = 'aborted by the scenario'): never {
  runtime()?.abortTest(reason);
  throw new TestAbortedError(reason);
}

import type { Dataset, DatasetOptions } from './types.js';

const DATASETS = Symbol.for('rampart.datasets');

/**
 * Test data shared read-only by every VU and worker thread (k6's SharedArray). Call it at the
 * top level of the scenario file: the main thread loads `source` once (a .json file holding an
 * array, a .csv file, relative to the scenario file, or a function returning the rows) into
 * shared memory; worker threads get that memory, not a copy, and decode a row when it is read.
 *
 *   const users = dataset('users', './users.csv');
 *   ... users.pick(ctx.iterationInTest).email
 */
export function dataset<T = Record<string, string>>(name: string, source: string | (() => T[]), options?: DatasetOptions): Dataset<T> {
  const hooks = (globalThis as Record<symbol, unknown>)[DATASETS] as
    | { open(name: string, source: unknown, options?: DatasetOptions): Dataset<T> }
    | undefined;
  if (!hooks) throw new Error('dataset(): works in a scenario run by rampart (run, inspect)');
  return hooks.open(name, source, options);
}

const FILE_BRAND = Symbol.for('rampart.file');
const fileCache = new Map<string, Uint8Array>();

/**
 * A file for a `multipart` body: `file(bytes, 'a.png', 'image/png')`, or a path relative to the
 * scenario file, read once per thread however often file() is called with it.
 *
 *   const photo = file('./photo.jpg', 'photo.jpg', 'image/jpeg');
 *   await ctx.http.post('/upload', { multipart: { title: 'x', photo } });
 */
export function file(source: Uint8Array | string, filename?: string, contentType = 'application/octet-stream'): FileData {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    const path = isAbsolute(source) ? source : resolvePath(scenarioDir() ?? callerDir() ?? process.cwd(), source);
    let cached = fileCache.get(path);
    if (!cached) {
      try {
        cached = new Uint8Array(readFileSync(path));
      } catch (err) {
        const why = (err as { code?: string }).code === 'ENOENT' ? 'no such file' : (err as Error).message;
        throw Object.assign(new Error(`file('${source}'): cannot read ${path}: ${why}`), { code: 'RAMPART_FILE' });
      }
      fileCache.set(path, cached);
    }
    bytes = cached;
    filename ??= basename(path);
  } else if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    throw Object.assign(new TypeError(`file(): the first argument must be a Uint8Array or a path, got ${typeof source}`), { code: 'RAMPART_FILE' });
  }
  const data = { filename: filename ?? 'file', contentType, bytes };
  Object.defineProperty(data, FILE_BRAND, { value: true, enumerable: false });
  return data;
}

/** The scenario file's folder, as rampart loads it (run, inspect, every worker thread). */
function scenarioDir(): string | undefined {
  return ((globalThis as Record<symbol, unknown>)[DATASETS] as { baseDir?: string } | undefined)?.baseDir;
}

/** The folder of the (source-mapped) file that called file(), outside rampart's loader. */
function callerDir(): string | undefined {
  const frames = (new Error().stack ?? '').split('\n').slice(3);
  for (const line of frames) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const path = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (/\.bundle\.mjs$/.test(path) || path.includes(`${sep}node_modules${sep}`)) continue;
    return dirname(path);
  }
  return undefined;
}
