/**
 * The examples/ folder stays runnable: every scenario inspects cleanly from its own folder
 * (the 'rampart' import resolves through the bundler, examples/rampart.yaml loads), and the
 * three core ones run for real: burst.ts against the simulator (the field report: exit 99),
 * ramp.ts against the simulator (exit 0), soak.ts against a fast local target (exit 0).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator/index.js';
import { rampart, readJson } from './support/cli.js';
import { startTarget } from './support/target.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rampart-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const scenarios = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.ts'))
  .sort();
/** scenarios with `profiles` and no `stages` need --profile */
const PROFILES: Record<string, string[]> = { 'serverless-lb.ts': ['burst', 'ramp'] };

describe('examples: inspect', () => {
  it('has the examples the README promises', () => {
    for (const f of [
      'burst.ts',
      'ramp.ts',
      'soak.ts',
      'serverless-lb.ts',
      'serverless-queue.ts',
      'serverless-retries.ts',
      'serverless-min-workers.ts',
      's3-upload.ts',
    ])
      expect(scenarios).toContain(f);
    expect(existsSync(join(EXAMPLES, 'rampart.yaml'))).toBe(true);
    expect(existsSync(join(EXAMPLES, 'reporters/slack-like.ts'))).toBe(true);
  });

  for (const file of scenarios) {
    for (const profile of PROFILES[file] ?? [null]) {
      it(`rampart inspect ${file}${profile ? ` --profile ${profile}` : ''}`, async () => {
        const args = ['inspect', file, ...(profile ? ['--profile', profile] : [])];
        const r = await rampart(args, { cwd: EXAMPLES, timeoutMs: 20_000 });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/total duration: /);
        expect(r.stdout).toMatch(/peak VUs: \d+/);
      });
    }
  }

  it('every example header comment says how to run it, and the files stay short', () => {
    for (const file of [...scenarios, 'reporters/slack-like.ts']) {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      expect(text, file).toMatch(/rampart run examples\//);
      expect(text.split('\n').length, file).toBeLessThanOrEqual(45);
    }
  });
});

describe('examples: run', () => {
  it('burst.ts reproduces the field report against the simulator: 30 requests, some 400s, exit 99', async () => {
    const sim = await startSimulator({ timeScale: 0.01 });
    try {
      const json = join(out, 'burst.json');
      const r = await rampart(['run', 'burst.ts', '-q', '-e', `TARGET=${sim.url}`, '--out', `json=${json}`], { cwd: EXAMPLES, timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(99);
      const s = readJson(json);
      expect(s.metrics.http_reqs.count).toBe(30);
      expect(s.metrics.http_req_failed.trues).toBeGreaterThan(0);
      expect(s.insights.map((i: { kind: string }) => i.kind)).toContain('gateway-timeout');
    } finally {
      await sim.close();
    }
  });

  it('ramp.ts passes its thresholds against the simulator (exit 0), sub-metric threshold included', async () => {
    const sim = await startSimulator({ timeScale: 0.01 });
    try {
      const json = join(out, 'ramp.json');
      const r = await rampart(['run', 'ramp.ts', '-q', '-e', `TARGET=${sim.url}`, '--out', `json=${json}`], { cwd: EXAMPLES, timeoutMs: 40_000 });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const s = readJson(json);
      expect(s.thresholds['http_req_duration{name:generate}'].every((t: { ok: boolean }) => t.ok)).toBe(true);
      expect(s.stages.map((st: { kind: string }) => st.kind)).toEqual(['ramp', 'soak', 'ramp']);
    } finally {
      await sim.close();
    }
  });

  it('soak.ts (open model) drops nothing against a fast target (exit 0); the custom reporter writes its file', async () => {
    const target = await startTarget();
    try {
      const json = join(out, 'soak.json');
      const txt = join(out, 'soak.txt');
      const r = await rampart(
        ['run', 'soak.ts', '-q', '-e', `TARGET=${target.url}`, '--out', `json=${json}`, '--out', `./reporters/slack-like.ts=${txt}`],
        { cwd: EXAMPLES, timeoutMs: 30_000 },
      );
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const s = readJson(json);
      expect(s.metrics.dropped_iterations?.count ?? 0).toBe(0);
      expect(s.metrics.iterations.count).toBeGreaterThan(250); // 75 arrivals in the ramp + 250 in the soak
      expect(readFileSync(txt, 'utf8')).toMatch(/^\*open-soak\* .*passed/);
    } finally {
      await target.close();
    }
  });
});
