import chalk from 'chalk';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { simulateCommand } from '../../simulator/cli.js';
import { ExitCode, RampartError } from '../errors.js';
import { inspectCommand } from './inspect.js';
import { runCommand } from './run.js';
import { reportCommand } from './report.js';
import { newCommand } from './new.js';
import { mergeCommand } from './merge.js';
import { k8sCommand } from './k8s.js';
import { compareCommand } from '../compare/command.js';

/** The rampart command line. A user's mistake prints one line and the exit code of docs/architecture.md. */
export async function main(argv = hideBin(process.argv)): Promise<void> {
  // Ctrl-C while bundling or loading: nothing was measured yet, but the exit code still says
  // "interrupted". Once a run is under way it has its own handlers, and this one stands back.
  const early = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    process.stderr.write('rampart: interrupted before the load started\n');
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  try {
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
  } catch (err) {
    report(err);
  }
}

class UsageErrorFromYargs extends RampartError {
  override readonly exitCode = ExitCode.usage;
  override readonly code = 'RAMPART_USAGE';
}

function report(err: unknown): void {
  if (err instanceof RampartError) {
    process.stderr.write(`${chalk.red('rampart:')} ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  // yargs' own validation and the simulator's flag checks throw plain errors naming the flag
  const message = (err as Error)?.message ?? String(err);
  if (/^--[\w-]+/.test(message) || /Unknown argument|Not enough|Missing required|Invalid values/.test(message)) {
    process.stderr.write(`${chalk.red('rampart:')} ${message}\n`);
    process.exitCode = ExitCode.usage;
    return;
  }
  process.stderr.write(`rampart: internal error (please report it): ${(err as Error)?.stack ?? message}\n`);
  process.exitCode = ExitCode.internal;
}
