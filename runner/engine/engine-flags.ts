import { setFlagsFromString } from 'node:v8';

/**
 * Process-wide V8 flags, set by each load thread once it has loaded its modules, before its
 * warm-up and its first request. undici's HTTP parser (llhttp, WebAssembly) is one huge function
 * that V8 recompiles with TurboFan once it is hot (TIERING_BUDGET), early in the load: that compile
 * briefly took 32 MB of malloc, the run's peak RSS. Without wasm loop unrolling and peeling it
 * takes 21 MB, and parsing a response is as fast (0.80 µs either way, measured on nginx's
 * response). JavaScript is not affected.
 *
 * Not earlier: V8 refuses a code cache made under other flags, and Node's own modules come from
 * such a cache. Set before the load threads started, the flags made every thread compile Node's
 * internals from source (under --cpu-prof, a load thread booted in 210 ms instead of 115).
 */
export function setEngineFlags(): void {
  setFlagsFromString('--no-wasm-loop-unrolling');
  setFlagsFromString('--no-wasm-loop-peeling');
  setFlagsFromString(`--wasm-tiering-budget=${TIERING_BUDGET}`);
}

/**
 * When V8 recompiles llhttp with TurboFan. With V8's budget, the first response parsed sets off
 * the compile: ~130 ms of a core on a helper thread, and V8 finishes it before a thread or the
 * process may end, so a one-request run paid it in full at its exit. With the largest budget the
 * compile starts after ~400 responses (measured with `--trace-wasm-compilation-times`): a short
 * run never pays it, a long one has the faster parser within its first moments, and an
 * open-model warm-up (3,000 GETs, warm-code.ts) still sets it off before t=0.
 */
const TIERING_BUDGET = 2 ** 31 - 1;
