import { createRequire } from 'node:module';
import { ExitCode, RampartError } from '../errors.js';
import { builtHelp } from './help-screens.js';

/** The rampart command line. A user's mistake prints one line and the exit code of docs/architecture.md. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  // Ctrl-C while bundling or loading: nothing was measured yet, but the exit code still says
  // "interrupted". Once a run is under way it has its own handlers, and this one stands back.
  const early = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    process.stderr.write('rampart: interrupted before the load started\n');
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  // `rampart --version` answers before yargs loads: it is a quarter of the start-up (issue 11).
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${(createRequire(import.meta.url)('rampart/package.json') as { version: string }).version}\n`);
    return;
  }
  // and a help screen drawn at build time, where it reads as yargs would draw it here
  const help = builtHelp(argv);
  if (help !== undefined) {
    process.stdout.write(help);
    return;
  }
  const discardEarly = argv[0] === 'run' ? await startRun(argv[1]) : undefined;
  try {
    // the commands and yargs in one step: each command module holds its flags, and what a command
    // runs loads in its handler
    await (await import('./commands.js')).parse(argv);
  } catch (err) {
    await report(err);
  } finally {
    discardEarly?.(); // what a run did not take (a mistake on its command line)
  }
}

/**
 * `run` needs a load thread and, most often, `rampart run <scenario>`, its bundle: the thread
 * boots and esbuild bundles while yargs parses the command (start-up, issue 11). The run's
 * handler takes both (engine/threads.ts, bundle.ts) and starts the rest once it knows its flags.
 */
async function startRun(scenario: string | undefined): Promise<() => void> {
  const [threads, bundle] = await Promise.all([import('../engine/threads.js'), import('../bundle.js')]);
  threads.bootThreads(1);
  if (scenario !== undefined && !scenario.startsWith('-')) bundle.bundleEarly(scenario);
  // and what its handler loads next starts loading too: each module's read waits on a helper
  // thread, which on a busy machine is time this thread otherwise spends idle (issue 11)
  for (const next of [import('../config.js'), import('../../reporters/index.js'), import('../../reporters/console.js'), import('../engine/run.js')])
    next.catch(() => {});
  return () => {
    threads.discardBootedThreads();
    void bundle.discardEarly();
  };
}

async function report(err: unknown): Promise<void> {
  // chalk loads only when there is an error to colour (start-up, issue 11)
  const red = async (text: string) => (await import('chalk')).default.red(text);
  if (err instanceof RampartError) {
    process.stderr.write(`${await red('rampart:')} ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  // yargs' own validation and the simulator's flag checks throw plain errors naming the flag
  const message = (err as Error)?.message ?? String(err);
  if (/^--[\w-]+/.test(message) || /Unknown argument|Not enough|Missing required|Invalid values/.test(message)) {
    process.stderr.write(`${await red('rampart:')} ${message}\n`);
    process.exitCode = ExitCode.usage;
    return;
  }
  process.stderr.write(`rampart: internal error (please report it): ${(err as Error)?.stack ?? message}\n`);
  process.exitCode = ExitCode.internal;
}
