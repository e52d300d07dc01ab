import { notStrictEqual, strictEqual } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
// 'package:specifier' (./parts.d.ts): 'yargs:./build/lib/x.js' is a file in yargs (its `exports`
// list none of them), 'yargs:y18n' is y18n as yargs resolves it. The command's bundle resolves
// and bundles them (scripts/bundle-cli.mjs); unbundled, Node refuses this module (./yargs.ts).
import { YargsFactory as Factory } from 'yargs:./build/lib/yargs-factory.js';
import { getProcessArgvBin } from 'yargs:./build/lib/utils/process-argv.js';
import Parser from 'yargs:yargs-parser';
import y18n from 'yargs:y18n';
import escalade from 'yargs:escalade/sync';
import getCallerFile from 'yargs:get-caller-file';
import type { YargsFactory } from './yargs.js';

/** yargs' platform shim (yargs/lib/platform-shims/esm.mjs) with the help renderer only for --help. */
export async function yargsFromParts(help: boolean): Promise<YargsFactory> {
  const renderer = help ? (await import('./help-renderer.js')).helpRenderer() : blankRenderer;
  // yargs' shim finds its app's package.json and its locales from its own file
  const shimFile = fileURLToPath(new URL('./lib/platform-shims/esm.mjs', import.meta.resolve('yargs')));
  const own = createRequire(shimFile);
  const shim = {
    assert: { notStrictEqual, strictEqual },
    cliui: renderer.cliui,
    findUp: escalade,
    getEnv: (key: string) => process.env[key],
    inspect,
    getProcessArgvBin,
    // as yargs' shim computes it: the folder holding node_modules, where the app's package.json is
    mainFilename: shimFile.substring(0, shimFile.lastIndexOf('node_modules')) || process.cwd(),
    Parser,
    path: { basename, dirname, extname, relative, resolve, join },
    process: {
      argv: () => process.argv,
      cwd: process.cwd,
      emitWarning: (warning: string, type: string) => process.emitWarning(warning, type),
      execPath: () => process.execPath,
      exit: (code: number) => process.exit(code),
      nextTick: process.nextTick,
      stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null,
    },
    readFileSync,
    readdirSync,
    require: own,
    getCallerFile: () => {
      const file = (getCallerFile as (depth: number) => string)(3);
      return file.startsWith('file://') ? fileURLToPath(file) : file;
    },
    stringWidth: renderer.stringWidth,
    y18n: (y18n as (o: object) => unknown)({ directory: resolve(shimFile, '../../../locales'), updateFiles: false }),
  };
  return Factory(shim) as YargsFactory;
}

export interface Renderer {
  cliui: (options: object) => unknown;
  stringWidth: (text: string) => number;
}

// yargs also renders (and caches) a command's help after starting its handler, for a failure
// to print; our .fail() prints none, so that text is never shown and a blank one costs nothing
const blankRenderer: Renderer = { cliui: () => ({ div() {}, span() {}, toString: () => '' }), stringWidth: (text) => text.length };
