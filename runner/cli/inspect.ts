import type { CommandModule } from 'yargs';
import { bundleFile } from '../bundle.js';
import { loadConfig } from '../config.js';
import { loadScenario } from '../engine/load-scenario.js';
import { OWN_DIR } from '../engine/run.js';
import { installRuntime } from '../../scenarios/runtime.js';
import { buildPlan } from '../plan/build.js';
import { describePlan } from '../plan/describe.js';
import { overrideOptions, parsePairs, planOverrides, repeatable } from './options.js';

interface InspectArgs { scenario: string; profile?: string; json?: boolean; env?: string[]; config?: string; vus?: number; duration?: string; iterations?: number }

/** `rampart inspect scenario.ts`: the plan, without sending a request. */
export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <scenario>',
  describe: 'print the plan of a scenario: workloads, stages, start, duration, peak concurrency',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'the scenario file (.ts or .js)' })
    .option('profile', { type: 'string', describe: 'the profile to inspect' })
    .option('json', { type: 'boolean', describe: 'print the plan as JSON' })
    .option('env', { ...repeatable, alias: 'e', describe: 'KEY=VALUE visible to env()' })
    .option('config', { type: 'string', describe: 'config file (default: ./rampart.yaml when present)' })
    .options(overrideOptions),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    installRuntime({ env: { ...process.env, ...config.env, ...parsePairs(args.env, '-e') }, recordCheck: () => {}, abortTest: () => {} });
    const bundle = await bundleFile(args.scenario);
    try {
      const scenario = await loadScenario(bundle.url, args.scenario, OWN_DIR);
      const overrides = planOverrides(args);
      const plan = buildPlan(scenario, overrides ? args.profile ?? null : args.profile ?? config.profile ?? null, args.scenario, overrides);
      const title = `${scenario.name}${plan.profile ? ` (profile ${plan.profile})` : ''}: ${args.scenario}`;
      process.stdout.write(args.json ? JSON.stringify({ scenario: scenario.name, file: args.scenario, ...plan }, null, 2) + '\n' : describePlan(plan, title) + '\n');
    } finally {
      await bundle.dispose();
    }
  },
};
