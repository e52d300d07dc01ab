import type { Argv, CommandModule } from 'yargs';
import { ExitCode, RampartError } from '../errors.js';
import { asksHelp, loadYargs } from './yargs.js';

/**
 * Every command, in the help screen's order, each module loaded when it is needed: yargs matches
 * a command by the first word of the command line, so `rampart run ...` loads and registers the
 * run command alone, not the simulator's, k8s' or merge's flags and modules (start-up, issue 11).
 */
const COMMAND_MODULES: Record<string, () => Promise<CommandModule>> = {
  run: async () => (await import('./run.js')).runCommand as CommandModule,
  inspect: async () => (await import('./inspect.js')).inspectCommand as CommandModule,
  simulate: async () => (await import('../../simulator/cli.js')).simulateCommand as CommandModule,
  compare: async () => (await import('../compare/command.js')).compareCommand as CommandModule,
  report: async () => (await import('./report.js')).reportCommand as CommandModule,
  new: async () => (await import('./new.js')).newCommand as CommandModule,
  merge: async () => (await import('./merge.js')).mergeCommand as CommandModule,
  k8s: async () => (await import('./k8s.js')).k8sCommand as CommandModule,
};

/** The commands' names, in the help screen's order (scripts/help-screens.mjs draws a screen for each). */
export const COMMAND_NAMES = Object.keys(COMMAND_MODULES);

/** The commands' modules, every one unless named. */
export function loadCommands(names: readonly string[] = COMMAND_NAMES): Promise<CommandModule[]> {
  return Promise.all(names.map((name) => COMMAND_MODULES[name]()));
}

/**
 * Parses the command line and runs its command; a usage mistake throws (./index.ts reports it).
 * A line without a known command first (a typo, none) or asking for help gets every command, so
 * that yargs says what it says with all of them.
 */
export async function parse(argv: string[]): Promise<void> {
  const named = Object.hasOwn(COMMAND_MODULES, argv[0] ?? '') && !asksHelp(argv) ? [argv[0]] : COMMAND_NAMES;
  const [yargs, commands] = await Promise.all([loadYargs(argv), loadCommands(named)]);
  await commandLine(yargs(argv), commands).parseAsync();
}

/** The command line's yargs with these commands (scripts/help-screens.mjs draws the help screens with it too). */
export function commandLine(yargs: Argv, commands: readonly CommandModule[]): Argv {
  yargs.scriptName('rampart');
  for (const command of commands) yargs.command(command);
  return yargs
    .demandCommand(1, 'name a command: run, inspect, simulate, compare, report, new')
    .strict()
    .help()
    .version()
    .fail((message, err) => {
      throw err ?? new UsageErrorFromYargs(message);
    });
}

class UsageErrorFromYargs extends RampartError {
  override readonly exitCode = ExitCode.usage;
  override readonly code = 'RAMPART_USAGE';
}
