import { formatDuration } from '../duration.js';
import { poolLimit, poolSettings } from './pool.js';
import type { Plan } from './types.js';

/** The plan as `rampart inspect` prints it; several workloads get a column and a line each. */
export function describePlan(plan: Plan, title: string, connections?: number): string {
  const several = plan.workloads.length > 1 || plan.workloads[0]?.name !== 'default';
  const rows = plan.steps.map((s) => [
    String(s.index),
    ...(several ? [s.workload] : []),
    s.kind,
    s.dynamic ? `${formatDuration(s.startMs)}+` : formatDuration(s.startMs),
    s.dynamic ? `≤ ${formatDuration(s.durationMs)}` : formatDuration(s.durationMs),
    String(s.peakConcurrency),
    s.description,
  ]);
  const header = ['#', ...(several ? ['workload'] : []), 'stage', 'start', 'duration', 'peak', 'plan'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const dynamic = plan.steps.some((s) => s.dynamic);
  const workloadLines = several
    ? [
        '',
        'workloads (side by side):',
        ...plan.workloads.map((w) => {
          const tags = Object.entries(w.sampleTags)
            .map(([k, v]) => `${k}:${v}`)
            .join(',');
          const bursty = w.steps.some((s) => s.dynamic) ? '≤ ' : '';
          return `  ${w.name}: from ${formatDuration(w.startAfterMs)}, ${bursty}${formatDuration(w.durationMs)}, ${w.steps.length} stage${w.steps.length === 1 ? '' : 's'}, peak ${w.peakVUs} VUs, tags {${tags}}`;
        }),
      ]
    : [];
  return [
    title,
    '',
    line(header),
    ...rows.map(line),
    ...workloadLines,
    '',
    `total duration: ${dynamic ? '≤ ' : ''}${formatDuration(plan.totalDurationMs)}${dynamicNote(plan)}`,
    `peak VUs: ${plan.peakVUs}${several && plan.workloads.length > 1 ? " (the workloads' peaks added up)" : ''}`,
    `connections per origin: ${poolLimit(poolSettings(connections, plan.poolSize))}`,
  ].join('\n');
}

/** Why the total is an upper bound: bursts end when their work is done, a sweep after a rate that dropped arrivals. */
function dynamicNote(plan: Plan): string {
  const notes: string[] = [];
  if (plan.steps.some((s) => s.kind === 'burst')) notes.push('bursts end when their iterations are done');
  if (plan.steps.some((s) => s.kind === 'sweep')) notes.push('a sweep stops after a rate that dropped arrivals');
  return notes.length ? ` (${notes.join('; ')})` : '';
}
