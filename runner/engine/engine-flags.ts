import { setFlagsFromString } from 'node:v8';
import type { Plan } from '../plan/types.js';

/**
 * Process-wide V8 flags, set by each load thread once it has loaded its modules and knows whether
 * its plan is a few iterations (fewIterations), before its first request. undici's HTTP parser
 * (llhttp, WebAssembly) is one huge function that V8 recompiles with TurboFan once it is hot:
 * that compile briefly took 32 MB of malloc, the run's peak RSS. Without wasm loop unrolling and
 * peeling it takes 21 MB, and parsing a response is as fast (0.80 µs either way, measured on
 * nginx's response). JavaScript is not affected.
 *
 * Not earlier: V8 refuses a code cache made under other flags, and Node's own modules come from
 * such a cache. Set before the load threads started, the flags made every thread compile Node's
 * internals from source (under --cpu-prof, a load thread booted in 210 ms instead of 115).
 */
export function setEngineFlags(few: boolean): void {
  setFlagsFromString('--no-wasm-loop-unrolling');
  setFlagsFromString('--no-wasm-loop-peeling');
  setFlagsFromString(`--wasm-tiering-budget=${few ? LARGEST_BUDGET : V8_BUDGET}`);
}

/**
 * When V8 recompiles llhttp's functions with TurboFan. With V8's budget (Node 20's V8 11.3), the
 * first response parsed sets off the compile of the huge function: ~100-130 ms of a core on a
 * helper thread, and V8 finishes it before a thread or the process may end, so a one-request run
 * paid it in full at its exit. The parser's small functions follow after 1,000-18,000 responses.
 * With the largest budget the huge one waits for ~400 responses and the small ones for ever
 * (measured with `--trace-wasm-compilation-times`): right for a smoke test, ~3 µs a request
 * slower in a long run. So the largest budget only for a plan of a few iterations, and V8's own
 * (Node 20's default) set back for any other: the flags outlive a run (`--profile a --profile b`).
 */
const V8_BUDGET = 1_800_000;
const LARGEST_BUDGET = 2 ** 31 - 1;
const FEW_ITERATIONS = 100;

/** Bursts only (pauses aside), FEW_ITERATIONS iterations in all at most. */
export function fewIterations(plan: Plan): boolean {
  let iterations = 0;
  for (const step of plan.steps) {
    if (step.executor === 'shared-iterations' || step.executor === 'arrival-burst') iterations += step.iterations;
    else if (step.executor !== 'idle') return false;
  }
  return iterations <= FEW_ITERATIONS;
}
