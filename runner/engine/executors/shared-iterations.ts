import { budgetShareOf, shareOf } from '../../plan/segment.js';
import type { Executor } from './runtime.js';
import { waitFor } from './runtime.js';

/**
 * Closed burst: this thread's share of `vus` slots all start at t=0 and take iterations from
 * a shared budget until it is spent. Ends when every slot is done, or at maxDuration (slots
 * then take no new iteration; the ones running finish in the background).
 */
export const runSharedIterations: Executor = async (step, rt) => {
  if (step.executor !== 'shared-iterations') throw new TypeError(step.executor);
  rt.setStage(step.index);
  const vus = shareOf(step.vus, rt.thread, rt.threads);
  let budget = budgetShareOf(step.iterations, step.vus, rt.thread, rt.threads);
  const expired = new AbortController();
  const timer = setTimeout(() => expired.abort(), step.durationMs);
  const onStop = () => expired.abort();
  rt.stopping.addEventListener('abort', onStop, { once: true });
  const loops: Promise<void>[] = [];
  const slots = Math.min(vus, budget); // before the loop: each slot takes from the budget as it starts
  for (let i = 0; i < slots; i++) {
    const slot = rt.freeSlots.pop() ?? rt.iterations.newSlot();
    loops.push(
      (async () => {
        while (budget > 0 && !expired.signal.aborted) {
          budget--;
          await rt.iterations.run(slot, step.index);
        }
        rt.freeSlots.push(slot);
      })(),
    );
  }
  await Promise.race([Promise.all(loops), waitFor(Infinity, expired.signal)]);
  clearTimeout(timer);
  rt.stopping.removeEventListener('abort', onStop);
};
