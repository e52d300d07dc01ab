import { shareOf } from '../../plan/segment.js';
import { runArrivals } from './arrivals.js';
import type { Executor } from './runtime.js';
import { waitFor } from './runtime.js';

/** Open burst: `iterations` arrivals at once (or evenly over overMs); the step ends when they are done. */
export const runArrivalBurst: Executor = async (step, rt) => {
  if (step.executor !== 'arrival-burst') throw new TypeError(step.executor);
  rt.setStage(step.index);
  const { iterations, overMs } = step;
  const timeOf = (k: number) => (k < iterations ? (overMs * k) / iterations : null);
  const running = await runArrivals(rt, step.index, timeOf, Infinity, shareOf(step.maxVUs, rt.thread, rt.threads));
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, step.durationMs - overMs));
  const onStop = () => deadline.abort();
  rt.stopping.addEventListener('abort', onStop, { once: true });
  await Promise.race([running.idle(), waitFor(Infinity, deadline.signal)]);
  clearTimeout(timer);
  rt.stopping.removeEventListener('abort', onStop);
};
