/**
 * Draws every help screen (`rampart --help`, `rampart <command> --help`) with yargs whole, as the
 * compiled, unbundled command does (runner/cli/yargs.ts' fallback), into dist/runner/bundled/help.json:
 * the command prints them without loading yargs (runner/cli/help-screens.ts). Drawn as for a pipe
 * (80 columns), in English (LC_ALL=en_US) and with a locale yargs has no messages for (LC_ALL=C).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function writeHelpScreens(root, out) {
  const yargsDir = dirname(createRequire(join(root, 'package.json')).resolve('yargs/package.json'));
  const { default: yargs } = await import(pathToFileURL(join(yargsDir, 'index.mjs')).href);
  const { COMMAND_NAMES, commandLine, loadCommands } = await import(pathToFileURL(join(root, 'dist/runner/cli/commands.js')).href);
  const commands = await loadCommands();
  const names = ['', ...COMMAND_NAMES];
  const draw = (name) => {
    const argv = [...(name ? [name] : []), '--help'];
    return new Promise((resolve, reject) =>
      // what yargs would print with console.log, newline included
      commandLine(yargs(argv).exitProcess(false), commands).parse(argv, {}, (err, _, output) => (err ? reject(err) : resolve(`${output}\n`))),
    );
  };
  const drawAll = async (locale) => {
    const saved = process.env.LC_ALL;
    process.env.LC_ALL = locale;
    try {
      return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await draw(n)])));
    } finally {
      if (saved === undefined) delete process.env.LC_ALL;
      else process.env.LC_ALL = saved;
    }
  };
  const screens = await drawAll('en_US');
  const untranslated = await drawAll('C');
  const locales = readdirSync(join(yargsDir, 'locales')).map((f) => f.replace(/\.json$/, ''));
  const untranslatedSame = names.every((n) => screens[n] === untranslated[n]);
  writeFileSync(out, JSON.stringify({ locales, screens, untranslatedSame }));
}
