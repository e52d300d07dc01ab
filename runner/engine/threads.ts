import { Worker } from 'node:worker_threads';

// next to this module: dist/runner/engine/, or the command's bundle (scripts/bundle-cli.mjs)
const WORKER_FILE = new URL('./worker.js', import.meta.url);

/**
 * A load thread's young generation. Almost everything a request allocates dies young, and V8
 * lets the young space grow to tens of MB under a high allocation rate: resident memory that buys
 * little. Smaller costs scavenges (the requests in flight are copied each time): at 50 VUs
 * against nginx (under --cpu-prof), 8 MB spent 20% of the thread in GC, 16 MB 15%, 32 MB 10%,
 * 64 MB 11%, for a peak RSS of 151, 153, 166 and 195 MB (docs/benchmarks.md, target 4).
 * Since requests are no longer promoted (runner/http/in-flight.ts), scavenges cost ~1 µs per
 * request at 16 MB and ~1.7 µs at 8 MB (--trace-gc-nvp), for the same peak RSS (~111 MB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** A load thread started before its run was known; an error while it booted is kept for load(). */
interface Booted {
  worker: Worker;
  error?: Error;
}
const booted: Booted[] = [];

/**
 * Has `n` load threads booting or booted: they boot and load the engine and undici while this
 * thread parses the command and esbuild bundles the scenario, then wait for their WorkerInit
 * (takeThread). `rampart run` boots one before yargs parses it (cli/index.ts), the rest once it
 * knows --workers.
 */
export function bootThreads(n: number): void {
  for (let i = booted.length; i < n; i++) {
    const b: Booted = { worker: spawn({ early: true }) };
    b.worker.once('error', (err) => {
      b.error = err;
    });
    booted.push(b);
  }
}

/**
 * Tells the booted threads whether the run's plan is a few iterations, as soon as the main thread
 * has built it: they set their flags and instantiate undici's parser while it prepares the rest of
 * the run, instead of after their init (engine-flags.ts, worker.ts).
 */
export function hintPlan(fewIterations: boolean): void {
  for (const b of booted) if (!b.error) b.worker.postMessage({ type: 'plan', fewIterations });
}

/** Ends the booted threads no run took (the run failed before its load, or needed fewer). */
export function discardBootedThreads(): void {
  for (const b of booted.splice(0)) void b.worker.terminate();
}

/** A load thread for `init`: a booted one, sent its init, else a new one started with it. */
export function takeThread(init: unknown): { worker: Worker; error?: Error } {
  const b = booted.shift();
  if (!b) return { worker: spawn(init) };
  if (!b.error) b.worker.postMessage({ type: 'init', init });
  return b;
}

function spawn(workerData: unknown): Worker {
  return new Worker(WORKER_FILE, { workerData, stdout: false, stderr: false, resourceLimits: WORKER_LIMITS });
}
