import type { Argv } from 'yargs';

export type YargsFactory = (argv: string[]) => Argv;

/**
 * yargs, built from its parts (issue 11, start-up). yargs' own platform shim
 * (yargs/lib/platform-shims/esm.mjs) imports cliui and string-width, whose Unicode tables (emoji
 * regexps, Intl.Segmenter) cost more than the parser: they draw the help screen, which only
 * `--help` shows (our `.fail()` handler prints no help), so other commands get a blank renderer
 * (./yargs-parts.ts). The parts are bundled into the command (scripts/bundle-cli.mjs); run
 * unbundled, it loads yargs as usual.
 */
export async function loadYargs(argv: string[]): Promise<YargsFactory> {
  try {
    return await (await import('./yargs-parts.js')).yargsFromParts(asksHelp(argv));
  } catch {
    // not bundled: the whole package
    return (await import('yargs')).default as unknown as YargsFactory;
  }
}

/** The command line asks for a help screen. */
export function asksHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a.startsWith('--help='));
}
