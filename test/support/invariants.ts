import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isResultsFile, schemaViolations } from './results-schema.js';

/** Trend statistics that must come in this order: no percentile outside [min, max]. */
const ORDER = ['min', 'med', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

/** What is wrong with a results file: its schema violations (results-schema.ts), its numbers; empty when nothing is. */
export function resultsViolations(results: { metrics?: Record<string, any>; distributed?: unknown }): string[] {
  // a segment's results file is a Summary plus the store's manifest (docs/config.md --store)
  const { distributed: _, ...summary } = results;
  const out: string[] = schemaViolations(summary).split('\n').filter(Boolean);
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

/** The files a CLI run may write results to: its `json=` outputs, the .json files of its folder, its local store's results. */
function candidates(args: string[], cwd: string | undefined): string[] {
  const base = cwd ?? process.cwd();
  const paths = new Set<string>();
  const local = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const list = (dir: string) => {
    try {
      for (const name of readdirSync(dir)) if (name.endsWith('.json')) paths.add(join(dir, name));
    } catch {
      // not there (yet): nothing to check
    }
  };
  args.forEach((a, i) => {
    const m = /^json=(.+)$/.exec(a);
    if (m) paths.add(local(m[1]));
    if (a === '--store' && args[i + 1] && !args[i + 1].includes('://')) list(join(local(args[i + 1]), 'results'));
  });
  if (cwd) list(cwd);
  return [...paths];
}

/** When each candidate file was last written, before the run (absent: -1). */
export function resultsBefore(args: string[], cwd: string | undefined): Map<string, number> {
  return new Map(candidates(args, cwd).map((p) => [p, mtimeOf(p)]));
}

function mtimeOf(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Every results file a CLI run wrote (new or rewritten since `before`), checked against
 * docs/results-schema.json and for percentiles outside [min, max]. Files the test wrote
 * itself (inputs of compare, merge, report) are left alone.
 */
export function checkWrittenResults(args: string[], cwd: string | undefined, before: Map<string, number>): string[] {
  const out: string[] = [];
  for (const p of candidates(args, cwd)) {
    const mtime = mtimeOf(p);
    if (mtime < 0 || mtime === before.get(p)) continue; // not written (the run failed before its reports, on purpose in many tests)
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(p, 'utf8'));
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
