import type { Executor } from './runtime.js';
import { waitFor } from './runtime.js';

/** pause: nothing starts for the step's duration. */
export const runIdle: Executor = async (step, rt) => {
  rt.setStage(step.index);
  await waitFor(step.durationMs, rt.stopping);
};
