import { AsyncLocalStorage } from 'node:async_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { installRuntime } from '../../scenarios/runtime.js';
import type { ScenarioDefinition } from '../../scenarios/types.js';
import { SecretMask } from '../secrets.js';
import { EXECUTORS } from './executors/index.js';
import { VuPool, waitFor, type StepRuntime } from './executors/runtime.js';
import type { CounterMetric } from '../metrics/metric.js';
import type { WorkloadPlan } from '../plan/types.js';
import { sharedAbortController } from '../wait.js';
import type { Iterations } from './iterations.js';
import { ThreadKit } from './thread-kit.js';
import { catchStrays } from './strays.js';
import type { FromWorker, Progress, ToWorker, WorkerInit } from './protocol.js';
import { messageOf, userLocation } from './source-location.js';
import { attachDatasets } from '../data/registry.js';
import { fewIterations, setEngineFlags } from './engine-flags.js';
import { openWarmTarget, primeParser } from '../http/warm-code.js';

/** A worker thread: loads the scenario bundle and runs its segment of the plan. */

// the server and the client (undici loads) that instantiate undici's parser once the flags are set
// (warm-code.ts), made before them: a thread booted early (threads.ts) does it while it waits for its init
const primer = openWarmTarget(1).catch(() => undefined);
/** The thread's flags, then the primer's GET: once, on the main thread's hint (threads.ts) or with the init. */
let primed: Promise<void> | undefined;
function prime(few: boolean): Promise<void> {
  if (!primed) {
    setEngineFlags(few);
    primed = primer.then(primeParser);
  }
  return primed;
}
const init: WorkerInit = (workerData as { early?: boolean }).early ? await initFromParent(prime) : (workerData as WorkerInit);
const port = parentPort!;
// nothing leaves the thread unmasked (snapshots, logs, abort reasons); newly learnt values go to the main thread
const mask = new SecretMask(init.secrets);
mask.onAdd = (value) => port.postMessage({ type: 'secrets', values: [value] } satisfies FromWorker);
const post = (m: FromWorker) => port.postMessage(mask.values.length ? mask.maskDeep(m) : m);
process.setSourceMapsEnabled(true);

const kit = new ThreadKit(init, mask);
const { collector, http } = kit;
/**
 * The running iteration's workload tags, for checks: check() cannot know its VU. Only in a
 * file with `workloads` (request and iteration samples get theirs from their stage).
 */
const workloadTags = init.plan.workloads.some((w) => w.sampleTags.workload) ? new AsyncLocalStorage<[string, string][]>() : null;
installRuntime({
  env: init.env,
  recordCheck: (name, ok, tags) => {
    const own = tags && Object.entries(tags).map(([k, v]) => [k, String(v)] as [string, string]);
    const workload = workloadTags?.getStore();
    collector.recordCheck(name, ok, workload ? [...(own ?? []), ...workload] : own);
  },
  abortTest: (reason) => post({ type: 'abortTest', reason }),
});

catchStrays(collector, init.ownDir);

// the load generator's own event-loop lag, so a slow client never hides as a slow server
const LOOP_RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loopDelay.enable();
/** no new iterations (end of the plan, or a graceful stop) */
const stopping = sharedAbortController();
/** abort what is in flight (second signal, or gracefulStop ran out) */
const hardStop = sharedAbortController();
let stage = 0;
const released = new Set<number>();
/** bursts this thread waits to be released from (the next stage starts on every thread together) */
const waitingFor = new Map<number, () => void>();

let scenario: ScenarioDefinition;
attachDatasets(init.shared); // the main thread's datasets, before the scenario's top level asks for them
try {
  scenario = (await import(init.bundleUrl)).default as ScenarioDefinition;
} catch (err) {
  post({ type: 'fatal', message: messageOf(err), location: userLocation(err, process.cwd(), init.ownDir) });
  throw err;
}

function progress(its: Iterations): Progress {
  const peakVus = its.peak;
  its.peak = its.active; // the next report's peak starts from what is in flight now
  return { vus: its.active, peakVus, inFlight: http.inFlight, stage };
}

function takeSnapshot() {
  // the histogram holds whole timer periods: the lag is what exceeds the 10 ms resolution
  if (loopDelay.count > 0)
    collector.trend('event_loop_delay').record(Math.max(0, Math.round(loopDelay.percentile(99) / 1000) - LOOP_RESOLUTION_MS * 1000));
  loopDelay.reset();
  const snapshot = collector.snapshot();
  collector.reset();
  return snapshot;
}

async function runSegment(data: unknown): Promise<void> {
  const its = kit.iterations(
    byWorkload(scenario),
    data,
    init.thread,
    init.threads,
    (line) => post({ type: 'log', line }),
    (reason) => post({ type: 'abortTest', reason }),
  );
  port.on('message', (m: ToWorker) => {
    if (m.type === 'snapshot') {
      post({
        type: 'interval',
        seq: m.seq,
        snapshot: takeSnapshot(),
        progress: progress(its),
        records: kit.takeRecords(),
        observations: kit.serverless?.take(),
      });
    } else if (m.type === 'hardStop') {
      stopping.abort();
      hardStop.abort();
      its.hardStop();
    }
  });
  // a workload's samples carry its tags: the collector adds them to every sample of its stages
  collector.stageTags = init.plan.steps.map((s) => Object.entries(workloadOf(s.workload).sampleTags));
  await Promise.all(init.plan.workloads.map((w) => runWorkload(w, its)));
  stopping.abort();
  await drain(its);
  post({ type: 'done', snapshot: takeSnapshot(), progress: progress(its), records: kit.takeRecords(), observations: kit.serverless?.take() });
  await kit.close();
  port.close();
}

function workloadOf(name: string): WorkloadPlan {
  return init.plan.workloads.find((w) => w.name === name)!;
}

/** One workload's steps in order, from its startAfter, with its own VUs; the workloads run side by side. */
async function runWorkload(w: WorkloadPlan, its: Iterations): Promise<void> {
  if (w.startAfterMs > 0) await waitFor(w.startAfterMs, stopping.signal);
  const tags = Object.entries(w.sampleTags);
  const dropped = collector.tagged('dropped_iterations', 'counter', tags) as CounterMetric[];
  const rt: StepRuntime = {
    iterations: its,
    thread: init.thread,
    threads: init.threads,
    stopping: stopping.signal,
    dropped: {
      add: (n = 1) => {
        for (const m of dropped) m.add(n);
      },
    },
    pool: new VuPool(its, stopping.signal),
    freeSlots: [],
    setStage: (i) => {
      stage = i;
    },
  };
  for (let i = 0; i < w.steps.length && !stopping.signal.aborted; i++) {
    const step = w.steps[i];
    await EXECUTORS[step.executor](step, rt, w.steps[i + 1]);
    if (step.dynamic && init.threads > 1 && i < w.steps.length - 1) {
      // threads finish a burst at different times; the next stage starts together
      post({ type: 'stepDone', step: step.index });
      await new Promise<void>((resolve) => {
        if (released.has(step.index)) resolve();
        else waitingFor.set(step.index, resolve);
      });
    }
  }
}

/**
 * The iteration the Iterations runner calls: it runs the function of the workload whose stage
 * started it, and sets ctx.workload and ctx.iterationInWorkload (dense across threads: one
 * shared counter per workload).
 */
function byWorkload(def: ScenarioDefinition): ScenarioDefinition {
  const counters = new BigInt64Array(init.workloadIterations ?? new SharedArrayBuffer(8 * init.plan.workloads.length));
  const byStep = init.plan.steps.map((s) => {
    const w = init.plan.workloads.findIndex((x) => x.name === s.workload);
    const owner = def.workloads?.[s.workload] ?? def;
    return { name: s.workload, w, owner, fn: owner.iteration, tags: Object.entries(workloadOf(s.workload).sampleTags) };
  });
  return {
    ...def,
    iteration(ctx, data) {
      const s = byStep[ctx.stage];
      ctx.workload = s.name;
      ctx.iterationInWorkload = Number(Atomics.add(counters, s.w, 1n));
      return workloadTags ? workloadTags.run(s.tags, () => s.fn.call(s.owner, ctx, data)) : s.fn.call(s.owner, ctx, data);
    },
  };
}

/** Gives in-flight iterations gracefulStop to finish, then aborts them; a hung one is counted interrupted. */
async function drain(its: Iterations): Promise<void> {
  await Promise.race([its.whenIdle(), waitFor(init.gracefulStopMs, hardStop.signal)]);
  if (its.active === 0) return;
  its.hardStop();
  await Promise.race([its.whenIdle(), waitFor(2000, new AbortController().signal)]);
  // user code that ignores ctx.signal: give up on it, and say so
  if (its.active > 0) collector.counter('interrupted_iterations').add(its.active);
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') void runSegment(m.data);
  else if (m.type === 'stop') stopping.abort();
  else if (m.type === 'go') {
    released.add(m.step);
    waitingFor.get(m.step)?.();
    waitingFor.delete(m.step);
  }
});
// flags now that this thread's modules are loaded, and before its parser is (engine-flags.ts); the
// parser instantiated before t=0, not in the first measured request (warm-code.ts)
await prime(fewIterations(init.plan));
await kit.warmUp(); // compiled code and the pool's connections, before t=0 and unmeasured (warm-code.ts, warm-pool.ts)
post({ type: 'ready' });

function initFromParent(onPlan: (fewIterations: boolean) => void): Promise<WorkerInit> {
  return new Promise((resolve) => {
    const listener = (m: ToWorker) => {
      if (m.type === 'plan') onPlan(m.fewIterations);
      else if (m.type === 'init') {
        parentPort!.off('message', listener);
        resolve(m.init);
      }
    };
    parentPort!.on('message', listener);
  });
}
