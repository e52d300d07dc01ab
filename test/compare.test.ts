import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import yargs from 'yargs';
import { compareSummaries, runLabels } from '../runner/compare/compare.js';
import type { Comparison } from '../runner/compare/types.js';
import { compareCommand, parseOutSpecs, runComparison } from '../runner/compare/command.js';
import { renderComparisonHtml } from '../runner/compare/render-html.js';
import { renderComparisonText } from '../runner/compare/render-text.js';
import { seededRandom } from '../runner/compare/stats.js';
import { UsageError } from '../runner/errors.js';
import { createHistogram } from '../runner/metrics/hdr.js';
import type { Summary } from '../runner/results/types.js';
import { buildSummaryFixture, trendOf } from './support/summary-fixture.js';

interface RunSpec {
  profile: string;
  /** lognormal latency: median ms and sigma */
  medianMs: number;
  sigma?: number;
  requests: number;
  failed?: number;
  /** seed of the latency sample */
  seed: number;
}

/** A results file whose http metrics come from a known lognormal distribution (the rest from the fixture). */
function summaryOf(spec: RunSpec): Summary {
  const random = seededRandom(spec.seed);
  const h = createHistogram();
  for (let i = 0; i < spec.requests; i++) {
    const z = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    h.recordValue(Math.max(1, Math.round(spec.medianMs * 1000 * Math.exp((spec.sigma ?? 0.5) * z))));
  }
  const base = buildSummaryFixture({ profile: spec.profile });
  const failed = spec.failed ?? 0;
  const seconds = base.durationMs / 1000;
  return {
    ...base,
    metrics: {
      http_req_duration: trendOf(h),
      http_reqs: { type: 'counter', count: spec.requests, rate: spec.requests / seconds },
      http_req_failed: { type: 'rate', trues: failed, falses: spec.requests - failed, rate: failed / spec.requests },
    },
    errors: failed ? [{ kind: 'timeout', message: 'request timed out after 60s', count: failed }] : [],
    insights: [],
  };
}

const run = (spec: RunSpec) => ({ label: `inference (${spec.profile})`, summary: summaryOf(spec) });

describe('compareSummaries', () => {
  test('flags a real latency difference (lognormal medians 100 ms vs 150 ms) as significant', () => {
    const c = compareSummaries([
      run({ profile: 'ramp', medianMs: 100, requests: 2000, seed: 1 }),
      run({ profile: 'burst', medianMs: 150, requests: 2000, seed: 2 }),
    ]);
    const d = c.differences[0];
    expect(d.run).toBe(1);
    expect(d.baseline).toBe(0);
    for (const p of ['p50', 'p90', 'p95', 'p99'] as const) {
      expect(d.latency![p].significant).toBe(true);
      expect(d.latency![p].ci[0]).toBeGreaterThan(0);
    }
    expect(d.latency!.p50.relative).toBeGreaterThan(0.35);
    expect(d.latency!.p50.relative).toBeLessThan(0.65);
    expect(c.runs[0].latency!.p50.ci[0]).toBeLessThan(c.runs[0].latency!.p50.value);
    expect(c.runs[0].latency!.p50.ci[1]).toBeGreaterThan(c.runs[0].latency!.p50.value);
  });

  test('does not flag two samples of the same distribution', () => {
    const c = compareSummaries([
      run({ profile: 'a', medianMs: 100, requests: 2000, seed: 3 }),
      run({ profile: 'b', medianMs: 100, requests: 2000, seed: 4 }),
    ]);
    for (const p of ['p50', 'p90', 'p95', 'p99'] as const) expect(c.differences[0].latency![p].significant).toBe(false);
    expect(c.differences[0].success!.significant).toBe(false);
  });

  test("reports 26/30 vs 30/30 with Fisher's exact p-value (not significant at 30 requests)", () => {
    const c = compareSummaries([
      run({ profile: 'burst', medianMs: 100, requests: 30, failed: 4, seed: 5 }),
      run({ profile: 'ramp', medianMs: 100, requests: 30, seed: 6 }),
    ]);
    expect(c.runs[0].success).toMatchObject({ metric: 'http_req_failed', successes: 26, total: 30 });
    expect(c.runs[0].success!.value).toBeCloseTo(26 / 30, 10);
    expect(c.runs[0].success!.ci[0]).toBeCloseTo(0.7032, 3);
    const s = c.differences[0].success!;
    expect(s.test).toBe('fisher');
    expect(s.pValue).toBeCloseTo(0.1124, 4);
    expect(s.significant).toBe(false);
    expect(c.runs[0].failures).toEqual([{ kind: 'timeout', count: 4 }]);
  });

  test('warns that tail percentiles of 30 requests have untrustworthy CIs', () => {
    const c = compareSummaries([
      run({ profile: 'burst', medianMs: 100, requests: 30, seed: 5 }),
      run({ profile: 'ramp', medianMs: 100, requests: 2000, seed: 6 }),
    ]);
    expect(c.runs[0].latency!.p50.lowCount).toBe(false);
    expect(c.runs[0].latency!.p99.lowCount).toBe(true); // p99 of 30 is the maximum
    expect(c.runs[1].latency!.p99.lowCount).toBe(false);
    expect(c.differences[0].latency!.p99.lowCount).toBe(true);
    const text = renderComparisonText(c);
    expect(text.split('\n').find((l) => l.startsWith('p99'))).toMatch(/s†/);
    expect(text).toMatch(/† fewer than 5 requests above this percentile/);
  });

  test('prefers http_call_failed and reads cold starts, retries, failures and insights', () => {
    const fixture = buildSummaryFixture();
    fixture.metrics.http_call_failed = { type: 'rate', trues: 1, falses: 99, rate: 0.01 };
    fixture.metrics.http_retries = { type: 'counter', count: 7, rate: 0.5 };
    fixture.metrics.http_calls_rescued = { type: 'counter', count: 5, rate: 0.4 };
    fixture.metrics.cold_starts = { type: 'counter', count: 3, rate: 0.2 };
    const c = compareSummaries(
      [
        { label: 'one', summary: fixture },
        { label: 'two', summary: buildSummaryFixture() },
      ],
      { baseline: 1 },
    );
    const r = c.runs[0];
    expect(r.success).toMatchObject({ metric: 'http_call_failed', successes: 99, total: 100 });
    expect(r.retries).toEqual({ count: 7, rescued: 5 });
    expect(r.coldStarts).toEqual({ count: 3, coldRequests: 60 }); // the fixture's 3 cold seconds at 20 requests
    expect(r.failures.map((f) => f.kind)).toEqual(['http 503', 'timeout', 'exception']);
    expect(r.insights.map((i) => i.kind)).toEqual(['cold-start', 'gateway-timeout', 'queue-drained']);
    expect(c.differences.map((d) => d.run)).toEqual([0]);
    expect(c.runs[1].retries).toEqual({ count: null, rescued: null });
  });

  test('is repeatable with a seed, plain JSON, and fast for 100k requests per run', () => {
    const runs = [run({ profile: 'a', medianMs: 80, requests: 100_000, seed: 7 }), run({ profile: 'b', medianMs: 90, requests: 100_000, seed: 8 })];
    const first = compareSummaries(runs, { seed: 42 });
    expect(compareSummaries(runs, { seed: 42 })).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    expect(first.differences[0].latency!.p50.significant).toBe(true);
  });

  test('labels runs by scenario and profile, by file name when those repeat', () => {
    const a = buildSummaryFixture({ profile: 'burst' });
    const b = buildSummaryFixture();
    b.scenario.profile = null; // the fixture reads null as its default profile
    expect(
      runLabels([
        { file: 'x/a.json', summary: a },
        { file: 'x/b.json', summary: b },
      ]),
    ).toEqual(['inference (burst)', 'inference']);
    expect(
      runLabels([
        { file: 'x/a.json', summary: a },
        { file: 'y/a2.json', summary: a },
      ]),
    ).toEqual(['a.json', 'a2.json']);
    expect(
      runLabels([
        { file: 'x/a.json', summary: a },
        { file: 'y/a.json', summary: a },
      ]),
    ).toEqual(['a.json #1', 'a.json #2']);
  });
});

function burstVsRamp(): Comparison {
  return compareSummaries([
    run({ profile: 'burst', medianMs: 150, requests: 2000, failed: 40, seed: 9 }),
    run({ profile: 'ramp', medianMs: 100, requests: 2000, failed: 35, seed: 10 }),
    run({ profile: 'soak', medianMs: 150, requests: 2000, failed: 38, seed: 11 }),
  ]);
}

describe('renderComparisonText', () => {
  const c = burstVsRamp();
  const text = renderComparisonText(c);

  test('has every run as a column and the statistics legend', () => {
    for (const r of c.runs) expect(text).toContain(r.label);
    expect(text).toContain('inference (burst) (baseline)');
    expect(text).toMatch(/confidence intervals/);
    expect(text).not.toMatch(/\x1b\[/);
  });

  test('marks the significant rows and only those', () => {
    const p50 = text.split('\n').find((l) => l.startsWith('p50'))!;
    expect(p50).toMatch(/ms \[[\d.]+–[\d.]+ms\]/);
    // ramp (column 2) is faster and significant; soak (column 3) is the same distribution
    expect(p50).toMatch(/▼ −\d+% \*/);
    const success = text.split('\n').find((l) => l.startsWith('success'))!;
    expect(success).not.toContain('*');
    const verdicts = text.split('\n').filter((l) => /^\s+p50 /.test(l));
    expect(verdicts[0]).toMatch(/bootstrap p[=<][\d.]+\s+significant/);
    expect(verdicts[1]).toMatch(/not significant/);
  });

  test('colours only when asked', () => {
    expect(renderComparisonText(c, { color: true })).toMatch(/\x1b\[/);
  });
});

describe('renderComparisonHtml', () => {
  test('one page with the tables and charts, labels escaped', () => {
    const runs = [run({ profile: 'burst', medianMs: 150, requests: 500, seed: 1 }), run({ profile: 'ramp', medianMs: 100, requests: 500, seed: 2 })];
    runs[1].label = '<script>alert("x")</script> & co';
    const html = renderComparisonHtml(compareSummaries(runs));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<table id="comparison">');
    expect(html).toContain('<table class="differences">');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    for (const tag of ['table', 'tr', 'svg', 'figure', 'html', 'body']) {
      expect(html.split(`<${tag}`).length, tag).toBe(html.split(`</${tag}>`).length);
    }
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(html).toMatch(/class="whisker"/);
  });
});

describe('compare command', () => {
  function filesOf(dir: string): { burst: string; ramp: string } {
    const burst = join(dir, 'burst.json');
    const ramp = join(dir, 'ramp.json');
    writeFileSync(burst, JSON.stringify(summaryOf({ profile: 'burst', medianMs: 150, requests: 1000, failed: 4, seed: 1 })));
    writeFileSync(ramp, JSON.stringify(summaryOf({ profile: 'ramp', medianMs: 100, requests: 1000, seed: 2 })));
    return { burst, ramp };
  }
  const cli = (args: string[]) =>
    yargs(args)
      .command(compareCommand)
      .strict()
      .exitProcess(false)
      .fail((message, err) => {
        throw err ?? new Error(message);
      })
      .parseAsync();

  test('runComparison prints the table and writes json and html atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-compare-'));
    const { burst, ramp } = filesOf(dir);
    let printed = '';
    const c = await runComparison(
      [burst, ramp],
      [
        { type: 'json', path: join(dir, 'c.json') },
        { type: 'html', path: join(dir, 'c.html') },
      ],
      {
        stdout: { write: (s: string) => (printed += s) },
      },
    );
    expect(printed).toContain('inference (burst) (baseline)');
    expect(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'))).toEqual(c);
    expect(readFileSync(join(dir, 'c.html'), 'utf8')).toContain('<table id="comparison">');
    expect(readdirSync(dir).sort()).toEqual(['burst.json', 'c.html', 'c.json', 'ramp.json']); // no temp files left
  });

  test('the yargs command takes repeatable --out, a 1-based --baseline and --seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-compare-'));
    const { burst, ramp } = filesOf(dir);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let printed = '';
    try {
      await cli([
        'compare',
        burst,
        ramp,
        '--out',
        `json=${join(dir, 'c.json')}`,
        '--out',
        `text=${join(dir, 'c.txt')}`,
        '--baseline',
        '2',
        '--seed',
        '9',
      ]);
      printed = write.mock.calls.map((call) => String(call[0])).join('');
    } finally {
      write.mockRestore();
    }
    const c = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as Comparison;
    expect(c.baseline).toBe(1);
    expect(c.seed).toBe(9);
    expect(c.differences[0].label).toBe('inference (burst)');
    expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toContain('inference (ramp) (baseline)');
    expect(printed).toContain('inference (burst) vs inference (ramp)');
  });

  test('rejects a missing, non-JSON or non-results file with a UsageError naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-compare-'));
    const { burst } = filesOf(dir);
    const notJson = join(dir, 'notes.txt');
    const notResults = join(dir, 'package.json');
    writeFileSync(notJson, 'hello');
    writeFileSync(notResults, JSON.stringify({ name: 'x' }));
    for (const bad of [join(dir, 'missing.json'), notJson, notResults]) {
      const err = await runComparison([burst, bad], [], { stdout: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toContain(bad);
      expect((err as Error).message).not.toContain('\n');
    }
    await expect(cli(['compare', burst, join(dir, 'missing.json')])).rejects.toThrow(/missing\.json: no such file/);
    await expect(runComparison([burst], [], { stdout: false })).rejects.toThrow(/at least two/);
    await expect(runComparison([burst, burst], [], { stdout: false, baseline: 5 })).rejects.toThrow(UsageError);
  });

  test('parses --out TYPE=PATH and rejects unknown types', () => {
    expect(parseOutSpecs(['json=a.json', 'html=b=c.html'])).toEqual([
      { type: 'json', path: 'a.json' },
      { type: 'html', path: 'b=c.html' },
    ]);
    expect(() => parseOutSpecs(['junit=x.xml'])).toThrow(UsageError);
    expect(() => parseOutSpecs(['compare.html'])).toThrow(/TYPE=PATH/);
  });
});

describe('compare: ctx.llm token timings and goodput', () => {
  /** a run whose llm_ttft, llm_tpot and llm_itl come from lognormals of known medians, with `good` of `n` requests meeting the SLOs */
  function llmRun(profile: string, ttftMs: number, tpotMs: number, good: number, n: number, seed: number) {
    const random = seededRandom(seed);
    const lognormal = (median: number, count: number) => {
      const h = createHistogram();
      for (let i = 0; i < count; i++) {
        const z = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
        h.recordValue(Math.max(1, Math.round(median * 1000 * Math.exp(0.3 * z))));
      }
      return trendOf(h);
    };
    const summary = summaryOf({ profile, medianMs: 500, requests: n, seed });
    summary.metrics.llm_ttft = lognormal(ttftMs, n);
    summary.metrics.llm_tpot = lognormal(tpotMs, n);
    summary.metrics.llm_itl = lognormal(tpotMs, n * 20);
    summary.metrics.llm_goodput = { type: 'rate', trues: good, falses: n - good, rate: good / n };
    return { label: `chat (${profile})`, summary };
  }

  test('a slower TTFT and a lower goodput are significant; TPOT that did not move is not', () => {
    const c = compareSummaries([llmRun('1 worker', 200, 30, 960, 1000, 21), llmRun('scaled down', 400, 30, 700, 1000, 22)]);
    expect(c.runs[0].llm!.trends.llm_ttft!.p50.value).toBeGreaterThan(170);
    expect(c.runs[0].llm!.goodput!.value).toBeCloseTo(0.96, 5);
    const d = c.differences[0].llm!;
    expect(d.trends.llm_ttft!.p50.significant).toBe(true);
    expect(d.trends.llm_ttft!.p50.relative).toBeGreaterThan(0.7);
    expect(d.trends.llm_tpot!.p50.significant).toBe(false);
    expect(d.goodput!.significant).toBe(true);
    expect(d.goodput!.difference).toBeCloseTo(-0.26, 5);

    const text = renderComparisonText(c);
    const row = (name: string) => text.split('\n').find((l) => l.startsWith(name))!;
    expect(row('ttft p50')).toMatch(/▲ \+\d+% \*/);
    expect(row('tpot p50')).not.toContain('*');
    expect(row('itl p95')).toBeDefined();
    expect(row('goodput')).toMatch(/96(\.0)?%.*70(\.0)?%.*▼ −26(\.0)?pp \*/);
    expect(text).toMatch(/ttft p50\s+\+\d/);
    expect(renderComparisonHtml(c)).toContain('ttft p95');
  });

  test('runs without LLM requests have no llm rows', () => {
    const c = compareSummaries([
      run({ profile: 'a', medianMs: 100, requests: 200, seed: 3 }),
      run({ profile: 'b', medianMs: 100, requests: 200, seed: 4 }),
    ]);
    expect(c.runs[0].llm).toBeNull();
    expect(c.differences[0].llm).toBeNull();
    expect(renderComparisonText(c)).not.toMatch(/ttft|goodput/);
  });
});
