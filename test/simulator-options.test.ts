// Simulator options, duration parsing, seed repeatability, the queue-delay scaler and
// the `rampart simulate` command run as a real process.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { parseDuration, parseDurationRange, parseRateLimit, resolveOptions, startSimulator, type Simulator } from '../simulator/index.js';
import { optionsFromArgs } from '../simulator/cli.js';

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

describe('duration parsing', () => {
  it('parses ranges and single durations in ms', () => {
    expect(parseDurationRange('40s..90s')).toEqual([40_000, 90_000]);
    expect(parseDurationRange('25s')).toEqual([25_000, 25_000]);
    expect(parseDurationRange('250ms..1s')).toEqual([250, 1_000]);
    expect(parseDurationRange('100..200')).toEqual([100, 200]);
    expect(parseDurationRange('1m..1.5m')).toEqual([60_000, 90_000]);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('0')).toBe(0);
  });

  it('rejects malformed ranges with a message quoting the text', () => {
    expect(() => parseDurationRange('')).toThrow(/invalid duration/);
    expect(() => parseDurationRange('abc')).toThrow(/"abc"/);
    expect(() => parseDurationRange('90s..40s')).toThrow(/min is greater than max/);
    expect(() => parseDurationRange('1s..2s..3s')).toThrow(/range/);
    expect(() => parseDurationRange('-5s')).toThrow(/invalid duration/);
    expect(() => parseDurationRange('5x')).toThrow(/invalid duration/);
    expect(() => parseDurationRange('..5s')).toThrow(/invalid duration/);
  });

  it('parses rate limits', () => {
    expect(parseRateLimit('1000/10s')).toEqual({ perWindow: 1000, windowMs: 10_000 });
    expect(parseRateLimit('off')).toBeNull();
    expect(() => parseRateLimit('1000')).toThrow(/COUNT\/WINDOW/);
    expect(() => parseRateLimit('0/10s')).toThrow(/> 0/);
  });
});

describe('options', () => {
  it('resolves mode-dependent defaults', () => {
    expect(resolveOptions({})).toMatchObject({ mode: 'lb', queueTimeoutMs: 120_000, requestMaxMs: 330_000, host: '127.0.0.1' });
    expect(resolveOptions({ mode: 'queue' })).toMatchObject({ queueTimeoutMs: 86_400_000, requestMaxMs: 600_000 });
    expect(resolveOptions({ queueTimeoutMs: 5 }).queueTimeoutMs).toBe(5);
  });

  it('rejects bad values naming the option', () => {
    expect(() => resolveOptions({ minWorkers: 4, maxWorkers: 2 })).toThrow(/minWorkers/);
    expect(() => resolveOptions({ timeScale: 0 })).toThrow(/timeScale/);
    expect(() => resolveOptions({ failJobFraction: 2 })).toThrow(/failJobFraction/);
    expect(() => resolveOptions({ coldStartMs: [5, 1] })).toThrow(/coldStartMs/);
  });

  it('maps CLI flags and names the flag in errors', () => {
    expect(optionsFromArgs({ 'cold-start': '1s..2s', 'rate-limit': '10/1s', 'time-scale': 0.5, mode: 'queue' })).toMatchObject({
      coldStartMs: [1_000, 2_000],
      rateLimit: { perWindow: 10, windowMs: 1_000 },
      timeScale: 0.5,
      mode: 'queue',
    });
    expect(() => optionsFromArgs({ 'cold-start': 'soon' })).toThrow(/^--cold-start: /);
    expect(() => optionsFromArgs({ exec: '9s..1s' })).toThrow(/^--exec: /);
    expect(() => optionsFromArgs({ 'queue-timeout': 'x' })).toThrow(/^--queue-timeout: /);
    expect(() => optionsFromArgs({ 'time-scale': -1 })).toThrow(/^--time-scale: /);
    expect(() => optionsFromArgs({ 'max-workers': 0 })).toThrow(/^--max-workers: /);
    expect(() => optionsFromArgs({ 'fail-jobs': 1.5 })).toThrow(/^--fail-jobs: /);
    expect(() => optionsFromArgs({ 'rate-limit': 'lots' })).toThrow(/^--rate-limit: /);
    expect(() => optionsFromArgs({ mode: 'fast' })).toThrow(/^--mode: /);
    expect(() => optionsFromArgs({ port: 70_000 })).toThrow(/^--port: /);
    expect(() => optionsFromArgs({ 'min-workers': 9, 'max-workers': 2 })).toThrow(/--min-workers/);
  });
});

/** Sequential requests, so the order of draws does not depend on timing. */
async function drive(seed: number) {
  // workers are never released between the two batches (a 50 ms idle timeout made the worker count depend on timing)
  const s = await startSimulator({
    seed,
    timeScale: 0.01,
    maxWorkers: 3,
    coldStartMs: [5_000, 20_000],
    execMs: [1_000, 5_000],
    idleTimeoutMs: 600_000,
  });
  running.push(s);
  const served: string[] = [];
  for (let batch = 0; batch < 2; batch++) {
    const answers = await Promise.all([0, 1, 2].map(() => request(s.url + '/x', { method: 'POST' })));
    for (const a of answers) {
      await a.body.text();
      served.push(String(a.headers['x-sim-worker-id']));
    }
  }
  const stats = s.stats();
  await s.close();
  return { workerIds: stats.workerIds, cold: stats.coldStartDrawsMs, exec: stats.execDrawsMs, served: new Set(served) };
}

describe('seed', () => {
  it('repeats worker ids, cold-start and exec draws for the same seed, and changes them for another', async () => {
    const a = await drive(42);
    const b = await drive(42);
    const c = await drive(43);
    expect(a.workerIds).toHaveLength(3);
    expect(a.exec).toHaveLength(6);
    expect(b.workerIds).toEqual(a.workerIds);
    expect(b.cold).toEqual(a.cold);
    expect(b.exec).toEqual(a.exec);
    expect(c.workerIds).not.toEqual(a.workerIds);
    expect(c.cold).not.toEqual(a.cold);
    expect([...a.served].every((id) => a.workerIds.includes(id))).toBe(true);
    for (const ms of a.cold) {
      expect(ms).toBeGreaterThanOrEqual(5_000);
      expect(ms).toBeLessThanOrEqual(20_000);
    }
  });
});

describe('queue-delay scaler', () => {
  it('adds a worker only after the oldest item waited the delay, one per delay', async () => {
    const s = await startSimulator({
      scaler: 'queue-delay',
      scalerQueueDelayMs: 20_000,
      timeScale: 0.01,
      maxWorkers: 3,
      coldStartMs: [600_000, 600_000],
      execMs: [1_000, 1_000],
    });
    running.push(s);
    const pending = [0, 1, 2].map(() => request(s.url + '/x', { method: 'POST' }).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 60)); // well under the 200 ms delay
    expect(s.stats().workersStarted).toBe(0);
    const end = performance.now() + 3000;
    while (s.stats().workersStarted < 2 && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(s.stats().workersStarted).toBe(2);
    await s.close();
    await Promise.all(pending);
  });
});

describe('rampart simulate (process)', () => {
  it('prints the listening line, serves, and exits cleanly on SIGTERM; bad flags name the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-sim-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        `import yargs from 'yargs';
import { simulateCommand } from ${JSON.stringify(resolve('simulator/cli.ts'))};
yargs(process.argv.slice(2)).command(simulateCommand).strict().fail((msg, err) => {
  console.error(err ? err.message : msg); process.exit(2);
}).parseAsync().catch((e) => { console.error(e.message); process.exit(2); });
`,
      );
      const out = join(dir, 'cli.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: out,
        logLevel: 'silent',
        nodePaths: [resolve('node_modules')],
      });

      const child = spawn(process.execPath, [out, 'simulate', '--port', '0', '--min-workers', '1', '--exec', '10ms', '--seed', '7'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let childErr = '';
      child.stderr.on('data', (d) => (childErr += d));
      const line = await new Promise<string>((res, rej) => {
        const timer = setTimeout(() => rej(new Error('no listening line')), 10_000);
        child.stdout.on('data', (d) => {
          stdout += d;
          if (stdout.includes('\n')) {
            clearTimeout(timer);
            res(stdout.split('\n')[0]);
          }
        });
        child.on('exit', () => rej(new Error(`exited early: ${stdout} ${childErr}`)));
      });
      expect(line).toMatch(/^simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.replace('simulator listening on ', '');
      const r = await request(url + '/hello', { method: 'POST', body: '{"input":{"q":1}}' });
      expect(r.statusCode).toBe(200);
      expect(await r.body.json()).toMatchObject({ output: { q: 1 } });
      const exit = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);

      const bad = spawn(process.execPath, [out, 'simulate', '--cold-start', 'soon'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      bad.stderr.on('data', (d) => (stderr += d));
      const badExit = await new Promise<number | null>((res) => bad.on('exit', (code) => res(code)));
      expect(badExit).toBe(2);
      expect(stderr).toMatch(/--cold-start/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
