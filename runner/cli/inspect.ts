import type { CommandModule } from 'yargs';
import { overrideOptions, parsePairs, planOverrides, repeatable } from './options.js';

interface InspectArgs {
  scenario: string;
  profile?: string;
  json?: boolean;
  env?: string[];
  config?: string;
  vus?: number;
  duration?: string;
  iterations?: number;
  segment?: string;
}

/** `rampart inspect scenario.ts`: the plan, without sending a request. */
export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <scenario>',
  describe: 'print the plan of a scenario: workloads, stages, start, duration, peak concurrency',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'the scenario file (.ts or .js)' })
      .option('profile', { type: 'string', describe: 'the profile to inspect' })
      .option('json', { type: 'boolean', describe: 'print the plan as JSON' })
      .option('env', { ...repeatable, alias: 'e', describe: 'KEY=VALUE visible to env()' })
      .option('config', { type: 'string', describe: 'config file (default: ./rampart.yaml when present)' })
      .option('segment', { type: 'string', describe: "also show segment I of N's share of the plan, e.g. 2/8" })
      .options(overrideOptions),
  handler: async (args) => {
    // loaded here, not at start-up: only inspect needs the bundler and the planner; esbuild's
    // process bundles while this thread loads the rest
    const { bundleEarly, discardEarly } = await import('../bundle.js');
    bundleEarly(args.scenario);
    try {
      await inspect(args);
    } finally {
      await discardEarly();
    }
  },
};

async function inspect(args: InspectArgs): Promise<void> {
  const [{ loadConfig }, { loadPlan }, { describePlan }, { describeShare, segmentShare }, { parseSegment }] = await Promise.all([
    import('../config.js'),
    import('../engine/load-plan.js'),
    import('../plan/describe.js'),
    import('../distributed/share.js'),
    import('../distributed/segment-source.js'),
  ]);
  const config = await loadConfig(args.config);
  const segment = args.segment === undefined ? undefined : parseSegment(args.segment);
  const overrides = planOverrides(args);
  const env = { ...process.env, ...config.env, ...parsePairs(args.env, '-e') };
  const { scenario, plan, bundle } = await loadPlan(
    args.scenario,
    env,
    overrides ? (args.profile ?? null) : (args.profile ?? config.profile ?? null),
    overrides,
  );
  try {
    const title = `${scenario.name}${plan.profile ? ` (profile ${plan.profile})` : ''}: ${args.scenario}`;
    const share = segment && { segment: { index: segment.index, count: segment.count, steps: segmentShare(plan, segment) } };
    process.stdout.write(
      args.json
        ? JSON.stringify({ scenario: scenario.name, file: args.scenario, ...plan, ...share }, null, 2) + '\n'
        : describePlan(plan, title, scenario.http?.connections) + '\n' + (segment ? describeShare(plan, segment) + '\n' : ''),
    );
  } finally {
    await bundle.dispose();
  }
}
