/**
 * --dashboard in headless Chromium: during a run the page's latency chart gets new points
 * (its last x advances), the page turns into the final HTML report when the run ends, and the
 * run measures the same as one without the dashboard (same length, similar request count).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/chromium.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RAMPART_BIN, rampart, readJson, workspace } from './support/cli.js';
import { loadScenario } from './support/metric-servers.js';
import { freePort } from './support/nginx.js';
import { startTarget, type Target } from './support/target.js';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!hasChromium)('live dashboard in headless Chromium', () => {
  it('the chart advances while the run goes on, the report follows, the timing is unchanged', async () => {
    const seconds = 8;
    const baseDir = workspace({ 's.ts': loadScenario(seconds) });
    const base = await rampart(['run', 's.ts', '--quiet', '--out', 'json=r.json'], { cwd: baseDir, env: { TARGET: target.url } });
    expect(base.code).toBe(0);
    const baseResults = readJson(join(baseDir, 'r.json'));

    const dir = workspace({ 's.ts': loadScenario(seconds) });
    const port = await freePort();
    const child = spawn(process.execPath, [RAMPART_BIN, 'run', 's.ts', '--quiet', '--out', 'json=r.json', `--dashboard=${port}`], {
      cwd: dir,
      env: { ...process.env, TARGET: target.url, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const url = `http://127.0.0.1:${port}/`;
    const browser = await launchChromium();
    try {
      await waitFor(async () => ((await fetch(url)).ok ? true : undefined), 20_000, 'the dashboard to listen');
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      await page.goto(url, { waitUntil: 'load' });
      const lastX = () =>
        page.evaluate(() => {
          const chart = (window as any).rampartCharts?.['chart-latency'];
          const x = chart?.data?.[0] as number[] | undefined;
          return x && x.length ? x[x.length - 1] : undefined;
        });
      const first = await waitFor(lastX, 15_000, 'a first point');
      const later = await waitFor(
        async () => {
          const x = await lastX();
          return x !== undefined && x > first ? x : undefined;
        },
        5_000,
        'the chart to advance',
      );
      expect(later).toBeGreaterThan(first);
      // uPlot drew it: a canvas in the chart's slot
      expect(await page.locator('#chart-latency canvas').count()).toBeGreaterThan(0);

      await page.waitForURL(/\/report$/, { timeout: 30_000 });
      await page.waitForLoadState('load');
      expect(await page.locator('#thresholds').count()).toBe(1); // the HTML report's own section
      expect(await page.evaluate(() => Object.keys((window as any).rampartCharts ?? {}).length)).toBeGreaterThanOrEqual(4);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
    const code = await exited;
    clearTimeout(kill);
    expect(code, stderr).toBe(base.code);
    const results = readJson(join(dir, 'r.json'));
    // the dashboard does not change the run: same length, request count within noise
    expect(results.durationMs / baseResults.durationMs).toBeGreaterThan(0.9);
    expect(results.durationMs / baseResults.durationMs).toBeLessThan(1.15);
    const ratio = results.metrics.http_reqs.count / baseResults.metrics.http_reqs.count;
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
  }, 120_000);
});
