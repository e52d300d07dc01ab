/**
 * docs/results-schema.json as a validator (ajv, draft 2020-12, formats checked), closed: every
 * object that lists its properties rejects others, so a field the output writes and the schema
 * does not describe fails (the published schema allows additional properties: newer versions add
 * fields). Every results file a test's CLI run writes or a test reads back goes through it
 * (invariants.ts, cli.ts).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/results-schema.json', import.meta.url), 'utf8'));
// ajv-formats is CommonJS: its default export is the plugin itself, or under .default
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));

function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)]));
  if (out.properties && !('additionalProperties' in out) && !('unevaluatedProperties' in out)) out.unevaluatedProperties = false;
  return out;
}

/** The closed schema's validator. */
export const validateResults = ajv.compile(closed(SCHEMA) as object);

/** Every schema violation, one line each ('' when the file is valid). */
export function schemaViolations(summary: unknown): string {
  return validateResults(summary)
    ? ''
    : (validateResults.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
}

/** What looks like a results file (a Summary), whatever else it gets wrong. */
export function isResultsFile(x: unknown): boolean {
  const o = x as Record<string, unknown> | null;
  return !!o && typeof o === 'object' && o.version !== undefined && typeof o.metrics === 'object' && 'startedAt' in o;
}
