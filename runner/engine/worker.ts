import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { installRuntime } from '../../scenarios/runtime.js';
import type { ScenarioDefinition } from '../../scenarios/types.js';
import { SecretMask } from '../secrets.js';
import { EXECUTORS } from './executors/index.js';
import { VuPool, waitFor, type StepRuntime } from './executors/runtime.js';
import { sharedAbortController } from '../wait.js';
import type { Iterations } from './iterations.js';
import { ThreadKit } from './thread-kit.js';
import { catchStrays } from './strays.js';
import type { FromWorker, Progress, ToWorker, WorkerInit } from './protocol.js';
import { messageOf, userLocation } from './source-location.js';
import { attachDatasets } from '../data/registry.js';

/** A worker thread: loads the scenario bundle and runs its segment of the plan. */

const init = workerData as WorkerInit;
const port = parentPort!;
// nothing leaves the thread unmasked (snapshots, logs, abort reasons); newly learnt values go to the main thread
const mask = new SecretMask(init.secrets);
mask.onAdd = (value) => port.postMessage({ type: 'secrets', values: [value] } satisfies FromWorker);
const post = (m: FromWorker) => port.postMessage(mask.values.length ? mask.maskDeep(m) : m);
process.setSourceMapsEnabled(true);

const kit = new ThreadKit(init, mask);
const { collector, http } = kit;
installRuntime({
  env: init.env,
  recordCheck: (name, ok, tags) => collector.recordCheck(name, ok, tags && Object.entries(tags).map(([k, v]) => [k, String(v)])),
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
let waitingFor: { step: number; resolve: () => void } | null = null;

let scenario: ScenarioDefinition;
attachDatasets(init.shared); // the main thread's datasets, before the scenario's top level asks for them
try {
  scenario = (await import(init.bundleUrl)).default as ScenarioDefinition;
} catch (err) {
  post({ type: 'fatal', message: messageOf(err), location: userLocation(err, process.cwd(), init.ownDir) });
  throw err;
}

function progress(its: Iterations): Progress {
  return { vus: its.active, inFlight: http.inFlight, stage };
}

function takeSnapshot() {
  // the histogram holds whole timer periods: the lag is what exceeds the 10 ms resolution
  if (loopDelay.count > 0) collector.trend('event_loop_delay').record(Math.max(0, Math.round(loopDelay.percentile(99) / 1000) - LOOP_RESOLUTION_MS * 1000));
  loopDelay.reset();
  const snapshot = collector.snapshot();
  collector.reset();
  return snapshot;
}

async function runSegment(data: unknown): Promise<void> {
  const its = kit.iterations(scenario, data, init.thread, init.threads,
    (line) => post({ type: 'log', line }), (reason) => post({ type: 'abortTest', reason }));
  port.on('message', (m: ToWorker) => {
    if (m.type === 'snapshot') {
      post({ type: 'interval', seq: m.seq, snapshot: takeSnapshot(), progress: progress(its), records: kit.takeRecords(), observations: kit.serverless?.take() });
    }
    else if (m.type === 'hardStop') { stopping.abort(); hardStop.abort(); its.hardStop(); }
  });
  const rt: StepRuntime = {
    iterations: its, thread: init.thread, threads: init.threads, stopping: stopping.signal,
    dropped: collector.counter('dropped_iterations'), pool: new VuPool(its, stopping.signal), freeSlots: [],
    setStage: (i) => { stage = i; },
  };
  const steps = init.plan.steps;
  for (let i = 0; i < steps.length && !stopping.signal.aborted; i++) {
    await EXECUTORS[steps[i].executor](steps[i], rt, steps[i + 1]);
    if (steps[i].dynamic && init.threads > 1 && i < steps.length - 1) {
      // threads finish a burst at different times; the next stage starts together
      post({ type: 'stepDone', step: i });
      await new Promise<void>((resolve) => {
        if (released.has(i)) resolve();
        else waitingFor = { step: i, resolve };
      });
    }
  }
  stopping.abort();
  await drain(its);
  post({ type: 'done', snapshot: takeSnapshot(), progress: progress(its), records: kit.takeRecords(), observations: kit.serverless?.take() });
  await kit.close();
  port.close();
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
    if (waitingFor?.step === m.step) { waitingFor.resolve(); waitingFor = null; }
  }
});
post({ type: 'ready' });
