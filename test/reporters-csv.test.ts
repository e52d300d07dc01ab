import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCsv, createCsvReporter } from '../reporters/csv.js';
import { buildSummaryFixture } from './support/summary-fixture.js';

describe('csv reporter', () => {
  it('writes one row per timeline point with a header and one column per gauge', async () => {
    const summary = buildSummaryFixture();
    const dir = await mkdtemp(join(tmpdir(), 'rampart-csv-'));
    const path = join(dir, 'timeline.csv');
    expect(await createCsvReporter({ path }).onEnd(summary)).toEqual([path]);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('t,vus,inFlight,rps,errors,p50,p95,p99,iterations,dropped,jobs_in_queue,workers_idle,workers_initializing,workers_running');
    expect(lines).toHaveLength(summary.timeline.length + 1);
    const first = lines[1].split(',').map(Number);
    const p = summary.timeline[0];
    expect(first.slice(0, 10)).toEqual([p.t, p.vus, p.inFlight, p.rps, p.errors, p.p50, p.p95, p.p99, p.iterations, p.dropped]);
    expect(first[13]).toBe(p.gauges?.workers_running);
  });

  it('leaves missing values empty and quotes odd gauge names', () => {
    const summary = buildSummaryFixture({ seconds: 2 });
    summary.timeline[0] = { t: 1000, vus: 1, inFlight: 0, rps: 0, errors: 0, p50: null, p95: null, gauges: { 'queue, "main"': 3 } };
    summary.timeline[1].gauges = {};
    const lines = renderCsv(summary).trimEnd().split('\n');
    expect(lines[0]).toBe('t,vus,inFlight,rps,errors,p50,p95,p99,iterations,dropped,"queue, ""main"""');
    expect(lines[1]).toBe('1000,1,0,0,0,,,,,,3');
    expect(lines[2].endsWith(',')).toBe(true);
  });
});
