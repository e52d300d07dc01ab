import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { renderHtml, createHtmlReporter } from '../reporters/html.js';
import { buildSummaryFixture } from './support/summary-fixture.js';

const CHART_IDS = ['chart-latency', 'chart-throughput', 'chart-concurrency', 'chart-distribution', 'chart-coldwarm'];

function embeddedData(html: string): unknown {
  const m = /<script type="application\/json" id="rampart-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded data');
  return JSON.parse(m[1]);
}

describe('html reporter (static)', () => {
  it('is one file with uPlot inlined and no external reference', () => {
    const html = renderHtml(buildSummaryFixture());
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toMatch(/uPlot/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['"]?https?:/i);
    for (const id of CHART_IDS) expect(html).toContain(`id="${id}"`);
  });

  it('escapes </script and markup from names in the embedded JSON and the tables', () => {
    const evil = '</script><script>window.pwned=1</script><!--';
    const summary = buildSummaryFixture({ scenarioName: evil, checks: { [evil]: { passes: 0, fails: 1 } } });
    summary.timeline[0].gauges = { [evil]: 1 };
    const html = renderHtml(summary);
    expect(html).not.toContain('<script>window.pwned');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.pwned=1');
    const data = embeddedData(html) as { concurrency: { label: string }[] };
    expect(data.concurrency.map((s) => s.label)).toContain(evil);
  });

  it('masks secrets even where HTML escaping changes them', async () => {
    const secret = 'tok&<en-123';
    const summary = buildSummaryFixture({ checks: { [`auth ${secret}`]: { passes: 1, fails: 0 } } });
    summary.errors.push({ kind: 'http', status: 401, message: `bad token ${secret}`, count: 1 });
    const dir = await mkdtemp(join(tmpdir(), 'rampart-html-mask-'));
    const path = join(dir, 'report.html');
    await createHtmlReporter({ path, secrets: [secret] }).onEnd(summary);
    const html = await readFile(path, 'utf8');
    expect(html).not.toContain('tok&amp;&lt;en-123');
    expect(html).not.toContain(secret);
    expect(html).toContain('auth ***');
    expect(html).toContain('bad token ***');
  });

  it('leaves out the cold/warm chart when the run has no cold tag', () => {
    const summary = buildSummaryFixture();
    delete summary.metrics['http_req_duration{cold:true}'];
    expect(renderHtml(summary)).not.toContain('id="chart-coldwarm"');
  });
});

describe.skipIf(!hasChromium)('html reporter in headless Chromium', () => {
  it('loads from file:// with no error and no network, and every chart has data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-html-'));
    const path = join(dir, 'report.html');
    expect(await createHtmlReporter({ path }).onEnd(buildSummaryFixture())).toEqual([path]);
    const url = pathToFileURL(path).href;

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForFunction(
        (n) => Object.keys((window as unknown as { rampartCharts?: object }).rampartCharts ?? {}).length === n,
        CHART_IDS.length,
      );

      const charts = await page.evaluate((ids) => {
        const all = (window as unknown as { rampartCharts: Record<string, { data: (number | null)[][] }> }).rampartCharts;
        return ids.map((id) => {
          const u = all[id];
          const el = document.getElementById(id);
          return {
            id,
            canvas: el?.querySelector('canvas') !== null && el?.querySelector('canvas') !== undefined,
            canvasWidth: el?.querySelector('canvas')?.width ?? 0,
            points: u ? u.data[0].length : 0,
            seriesWithData: u ? u.data.slice(1).filter((ys) => ys.some((y) => y !== null)).length : 0,
          };
        });
      }, CHART_IDS);
      for (const c of charts) {
        expect(c, c.id).toMatchObject({ canvas: true });
        expect(c.canvasWidth, c.id).toBeGreaterThan(100);
        expect(c.points, c.id).toBeGreaterThan(0);
        expect(c.seriesWithData, c.id).toBeGreaterThan(0);
      }

      const failing = await page.locator('#thresholds tr.fail').allTextContents();
      expect(failing).toHaveLength(1);
      expect(failing[0]).toContain('http_req_duration');
      expect(failing[0]).toContain('p(95)<500');
      expect(failing[0]).toContain('failed: actual');
      expect(await page.locator('#run-status').textContent()).toBe('failed');

      expect(problems).toEqual([]);
      expect(requests.filter((r) => r !== url)).toEqual([]);

      const shot = process.env.RAMPART_SCREENSHOT ? fileURLToPath(new URL('../docs/img/html-report.png', import.meta.url)) : join(dir, 'report.png');
      await mkdir(join(shot, '..'), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });
      expect((await readFile(shot)).length).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  }, 90_000);
});

if (!hasChromium) {
  console.warn(`reporters-html: skipping the browser test: ${CHROMIUM} not found (apt-get install -y chromium)`);
}
