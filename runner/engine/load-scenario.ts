import { dirname, resolve } from 'node:path';
import type { ScenarioDefinition } from '../../scenarios/types.js';
import { beginDatasets, sealDatasets } from '../data/registry.js';
import { ScenarioError, UsageError } from '../errors.js';
import { messageOf, userLocation } from './source-location.js';
import { checkHttpOptions } from '../http/options.js';
import { checkLlmOptions } from '../llm/options.js';

const FIELDS = [
  'name',
  'target',
  'stages',
  'profiles',
  'thresholds',
  'metrics',
  'http',
  'gracefulStop',
  'setup',
  'iteration',
  'teardown',
  'serverless',
  's3',
  'workloads',
  'llm',
  'slo',
];
const METRIC_TYPES = ['counter', 'rate', 'trend', 'gauge'];

/**
 * Imports a bundled scenario and checks its shape. A throw while the module evaluates is the
 * scenario's (exit 107); a wrong shape is a usage error naming the field (exit 2).
 */
export async function loadScenario(url: string, file: string, ownDir: string): Promise<ScenarioDefinition> {
  let mod: { default?: unknown };
  beginDatasets(dirname(resolve(file))); // dataset() at the top level loads here, once, for every thread
  try {
    mod = await import(url);
    sealDatasets();
  } catch (err) {
    if (err instanceof UsageError) throw err; // a dataset's missing or malformed file
    const at = userLocation(err, process.cwd(), ownDir);
    if ((err as { code?: unknown } | null)?.code === 'RAMPART_FILE') throw new UsageError(`${file}: ${messageOf(err)}`); // file() of a missing path
    throw new ScenarioError(`${at ?? file}: the scenario threw while loading: ${messageOf(err)}`);
  }
  const def = mod.default as Record<string, unknown> | undefined;
  if (def === undefined) {
    throw new UsageError(`${file}: no default export; end the file with: export default scenario({ name, stages, iteration })`);
  }
  if (typeof def !== 'object' || def === null) {
    throw new UsageError(`${file}: the default export must be scenario({ ... }), got ${typeof def}`);
  }
  for (const key of Object.keys(def)) {
    if (!FIELDS.includes(key)) throw new UsageError(`${file}: unknown scenario field '${key}' (known: ${FIELDS.join(', ')})`);
  }
  if (typeof def.name !== 'string' || def.name.trim() === '') throw new UsageError(`${file}: 'name' must be a non-empty string`);
  // with `workloads`, each workload brings its iteration (checked with its stages, runner/plan/workloads.ts)
  if (def.workloads === undefined && typeof def.iteration !== 'function')
    throw new UsageError(`${file}: 'iteration' must be a function (ctx, data) => ...`);
  for (const hook of ['setup', 'teardown'] as const) {
    if (def[hook] !== undefined && typeof def[hook] !== 'function') throw new UsageError(`${file}: '${hook}' must be a function`);
  }
  checkHttpOptions(def.http, file);
  checkLlmOptions(def.llm, def.slo, file);
  if (def.target !== undefined && typeof def.target !== 'string') throw new UsageError(`${file}: 'target' must be a URL string`);
  const metrics = def.metrics as Record<string, unknown> | undefined;
  if (metrics !== undefined) {
    if (typeof metrics !== 'object' || metrics === null)
      throw new UsageError(`${file}: 'metrics' must be { name: 'trend' | 'counter' | 'rate' | 'gauge' }`);
    for (const [name, type] of Object.entries(metrics)) {
      if (!METRIC_TYPES.includes(type as string)) throw new UsageError(`${file}: metrics.${name} must be one of ${METRIC_TYPES.join(', ')}`);
    }
  }
  return def as unknown as ScenarioDefinition;
}

/** The target as a URL, or a usage error naming where it came from. */
export function checkTarget(target: string | undefined, where: string): string | undefined {
  if (target === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`${where}: target '${target}' is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${where}: target '${target}' must be http:// or https://`);
  }
  return target;
}
