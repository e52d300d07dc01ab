import type { CommandModule } from 'yargs';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { failUnmeasured, failUnmeasuredOption, overrideOptions, parsePairs, planOverrides, positiveInt, repeatable } from './options.js';
import { distributedFromArgs, distributedOptions, type DistributedArgs } from '../distributed/cli-options.js';
import type { UploadOptions } from '../s3/upload.js';
import type { OutSpec } from '../../reporters/index.js';

// The engine, the reporters, the config reader and the S3 client load in the handler, when a run
// is really asked for: `rampart --help` or a usage error need none of them (start-up, issue 11).

/** Uploads what the run wrote; a failed upload is said, and does not change the run's exit code. */
async function uploadFiles(files: string[], url: string, options: UploadOptions): Promise<void> {
  const { uploadArtifacts } = await import('../s3/upload.js');
  const report = await uploadArtifacts(files, url, options);
  const prefix = url.replace(/\/+$/, '');
  if (report.uploaded.length) process.stderr.write(`rampart: uploaded ${report.uploaded.length} file(s) to ${prefix}/\n`);
  for (const f of report.failed) process.stderr.write(`rampart: upload of ${f.file} failed: ${f.message}\n`);
}

interface RunArgs extends DistributedArgs {
  scenario: string;
  out?: string[];
  env?: string[];
  config?: string;
  profile?: string[];
  workers?: number;
  quiet?: boolean;
  secret?: string[];
  cooldown?: string;
  compareOut?: string[];
  upload?: string;
  interval?: string;
  failUnmeasured?: boolean;
  vus?: number;
  duration?: string;
  iterations?: number;
  dashboard?: string;
  dashboardOpen?: boolean;
}

/** `rampart run scenario.ts`: the load test. The exit code says how it went (docs/architecture.md). */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'run a scenario',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'the scenario file (.ts or .js)' })
      .option('out', {
        ...repeatable,
        alias: 'o',
        describe: 'TYPE=PATH: json, junit, html, hgrm, hdrlog, csv, ndjson; TYPE=URL: prometheus, influxdb (docs/outputs.md); or ./reporter.ts',
      })
      .option('env', { ...repeatable, alias: 'e', describe: 'KEY=VALUE visible to env() and ctx.env' })
      .option('config', { type: 'string', describe: 'config file (default: ./rampart.yaml when present)' })
      .option('profile', { ...repeatable, alias: 'p', describe: 'run this profile of the scenario' })
      .option('workers', { type: 'number', alias: 'w', describe: 'worker threads (default 1)' })
      .option('quiet', { type: 'boolean', alias: 'q', describe: 'no live progress line' })
      .option('secret', { ...repeatable, describe: 'NAME of an env var whose value must never appear in any output' })
      .option('cooldown', { type: 'string', describe: "with several --profile: pause between them, e.g. '30s'" })
      .option('compare-out', { ...repeatable, describe: 'with several --profile: write the comparison too, TYPE=PATH (json, html, text)' })
      .option('upload', { type: 'string', describe: 'put every file the run wrote into s3://bucket/prefix' })
      .option('interval', { type: 'string', describe: "timeline resolution, default '1s' (e.g. '250ms' for a short run)" })
      .option('dashboard', {
        type: 'string',
        describe:
          'serve a live page of the run on 127.0.0.1:PORT (default 5665, 0: any free port); put it after the scenario or write --dashboard=PORT',
      })
      .option('dashboard-open', { type: 'boolean', describe: 'with --dashboard: open it in a browser where one exists' })
      .option('fail-unmeasured', failUnmeasuredOption)
      .options(overrideOptions)
      .options(distributedOptions),
  handler: async (args) => {
    const [{ loadConfig }, { parseOut, createReporters }] = await Promise.all([import('../config.js'), import('../../reporters/index.js')]);
    const config = await loadConfig(args.config);
    const env = { ...config.env, ...parsePairs(args.env, '-e') };
    const outs = [...(config.out ?? []), ...(args.out ?? [])].map(parseOut);
    if (args.dashboard !== undefined || args.dashboardOpen) {
      const { parseDashboard } = await import('../../reporters/dashboard/options.js');
      const dashboard = { ...parseDashboard(args.dashboard || undefined), open: Boolean(args.dashboardOpen) };
      outs.push({ type: 'dashboard', dashboard, raw: 'dashboard' });
    }
    const workers = positiveInt(args.workers ?? config.workers ?? 1, '--workers', 64);
    const secretNames = [...(config.secrets ?? []), ...(args.secret ?? [])];
    const secrets = secretNames.map((name) => env[name] ?? process.env[name]).filter((v): v is string => Boolean(v));
    const profiles = args.profile ?? [];
    const upload = args.upload ?? config.upload;
    const s3 = { ...config.s3 };
    if (upload) await (await import('../s3/upload.js')).checkUploadTarget(upload, s3); // an unreachable bucket is an error before the load, not after it
    const intervalMs = args.interval === undefined ? 1000 : parseDuration(args.interval);
    if (!(intervalMs >= 50 && intervalMs <= 60_000)) throw new UsageError(`--interval '${args.interval}' must be a duration from 50ms to 1m`);
    // the command makes the reporters; the engine calls this once the scenario is checked, with the run's secret list
    const reportersFor = (own: OutSpec[]) => (masked: string[]) =>
      createReporters(own, { quiet: Boolean(args.quiet), secrets: masked, env: { ...process.env, ...env } });
    const base = {
      file: args.scenario,
      workers,
      env,
      config,
      secrets,
      intervalMs,
      failUnmeasured: failUnmeasured(args.failUnmeasured, config),
      overrides: planOverrides(args),
    };
    if (profiles.length > 1) {
      if (resolveSegmentFlags(args)) throw new UsageError('a distributed run runs one profile: give one --profile');
      if (new Set(profiles).size !== profiles.length) throw new UsageError('--profile: each profile once');
      const { runProfiles } = await import('./profiles.js');
      const { exitCode, files } = await runProfiles(base, profiles, outs, { cooldown: args.cooldown, compareOut: args.compareOut }, reportersFor);
      process.exitCode = exitCode;
      if (upload) await uploadFiles(files, upload, s3);
      return;
    }
    const distributed = await distributedFromArgs(args, s3);
    const { bundleEarly, discardEarly } = await import('../bundle.js');
    bundleEarly(args.scenario); // esbuild works in its own process while this thread loads the engine
    const { bootThreads, discardBootedThreads } = await import('../engine/threads.js');
    bootThreads(workers); // and the load threads boot and load theirs
    const { runScenario } = await import('../engine/run.js');
    const result = await runScenario({ ...base, profile: profiles[0] ?? null, createReporters: reportersFor(outs), distributed })
      .catch(async (err) => {
        // a segment that fails before its load (scenario error, bad option) must not leave the others waiting at the barrier
        if (distributed?.store) await (await import('../distributed/run-segment.js')).failSegment(distributed, err);
        throw err;
      })
      .finally(() => {
        discardEarly();
        discardBootedThreads();
      });
    process.exitCode = result.exitCode;
    if (upload) await uploadFiles(result.files, upload, s3);
  },
};

function resolveSegmentFlags(args: DistributedArgs): boolean {
  return [args.segment, args.segments, args.store, args.startAt].some((v) => v !== undefined);
}
