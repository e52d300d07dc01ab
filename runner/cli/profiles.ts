import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { OutSpec } from '../../reporters/index.js';
import type { Reporter } from '../../reporters/reporter.js';
import { runComparison, parseOutSpecs } from '../compare/command.js';
import { parseDuration } from '../duration.js';
import { runScenario, type RunOptions, type RunResult } from '../engine/run.js';
import { ExitCode, UsageError } from '../errors.js';
import { worstExitCode } from '../verdict.js';

/** results.json → results.burst.json: each profile's outputs side by side. */
export function profilePath(path: string, profile: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${profile}${ext}`;
}

/**
 * `rampart run s.ts --profile burst --profile ramp [--cooldown 30s]`: the profiles one after
 * another, each with its own outputs, then the comparison of their results.
 */
export async function runProfiles(
  base: Omit<RunOptions, 'profile' | 'createReporters'>,
  profiles: string[],
  outs: OutSpec[],
  options: { cooldown?: string; compareOut?: string[] },
  reportersFor: (outs: OutSpec[]) => (secrets: string[]) => Promise<Reporter[]>,
): Promise<{ exitCode: number; files: string[] }> {
  const cooldownMs = options.cooldown === undefined ? 0 : parseDuration(options.cooldown);
  if (!(cooldownMs >= 0)) throw new UsageError(`--cooldown '${options.cooldown}' is not a duration such as '30s'`);
  const compareOuts = parseOutSpecs(options.compareOut ?? []);
  const scratch = await mkdtemp(join(tmpdir(), 'rampart-profiles-'));
  try {
    const results: RunResult[] = [];
    const files: string[] = [];
    for (const [i, profile] of profiles.entries()) {
      if (i > 0 && cooldownMs > 0) {
        process.stderr.write(`rampart: cooling down for ${options.cooldown} before profile ${profile}\n`);
        await new Promise((r) => setTimeout(r, cooldownMs));
      }
      const own = outs.map((o) => (o.path ? { ...o, path: profilePath(o.path, profile) } : o));
      let json = own.find((o) => o.type === 'json')?.path;
      if (!json) {
        json = join(scratch, `${basename(base.file)}.${profile}.json`);
        own.push({ type: 'json', path: json, raw: `json=${json}` });
      }
      const result = await runScenario({ ...base, profile, createReporters: reportersFor(own) });
      results.push(result);
      files.push(json);
      if (result.exitCode === ExitCode.interrupted) break; // Ctrl-C stops the whole comparison
    }
    if (files.length > 1) {
      process.stdout.write(`\n  comparison of profiles ${profiles.slice(0, files.length).join(' vs ')}\n\n`);
      await runComparison(files, compareOuts, { labels: profiles.slice(0, files.length) });
    }
    const written = [...results.flatMap((r) => r.files), ...compareOuts.map((o) => o.path)];
    return { exitCode: worstExitCode(results.map((r) => r.exitCode)), files: written };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
