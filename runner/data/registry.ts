import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as CsvParse from 'csv-parse/sync';
import type { Dataset, DatasetOptions } from '../../scenarios/types.js';
import { UsageError } from '../errors.js';
import { rowsView, type SharedRowsBuffers } from './shared-rows.js';
import { encodeJsonArray, encodeRows, RowWriter } from './encode.js';

// csv-parse loads when a CSV dataset does, not with every thread (start-up, issue 11); dataset()
// is synchronous, so through require()
const parseCsv: typeof CsvParse.parse = (...args: Parameters<typeof CsvParse.parse>) =>
  (createRequire(import.meta.url)('csv-parse/sync') as typeof CsvParse).parse(...args);

/**
 * What the main thread shares with every worker thread: the datasets it loaded and the
 * run's iteration counter. Plain SharedArrayBuffers, so workerData shares them, never copies.
 */
export interface SharedData {
  datasets: Record<string, SharedRowsBuffers>;
  /** one BigInt64: the next iteration's number in the test */
  iterations: SharedArrayBuffer;
  /** the scenario file's folder: relative paths of dataset() and file() start here, in every thread */
  baseDir: string;
}

type Source = string | (() => unknown);

/**
 * The hook the authoring API's `dataset()` calls. It lives on globalThis (like
 * scenarios/runtime.ts): a scenario bundle carries its own copy of the authoring API, and
 * the loading code (fs, csv-parse) stays out of the bundle.
 */
interface DatasetHooks {
  open(name: string, source: Source, options?: DatasetOptions): Dataset<unknown>;
  readonly baseDir: string;
}

const KEY = Symbol.for('rampart.datasets');

class Registry implements DatasetHooks {
  private readonly views = new Map<string, Dataset<unknown>>();
  private readonly counter: BigInt64Array;

  /** mode 'load': the main thread evaluates the scenario's top level; 'sealed': after it; 'attached': a worker */
  constructor(
    private mode: 'load' | 'sealed' | 'attached',
    readonly shared: SharedData,
  ) {
    this.counter = new BigInt64Array(shared.iterations);
  }

  get baseDir(): string {
    return this.shared.baseDir;
  }

  seal(): void {
    if (this.mode === 'load') this.mode = 'sealed';
  }

  nextIteration(): number {
    return Number(Atomics.add(this.counter, 0, 1n));
  }

  open(name: string, source: Source, options?: DatasetOptions): Dataset<unknown> {
    if (typeof name !== 'string' || name === '') throw new TypeError(`dataset(name, source): name must be a non-empty string`);
    const seen = this.views.get(name);
    if (seen) return seen;
    let buffers = this.shared.datasets[name];
    if (!buffers) {
      if (this.mode !== 'load') {
        throw new TypeError(
          `dataset '${name}' was not declared at the top level of the scenario file; declare datasets there so that they are loaded once, before the load starts`,
        );
      }
      buffers = this.load(name, source, options);
      this.shared.datasets[name] = buffers;
    }
    const view = rowsView(buffers);
    this.views.set(name, view);
    return view;
  }

  /** The rows of a file (JSON array, or CSV) or of the user's loader, encoded; the main thread only. */
  private load(name: string, source: Source, options: DatasetOptions | undefined): SharedRowsBuffers {
    if (typeof source === 'function') return encodeRows(name, source());
    if (typeof source !== 'string') throw new UsageError(`dataset '${name}': the source must be a file path or a function returning the rows`);
    const path = isAbsolute(source) ? source : resolve(this.baseDir, source);
    const shown = relative(process.cwd(), path) || path;
    const ext = extname(path).toLowerCase();
    const format = options?.format ?? (ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : undefined);
    let file: SharedArrayBuffer;
    try {
      file = readShared(path);
    } catch (err) {
      throw new UsageError(`dataset '${name}': cannot read ${shown} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      if (format === 'json') return encodeJsonArray(name, file);
      if (format === 'csv') return encodeCsv(name, Buffer.from(file), options);
    } catch (err) {
      throw new UsageError(`dataset '${name}': ${shown} ${(err as Error).message}`);
    }
    throw new UsageError(`dataset '${name}': ${shown} is neither .json nor .csv (say which with { format: 'json' | 'csv' })`);
  }
}

/** A file's bytes straight into shared memory (a JSON dataset is split in place there). */
function readShared(path: string): SharedArrayBuffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = new SharedArrayBuffer(size);
    const view = Buffer.from(bytes);
    let at = 0;
    while (at < size) {
      const got = readSync(fd, view, at, size - at, at);
      if (got === 0) break;
      at += got;
    }
    return at === size ? bytes : bytes.slice(0, at);
  } finally {
    closeSync(fd);
  }
}

/** CSV through csv-parse, each record encoded as it is parsed (none is kept as an object). */
function encodeCsv(name: string, file: Buffer, options: DatasetOptions | undefined): SharedRowsBuffers {
  const out = new RowWriter();
  try {
    parseCsv(file, {
      columns: options?.columns ?? true,
      delimiter: options?.delimiter ?? ',',
      bom: true,
      skip_empty_lines: true,
      on_record: (record: unknown) => {
        out.add(JSON.stringify(record));
        return null;
      },
    });
  } catch (err) {
    throw new Error(`is not valid CSV: ${(err as Error).message}`);
  }
  return out.finish(name);
}

function install(registry: Registry): Registry {
  (globalThis as Record<symbol, unknown>)[KEY] = registry;
  return registry;
}

function current(): Registry | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as Registry | undefined;
}

/** Main thread, before the scenario's top level runs: datasets load here, paths relative to `baseDir`. */
export function beginDatasets(baseDir: string): void {
  install(new Registry('load', { datasets: {}, iterations: new SharedArrayBuffer(8), baseDir }));
}

/** Main thread, after the top level ran: no new dataset from here on (setup, teardown). */
export function sealDatasets(): void {
  current()?.seal();
}

/** What to hand to the worker threads (undefined outside a run). */
export function sharedData(): SharedData | undefined {
  return current()?.shared;
}

/** A worker thread, before it imports the scenario: the main thread's datasets and counter. */
export function attachDatasets(shared: SharedData | undefined): void {
  if (shared) install(new Registry('attached', shared));
}

let localIterations = 0;

/** The iteration's number in the whole test, unique across threads (0-based, dense). */
export function nextIterationInTest(): number {
  const r = current();
  return r ? r.nextIteration() : localIterations++;
}
