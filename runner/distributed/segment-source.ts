/**
 * Which segment of a distributed run this process runs: from `--segment i/n`, or from the
 * engine that started it (Kubernetes Indexed Job, GitLab `parallel:`, AWS Batch array job).
 * Indices are 0-based inside rampart; `--segment` and GitLab count from 1.
 */
import { UsageError } from '../errors.js';

export interface Segment {
  /** 0-based */
  index: number;
  count: number;
}

/** The most segments a run may have: each is a process, usually a machine. */
export const MAX_SEGMENTS = 1024;

/** '2/8' → the 2nd of 8 (index 1). */
export function parseSegment(raw: string, flag = '--segment'): Segment {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || n > MAX_SEGMENTS || i < 1 || i > n) {
    throw new UsageError(`${flag} '${raw}': expected I/N with 1 ≤ I ≤ N ≤ ${MAX_SEGMENTS}, e.g. 2/8 for the 2nd of 8`);
  }
  return { index: i - 1, count: n };
}

/** 1-based for people: '2/8'. */
export function segmentLabel(s: Segment): string {
  return `${s.index + 1}/${s.count}`;
}

function wholeNumber(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min) throw new UsageError(`${name}='${value}': expected a whole number ≥ ${min}`);
  return n;
}

function checked(index: number, count: number, where: string): Segment {
  if (count < 1 || count > MAX_SEGMENTS) throw new UsageError(`${where}: the number of segments must be from 1 to ${MAX_SEGMENTS}, got ${count}`);
  if (index < 0 || index >= count) throw new UsageError(`${where}: segment index ${index} is outside 0..${count - 1}`);
  return { index, count };
}

/**
 * The segment from the flags and the environment, or undefined for a whole run. In order:
 * `--segment I/N`; an index variable (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX,
 * both 0-based) with `--segments N` or RAMPART_SEGMENTS; CI_NODE_INDEX/CI_NODE_TOTAL (1-based).
 */
export function resolveSegment(flags: { segment?: string; segments?: number }, env: NodeJS.ProcessEnv = process.env): Segment | undefined {
  if (flags.segment !== undefined) {
    if (flags.segments !== undefined) throw new UsageError('--segment I/N and --segments N: give one of them');
    return parseSegment(flags.segment);
  }
  const countSource = flags.segments !== undefined ? '--segments' : env.RAMPART_SEGMENTS ? 'RAMPART_SEGMENTS' : undefined;
  const count =
    flags.segments !== undefined
      ? Number(flags.segments)
      : env.RAMPART_SEGMENTS
        ? wholeNumber(env.RAMPART_SEGMENTS, 'RAMPART_SEGMENTS', 1)
        : undefined;
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= MAX_SEGMENTS)) {
    throw new UsageError(`--segments must be a whole number from 1 to ${MAX_SEGMENTS}, got ${String(flags.segments)}`);
  }
  for (const name of ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX']) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (count === undefined) throw new UsageError(`${name} is set: say how many segments there are with --segments N (or RAMPART_SEGMENTS)`);
    return checked(wholeNumber(raw, name, 0), count, `${name}=${raw} with ${countSource} ${count}`);
  }
  if (env.CI_NODE_INDEX && env.CI_NODE_TOTAL) {
    const total = wholeNumber(env.CI_NODE_TOTAL, 'CI_NODE_TOTAL', 1);
    if (count !== undefined && count !== total) throw new UsageError(`${countSource} ${count} disagrees with CI_NODE_TOTAL=${total}`);
    return checked(wholeNumber(env.CI_NODE_INDEX, 'CI_NODE_INDEX', 1) - 1, total, `CI_NODE_INDEX=${env.CI_NODE_INDEX} of CI_NODE_TOTAL=${total}`);
  }
  if (count !== undefined) {
    throw new UsageError(
      `${countSource} ${count}: no segment index found (set JOB_COMPLETION_INDEX, CI_NODE_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, or use --segment I/N)`,
    );
  }
  return undefined;
}

/**
 * Thread `t` of `threads` in segment s runs global share s·threads + t of count·threads: the
 * threads' shares add up to the segment's exactly (floor sums telescope), so the thread split
 * rule (runner/plan/segment.ts) also splits across processes.
 */
export function globalThread(segment: Segment | undefined, thread: number, threads: number): { thread: number; threads: number } {
  if (!segment) return { thread, threads };
  return { thread: segment.index * threads + thread, threads: segment.count * threads };
}
