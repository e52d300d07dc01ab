/**
 * ctx.llm in the reports: the console's LLM block, the timeline's per-interval llm_ttft/llm_itl
 * percentiles (docs/results-schema.md) and the HTML report's LLM section, drawn in headless
 * Chromium, from a real run against the openai simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/chromium.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { renderHtml } from '../reporters/html.js';
import { renderConsoleSummary } from '../reporters/console.js';
import { buildSummaryFixture } from './support/summary-fixture.js';
import { rampart, readJson, workspace } from './support/cli.js';

const LLM_CHARTS = ['chart-llm-time', 'chart-llm-distribution'];
const TOKENS = 12;

let sim: Simulator;
let dir: string;
let stdout: string;
let results: any;

beforeAll(async () => {
  sim = await startSimulator({ mode: 'openai', minWorkers: 1, maxWorkers: 1, seed: 9 });
  const source = `import { scenario, soak, ramp } from 'rampart';
export default scenario({ name: 'llm-reports', target: process.env.TARGET, serverless: false,
  slo: { ttft: '5s', tpot: '1s' },
  stages: [ramp({ to: 4, over: '1s' }), soak({ vus: 4, for: '2s' })],
  async iteration(ctx) {
    await ctx.llm.chat({ model: 'm', messages: [{ role: 'user', content: 'hello there' }], max_tokens: ${TOKENS}, stream: true });
  } });`;
  dir = workspace({ 's.ts': source });
  const out = await rampart(['run', 's.ts', '-q', '--workers', '1', '--out', 'json=r.json', '--out', 'html=r.html'], {
    cwd: dir,
    env: { TARGET: sim.url },
    timeoutMs: 40_000,
  });
  expect(out.code, out.stderr).toBe(0);
  stdout = out.stdout;
  results = readJson(join(dir, 'r.json'));
}, 60_000);
afterAll(async () => {
  await sim?.close();
});

describe('ctx.llm in the reports', () => {
  it('the console has a compact LLM block: each token timing, tokens and goodput', () => {
    const block = stdout.slice(stdout.indexOf('  LLM'), stdout.indexOf('  metrics'));
    const reqs = results.metrics.llm_requests.count;
    expect(reqs).toBeGreaterThan(4);
    for (const name of ['ttft', 'itl', 'tpot', 'e2e'])
      expect(block).toMatch(new RegExp(`^  ${name}\\s+p50 [\\d.]+  p90 [\\d.]+  p95 [\\d.]+  p99 [\\d.]+  max [\\d.]+`, 'm'));
    expect(block).toContain(`${reqs} requests`);
    expect(block).toContain(`${reqs * TOKENS} output tokens`); // the simulator emits max_tokens exactly
    expect(block).toMatch(new RegExp(`goodput 100(\\.0)?%: ${reqs} of ${reqs} requests met the SLOs`));
  });

  it('a run without LLM requests has no LLM block', () => {
    expect(renderConsoleSummary(buildSummaryFixture())).not.toContain('  LLM');
  });

  it('the timeline carries each interval’s llm_ttft and llm_itl p50/p95', () => {
    const points = results.timeline.filter((p: any) => p.llm);
    expect(points.length).toBeGreaterThanOrEqual(2);
    const busy = points.filter((p: any) => p.llm.ttftP50 !== null);
    expect(busy.length).toBeGreaterThanOrEqual(2);
    for (const p of busy) {
      expect(p.llm.ttftP95).toBeGreaterThanOrEqual(p.llm.ttftP50);
      expect(p.llm.itlP50).toBeGreaterThan(0);
      expect(p.llm.itlP95).toBeGreaterThanOrEqual(p.llm.itlP50);
      // within the run's own extremes
      expect(p.llm.ttftP50).toBeLessThanOrEqual(results.metrics.llm_ttft.max * 1.01);
      expect(p.llm.itlP95).toBeLessThanOrEqual(results.metrics.llm_itl.max * 1.01);
    }
  });

  it('the HTML report has the LLM section; a run without LLM requests has none', () => {
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<section id="llm"><h2>LLM</h2>');
    for (const id of LLM_CHARTS) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/<code>llm_ttft<\/code> time to first token/);
    const plain = renderHtml(buildSummaryFixture());
    expect(plain).not.toContain('id="llm"');
    for (const id of LLM_CHARTS) expect(plain).not.toContain(`id="${id}"`);
  });

  it.skipIf(!hasChromium)(
    'headless Chromium draws both LLM charts with data, no error',
    async () => {
      const url = pathToFileURL(join(dir, 'r.html')).href;
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('console', (msg) => {
          if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
        });
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForFunction((ids) => ids.every((id) => (window as any).rampartCharts?.[id]), LLM_CHARTS);
        const charts = await page.evaluate(
          (ids) =>
            ids.map((id) => {
              const u = (window as any).rampartCharts[id];
              return {
                id,
                labels: u.series.slice(1).map((s: { label: string }) => s.label),
                withData: u.data.slice(1).filter((ys: (number | null)[]) => ys.some((y) => y !== null)).length,
              };
            }),
          LLM_CHARTS,
        );
        expect(charts[0]).toEqual({ id: 'chart-llm-time', labels: ['ttft p50', 'ttft p95', 'itl p50', 'itl p95'], withData: 4 });
        expect(charts[1]).toEqual({ id: 'chart-llm-distribution', labels: ['llm_ttft', 'llm_itl', 'llm_tpot'], withData: 3 });
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
