import type { CommandModule } from 'yargs';
import { parseOut } from '../../reporters/index.js';
import { loadConfig } from '../config.js';
import { runScenario } from '../engine/run.js';
import { UsageError } from '../errors.js';
import { parsePairs, positiveInt, repeatable } from './options.js';

interface RunArgs {
  scenario: string;
  out?: string[];
  env?: string[];
  config?: string;
  profile?: string[];
  workers?: number;
  quiet?: boolean;
  secret?: string[];
}

/** `rampart run scenario.ts`: the load test. The exit code says how it went (DESIGN.md). */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'run a scenario',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'the scenario file (.ts or .js)' })
    .option('out', { ...repeatable, alias: 'o', describe: 'TYPE=PATH: json, junit, html, hgrm, hdrlog, csv; or ./reporter.ts' })
    .option('env', { ...repeatable, alias: 'e', describe: 'KEY=VALUE visible to env() and ctx.env' })
    .option('config', { type: 'string', describe: 'config file (default: ./rampart.yaml when present)' })
    .option('profile', { ...repeatable, alias: 'p', describe: 'run this profile of the scenario' })
    .option('workers', { type: 'number', alias: 'w', describe: 'worker threads (default 1)' })
    .option('quiet', { type: 'boolean', alias: 'q', describe: 'no live progress line' })
    .option('secret', { ...repeatable, describe: 'NAME of an env var whose value must never appear in any output' }),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    const env = { ...config.env, ...parsePairs(args.env, '-e') };
    const outs = [...(config.out ?? []), ...(args.out ?? [])].map(parseOut);
    const workers = positiveInt(args.workers ?? config.workers ?? 1, '--workers', 64);
    const secretNames = [...(config.secrets ?? []), ...(args.secret ?? [])];
    const secrets = secretNames.map((name) => env[name] ?? process.env[name]).filter((v): v is string => Boolean(v));
    const profiles = args.profile ?? [];
    if (profiles.length > 1) throw new UsageError('--profile: one profile per run for now');
    const result = await runScenario({
      file: args.scenario, profile: profiles[0] ?? null, workers, outs, env, quiet: Boolean(args.quiet), config, secrets,
    });
    process.exitCode = result.exitCode;
  },
};
