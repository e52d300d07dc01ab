import type { Collector } from '../metrics/collector.js';
import { msToUs } from '../metrics/hdr.js';
import type { TrendMetric } from '../metrics/metric.js';
import type { VuRef } from '../http/client.js';

/** k6's separator of nested group names: group('a', () => group('b', ...)) is 'a::b'. */
export const GROUP_SEPARATOR = '::';

/**
 * ctx.group(name, fn): while `fn` runs, the VU's requests carry the tag group:<path>; when it
 * returns, its time is recorded as group_duration{group:<path>}. The path lives on the VU's
 * own ref (not in async context), so it costs nothing to VUs that use no group; a VU that runs
 * two groups at once (Promise.all) gets the tag of whichever was entered last.
 */
export async function runGroup<T>(ref: VuRef, collector: Collector, name: string, fn: () => T | Promise<T>): Promise<T> {
  if (typeof name !== 'string' || name.trim() === '' || name.includes(GROUP_SEPARATOR)) {
    throw new TypeError(`group(name, fn): name must be a non-empty string without '${GROUP_SEPARATOR}', got ${JSON.stringify(name)}`);
  }
  if (typeof fn !== 'function') throw new TypeError(`group('${name}', fn): fn must be a function`);
  const outer = ref.group;
  const path = outer === undefined ? name : `${outer}${GROUP_SEPARATOR}${name}`;
  ref.group = path;
  const start = performance.now();
  let result: T;
  try {
    result = await fn();
  } finally {
    ref.group = outer;
  }
  const us = msToUs(performance.now() - start); // one value for the metric and its sub-metrics
  for (const m of collector.tagged('group_duration', 'trend', [['group', path]], path)) (m as TrendMetric).record(us);
  return result;
}
