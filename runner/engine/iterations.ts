import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Context, CustomMetrics, LifecycleContext, ScenarioDefinition, Tags } from '../../scenarios/types.js';
import { TestAbortedError } from '../../scenarios/runtime.js';
import { parseDuration } from '../duration.js';
import { sharedAbortController, waitFor } from '../wait.js';
import { msToUs } from '../metrics/hdr.js';
import type { Collector, TagList } from '../metrics/collector.js';
import type { CounterMetric, TrendMetric } from '../metrics/metric.js';
import type { HttpEngine, VuRef } from '../http/client.js';
import { messageOf, userLocation } from './source-location.js';
import { BAD_OPTION_MARK } from '../http/options.js';
import { NO_JOBS, type ServerlessRuntime } from '../serverless/runtime.js';
import type { S3Helper } from '../s3/types.js';
import { nextIterationInTest } from '../data/registry.js';
import { runGroup } from './groups.js';
import { llmClient } from '../llm/client.js';
import { llmSettings, type LlmSettings } from '../llm/options.js';
import { tagSetKey } from '../metrics/names.js';

/** One VU slot: its context object is reused for every iteration it runs. */
export interface VuSlot {
  id: number;
  ref: VuRef;
  ctx: Context;
  iterations: number;
  /** performance.now() of the last time this slot let the event loop run */
  yieldedAt: number;
}

export interface IterationsOptions {
  scenario: ScenarioDefinition;
  data: unknown;
  /** the thread's HTTP engine (a getter: the main thread makes one only when setup or teardown asks) */
  readonly http: HttpEngine;
  /** the scenario's target (what relative URLs resolve against) */
  target: string | undefined;
  collector: Collector;
  env: Record<string, string | undefined>;
  /** this thread's index and the number of threads, to make VU ids unique across threads */
  thread: number;
  threads: number;
  log: (line: string) => void;
  onAbortTest: (reason: string) => void;
  ownDir: string;
  serverless: ServerlessRuntime | null;
  /** the thread's S3 helper, created on first use */
  s3: () => S3Helper;
}

/**
 * Runs iterations and gives each exactly one outcome: complete (counted in `iterations`),
 * failed by an exception (also `failed_iterations`, grouped by message and TypeScript
 * location), or interrupted by the run's hard stop (`interrupted_iterations`).
 */
/** what `thrown` holds when the iteration threw nothing (it may throw undefined) */
const NOTHING_THROWN = Symbol('nothing thrown');

export class Iterations {
  /** iterations in flight on this thread */
  active = 0;
  /** the most iterations in flight since the worker last reported it (the vus gauge's true max) */
  peak = 0;
  private readonly stopController = sharedAbortController(); // ctx.signal: every VU may listen
  private readonly iterationsDone: CounterMetric;
  private readonly failed: CounterMetric;
  private readonly interrupted: CounterMetric;
  private readonly durations = new Map<number, TrendMetric[]>();
  private nextLocalId = 0;
  private idleWaiters: (() => void)[] = [];
  readonly metrics: CustomMetrics;
  private readonly llm: LlmSettings;

  constructor(private readonly o: IterationsOptions) {
    this.llm = llmSettings(o.scenario.llm, o.scenario.slo, o.target);
    this.iterationsDone = o.collector.counter('iterations');
    this.failed = o.collector.counter('failed_iterations');
    this.interrupted = o.collector.counter('interrupted_iterations');
    this.metrics = customMetrics(o.collector);
  }

  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  /** The hard stop: aborts ctx.signal and every request in flight. */
  hardStop(): void {
    if (this.stopped) return;
    this.stopController.abort();
    this.o.http.abortAll();
  }

  /** Resolves when no iteration is in flight. */
  whenIdle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  newSlot(): VuSlot {
    const id = this.o.thread + this.o.threads * this.nextLocalId++ + 1;
    const ref: VuRef = { stage: 0, vu: id, iteration: 0, intendedAt: 0 };
    const ctx = this.lifecycleContext(`vu ${id}`, ref) as Context;
    Object.assign(ctx, { vu: id, iteration: 0, iterationInTest: 0, stage: 0 });
    return { id, ref, ctx, iterations: 0, yieldedAt: performance.now() };
  }

  lifecycleContext(label: string, ref: VuRef = { stage: -1, vu: 0, iteration: 0, intendedAt: 0 }): LifecycleContext {
    const http = this.o.http.client(ref);
    const s3 = this.o.s3;
    const makeLlm = () => llmClient(http, this.o.collector, this.llm, ref);
    let llm: ReturnType<typeof makeLlm> | undefined;
    return {
      http,
      jobs: this.o.serverless ? this.o.serverless.jobs(http, this.signal) : NO_JOBS,
      get s3() {
        return s3();
      },
      // built on first use: an open-model stage creates VUs under load, and most never stream a model
      get llm() {
        return (llm ??= makeLlm());
      },
      env: this.o.env,
      signal: this.signal,
      metrics: this.metrics,
      sleep: (d) => sleep(parseDuration(d), this.signal),
      group: (name, fn) => runGroup(ref, this.o.collector, name, fn),
      log: (...args: unknown[]) => this.o.log(`[${label}] ${args.map((a) => (typeof a === 'string' ? a : inspectValue(a))).join(' ')}`),
    };
  }

  /**
   * Runs one iteration on `slot`; `intendedStart` (open model) is when it should have started.
   * Its async frame holds only what crosses the awaits (V8 allocates every local per call).
   */
  async run(slot: VuSlot, stage: number, intendedStart?: number): Promise<void> {
    const start = this.begin(slot, stage, intendedStart);
    let thrown: unknown = NOTHING_THROWN;
    try {
      await this.o.scenario.iteration(slot.ctx, this.o.data);
    } catch (err) {
      thrown = err;
    }
    this.end(stage, start, thrown);
    // a VU whose iterations never wait on I/O must not starve timers and messages
    const now = performance.now();
    if (now - slot.yieldedAt > 10) {
      slot.yieldedAt = now;
      await yieldToLoop();
    }
  }

  /** The iteration's numbers on its VU and context; returns when it (should have) started. */
  private begin(slot: VuSlot, stage: number, intendedStart: number | undefined): number {
    slot.ref.stage = stage;
    slot.ref.iteration = slot.iterations;
    slot.ref.intendedAt = intendedStart === undefined ? 0 : performance.timeOrigin + intendedStart;
    slot.ctx.stage = stage;
    slot.ctx.iteration = slot.iterations++;
    slot.ctx.iterationInTest = nextIterationInTest();
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
    return intendedStart ?? performance.now();
  }

  /** Counts the iteration (done, failed, interrupted), records its duration and its error. */
  private end(stage: number, start: number, thrown: unknown): void {
    this.active--;
    if (this.active === 0 && this.idleWaiters.length) for (const wake of this.idleWaiters.splice(0)) wake();
    if (this.stopped) {
      this.interrupted.add();
      return;
    }
    this.iterationsDone.add();
    const us = msToUs(performance.now() - start); // one value for the metric and its sub-metrics
    for (const m of this.durationsFor(stage)) m.record(us);
    if (thrown === NOTHING_THROWN) return;
    // the scenario bundle carries its own copy of the authoring API, so its class is not ours
    if (thrown instanceof TestAbortedError || (thrown as { code?: unknown } | null)?.code === 'RAMPART_TEST_ABORTED') {
      this.o.onAbortTest(messageOf(thrown));
      return;
    }
    this.failed.add();
    const location = userLocation(thrown, process.cwd(), this.o.ownDir);
    this.o.collector.recordError({ kind: 'exception', message: messageOf(thrown), location });
    // a bad request option (runner/http/options.ts) is the scenario's bug: the run ends with exit 107
    if ((thrown as { code?: unknown } | null)?.code === 'RAMPART_BAD_OPTION') {
      this.o.onAbortTest(`${BAD_OPTION_MARK}${location ?? 'scenario'}: ${messageOf(thrown)}`);
    }
  }

  private durationsFor(stage: number): TrendMetric[] {
    let list = this.durations.get(stage);
    if (!list) {
      const tags: TagList = [['stage', String(stage)]];
      list = this.o.collector.tagged('iteration_duration', 'trend', tags, String(stage)) as TrendMetric[];
      this.durations.set(stage, list);
    }
    return list;
  }
}

/** ctx.sleep: a wait that ends early when the run stops; a bad duration is the scenario's error. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new TypeError(`sleep: not a duration`));
  return waitFor(ms, signal);
}

function customMetrics(c: Collector): CustomMetrics {
  const tagList = (tags: Tags | undefined): [TagList, string] => {
    if (!tags) return [[], ''];
    const list = Object.entries(tags).map(([k, v]) => [k, String(v)] as [string, string]);
    return [list, tagSetKey(list)];
  };
  return {
    counter: (name) => ({
      add: (value = 1, tags) => {
        const [l, k] = tagList(tags);
        for (const m of c.tagged(name, 'counter', l, k)) (m as CounterMetric).add(value);
      },
    }),
    rate: (name) => ({
      add: (value, tags) => {
        const [l, k] = tagList(tags);
        for (const m of c.tagged(name, 'rate', l, k)) (m as any).add(value);
      },
    }),
    trend: (name) => ({
      add: (ms, tags) => {
        const [l, k] = tagList(tags);
        for (const m of c.tagged(name, 'trend', l, k)) (m as TrendMetric).record(msToUs(ms));
      },
    }),
    gauge: (name) => ({
      set: (value, tags) => {
        const [l, k] = tagList(tags);
        for (const m of c.tagged(name, 'gauge', l, k)) (m as any).set(value);
      },
    }),
  };
}

function inspectValue(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
