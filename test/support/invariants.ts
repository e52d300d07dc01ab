import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Trend statistics that must come in this order: no percentile outside [min, max]. */
const ORDER = ['min', 'med', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

/** What is wrong with a results file's numbers; empty when nothing is. */
export function resultsViolations(results: { metrics?: Record<string, any> }): string[] {
  const out: string[] = [];
  for (const [key, m] of Object.entries(results.metrics ?? {})) {
    if (m?.type !== 'trend' || !m.count) continue;
    for (let i = 1; i < ORDER.length; i++) {
      if (m[ORDER[i]] < m[ORDER[i - 1]]) out.push(`${key}: ${ORDER[i]}=${m[ORDER[i]]} < ${ORDER[i - 1]}=${m[ORDER[i - 1]]}`);
    }
    if (m.avg < m.min || m.avg > m.max) out.push(`${key}: avg=${m.avg} outside [${m.min}, ${m.max}]`);
    // a sub-metric holds some of its parent's samples: its extremes lie within the parent's
    const brace = key.indexOf('{');
    const parent = brace > 0 ? results.metrics?.[key.slice(0, brace)] : undefined;
    if (parent?.type === 'trend' && parent.count && (m.max > parent.max || m.min < parent.min)) {
      out.push(`${key}: [${m.min}, ${m.max}] outside its parent's [${parent.min}, ${parent.max}]`);
    }
  }
  return out;
}

function isResultsFile(x: any): boolean {
  return x && typeof x === 'object' && x.version === 1 && x.metrics && typeof x.metrics === 'object' && 'startedAt' in x;
}

/**
 * Every results file a CLI run wrote (the `json=` outputs it was given, and any results file
 * in its working folder written since `since`), checked for percentiles outside [min, max].
 */
export function checkWrittenResults(args: string[], cwd: string | undefined, since: number): string[] {
  const base = cwd ?? process.cwd();
  const paths = new Set<string>();
  for (const a of args) {
    const m = /^json=(.+)$/.exec(a);
    if (m) paths.add(isAbsolute(m[1]) ? m[1] : join(base, m[1]));
  }
  if (cwd) {
    for (const name of readdirSync(cwd)) if (name.endsWith('.json')) paths.add(join(cwd, name));
  }
  const out: string[] = [];
  for (const p of paths) {
    let text: string;
    try {
      if (statSync(p).mtimeMs < since - 1000) continue;
      text = readFileSync(p, 'utf8');
    } catch {
      continue; // not written (the run failed before its reports, on purpose in many tests)
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    if (isResultsFile(parsed)) out.push(...resultsViolations(parsed as any).map((v) => `${p}: ${v}`));
  }
  return out;
}

/** Warnings Node or a dependency printed on their own: never for a user's ordinary run. */
export function foreignWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\(node:\d+\)|\b[A-Z][A-Za-z]*Warning\b|--trace-warnings/.test(l));
}
