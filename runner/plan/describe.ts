import { formatDuration } from '../duration.js';
import type { Plan } from './types.js';

/** The plan as `rampart inspect` prints it. */
export function describePlan(plan: Plan, title: string): string {
  const rows = plan.steps.map((s) => [
    String(s.index),
    s.kind,
    s.dynamic ? `${formatDuration(s.startMs)}+` : formatDuration(s.startMs),
    s.dynamic ? `≤ ${formatDuration(s.durationMs)}` : formatDuration(s.durationMs),
    String(s.peakConcurrency),
    s.description,
  ]);
  const header = ['#', 'stage', 'start', 'duration', 'peak', 'plan'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const dynamic = plan.steps.some((s) => s.dynamic);
  return [
    title,
    '',
    line(header),
    ...rows.map(line),
    '',
    `total duration: ${dynamic ? '≤ ' : ''}${formatDuration(plan.totalDurationMs)}${dynamic ? ' (bursts end when their iterations are done)' : ''}`,
    `peak VUs: ${plan.peakVUs}`,
    `connections per origin: ${plan.poolSize}`,
  ].join('\n');
}
