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

/** Parses the command line and runs its command; a usage mistake throws (./index.ts reports it). */
export async function parse(argv: string[]): Promise<void> {
  const yargs = await loadYargs(argv);
  await yargs(argv)
    .scriptName('rampart')
    .command(runCommand)
    .command(inspectCommand)
    .command(simulateCommand)
    .command(compareCommand)
    .command(reportCommand)
    .command(newCommand)
    .command(mergeCommand)
    .command(k8sCommand)
    .demandCommand(1, 'name a command: run, inspect, simulate, compare, report, new')
    .strict()
    .help()
    .version()
    .fail((message, err) => {
      throw err ?? new UsageErrorFromYargs(message);
    })
    .parseAsync();
}

class UsageErrorFromYargs extends RampartError {
  override readonly exitCode = ExitCode.usage;
  override readonly code = 'RAMPART_USAGE';
}
