import { ExitCode, RampartError } from '../errors.js';
import { compareCommand } from '../compare/command.js';
import { simulateCommand } from '../../simulator/cli.js';
import { inspectCommand } from './inspect.js';
import { k8sCommand } from './k8s.js';
import { mergeCommand } from './merge.js';
import { newCommand } from './new.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { loadYargs } from './yargs.js';
import type { Argv, CommandModule } from 'yargs';

/** Every command, in the help screen's order (scripts/help-screens.mjs draws a screen for each). */
export const COMMANDS = [
  runCommand,
  inspectCommand,
  simulateCommand,
  compareCommand,
  reportCommand,
  newCommand,
  mergeCommand,
  k8sCommand,
] as CommandModule[];

/** Parses the command line and runs its command; a usage mistake throws (./index.ts reports it). */
export async function parse(argv: string[]): Promise<void> {
  await commandLine((await loadYargs(argv))(argv)).parseAsync();
}

/** The command line's yargs (scripts/help-screens.mjs draws the help screens with it too). */
export function commandLine(yargs: Argv): Argv {
  yargs.scriptName('rampart');
  for (const command of COMMANDS) yargs.command(command);
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
