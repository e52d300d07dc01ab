import type { Collector } from '../metrics/collector.js';
import { messageOf, userLocation } from './source-location.js';

/**
 * User code must not be able to crash a thread: a rejection nobody handles or a throw in a
 * timer becomes an exception error group (with its TypeScript location), not a death.
 * Returns the function that takes the handlers off again.
 */
export function catchStrays(collector: Collector, ownDir: string): () => void {
  const record = (what: string) => (err: unknown) =>
    collector.recordError({ kind: 'exception', message: `${what}: ${messageOf(err)}`, location: userLocation(err, process.cwd(), ownDir) });
  const onRejection = record('unhandled rejection');
  const onException = record('uncaught exception');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
