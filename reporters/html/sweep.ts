/**
 * The HTML report's capacity-sweep section: per rate, the throughput completed against the
 * rate offered, as an inline SVG chart (no script needed) and the numbers as a table; a
 * dashed line marks the highest sustainable rate.
 */
import type { Summary } from '../reporter.js';
import { SWEEP_HEADER, sweepRows, sweepTables, type SweepTable } from '../sweep-table.js';

const esc = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const W = 640;
const H = 240;
const PAD = { left: 48, right: 16, top: 16, bottom: 36 };

/** Bars: completed req/s per rate (green held, red broke, grey not run); dots on the offered rate; the knee dashed. */
export function sweepChart(t: SweepTable): string {
  const steps = t.steps;
  const top = Math.max(1, ...steps.map((s) => Math.max(s.rate, s.throughput ?? 0))) * 1.1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / steps.length;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (let g = 0; g <= 4; g++) {
    const v = (top * g) / 4;
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${Math.round(v * 10) / 10}</text>`);
  }
  steps.forEach((s, i) => {
    const x = PAD.left + i * slot;
    const colour = !s.ran ? '#bbb' : s.holds ? '#3a8a4a' : '#c0392b';
    const done = s.throughput ?? 0;
    const title = `${s.rate} it/s offered: ${s.ran ? `${done} req/s completed, ${s.holds ? 'held' : `broke (${s.broke.join(', ')})`}` : 'not run'}`;
    parts.push(
      `<rect x="${(x + slot * 0.2).toFixed(1)}" y="${y(done).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${(y(0) - y(done)).toFixed(1)}" fill="${colour}"><title>${esc(title)}</title></rect>`,
    );
    parts.push(
      `<circle cx="${(x + slot / 2).toFixed(1)}" cy="${y(s.rate).toFixed(1)}" r="3.5" fill="#333"><title>${esc(`offered ${s.rate} it/s`)}</title></circle>`,
    );
    parts.push(`<text x="${(x + slot / 2).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle" font-size="11">${esc(s.rate)}</text>`);
    if (t.sustainableRate !== null && s.rate === t.sustainableRate) {
      const kx = (x + slot).toFixed(1);
      parts.push(`<line class="knee" x1="${kx}" x2="${kx}" y1="${PAD.top}" y2="${y(0)}" stroke="#333" stroke-dasharray="4 3"/>`);
    }
  });
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${H - 4}" text-anchor="middle" font-size="11">offered rate (it/s); bars: completed req/s</text>`);
  return `<svg class="sweep-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="capacity sweep">${parts.join('')}</svg>`;
}

/** The whole section, or '' when the run had no sweep. */
export function sweepSection(summary: Summary): string {
  const tables = sweepTables(summary);
  if (tables.length === 0) return '';
  return `<section id="sweep"><h2>Capacity sweep</h2>${tables
    .map((t) => {
      const head = SWEEP_HEADER.map((h) => `<th>${esc(h)}</th>`).join('');
      const body = sweepRows(t)
        .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
        .join('\n');
      return `<p>highest sustainable rate: <b class="sustainable">${t.sustainableRate === null ? 'none' : `${esc(t.sustainableRate)} it/s`}</b></p>
${sweepChart(t)}
<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
    })
    .join('\n')}</section>`;
}
