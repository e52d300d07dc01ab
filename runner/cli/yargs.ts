import { notStrictEqual, strictEqual } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import type { Argv } from 'yargs';

type YargsFactory = (argv: string[]) => Argv;

/**
 * yargs, built from its parts (issue 11, start-up). yargs' own platform shim
 * (yargs/lib/platform-shims/esm.mjs) imports cliui and string-width, whose Unicode tables (emoji
 * regexps, Intl.Segmenter) cost more than the parser: they draw the help screen, which only
 * `--help` shows (our `.fail()` handler prints no help), so other commands get a blank renderer.
 * For --help the renderer is cliui with one string-width, the one wrap-ansi brings (yargs'
 * own, a newer copy, measures only the left column's flag and command names, ASCII either way). If yargs' files
 * move, it loads yargs as usual.
 */
export async function loadYargs(argv: string[]): Promise<YargsFactory> {
  try {
    return await yargsFromParts(argv.some((a) => a === '--help' || a.startsWith('--help=')));
  } catch {
    // a yargs release with another layout: the whole package
    return (await import('yargs')).default as unknown as YargsFactory;
  }
}

/** exported for test/cli-startup.test.ts, which checks that it still builds on this yargs */
export async function yargsFromParts(help: boolean): Promise<YargsFactory> {
  const main = import.meta.resolve('yargs'); // .../yargs/index.mjs
  const shimFile = fileURLToPath(new URL('./lib/platform-shims/esm.mjs', main));
  const own = createRequire(shimFile); // yargs' dependencies, as its own shim resolves them
  const load = (spec: string) => import(pathToFileURL(own.resolve(spec)).href);
  const [factory, argvBin, parser, y18n, escalade, callerFile, renderer] = await Promise.all([
    import(new URL('./build/lib/yargs-factory.js', main).href),
    import(new URL('./build/lib/utils/process-argv.js', main).href),
    load('yargs-parser'),
    load('y18n'),
    load('escalade/sync'),
    load('get-caller-file'),
    help ? helpRenderer(own.resolve('cliui')) : blankRenderer,
  ]);
  const shim = {
    assert: { notStrictEqual, strictEqual },
    cliui: renderer.cliui,
    findUp: escalade.default,
    getEnv: (key: string) => process.env[key],
    inspect,
    getProcessArgvBin: argvBin.getProcessArgvBin,
    // as yargs' shim computes it: the folder holding node_modules, where the app's package.json is
    mainFilename: shimFile.substring(0, shimFile.lastIndexOf('node_modules')) || process.cwd(),
    Parser: parser.default,
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
      const file = (callerFile.default as (depth: number) => string)(3);
      return file.startsWith('file://') ? fileURLToPath(file) : file;
    },
    stringWidth: renderer.stringWidth,
    y18n: (y18n.default as (o: object) => unknown)({ directory: resolve(shimFile, '../../../locales'), updateFiles: false }),
  };
  return factory.YargsFactory(shim) as YargsFactory;
}

interface Renderer {
  cliui: (options: object) => unknown;
  stringWidth: (text: string) => number;
}

// yargs also renders (and caches) a command's help after starting its handler, for a failure
// to print; our .fail() prints none, so that text is never shown and a blank one costs nothing
const blankRenderer: Renderer = { cliui: () => ({ div() {}, span() {}, toString: () => '' }), stringWidth: (text) => text.length };

async function helpRenderer(cliuiFile: string): Promise<Renderer> {
  // cliui/index.mjs's wiring, but with the string-width wrap-ansi brings: cliui and wrap-ansi each
  // bring a copy, and each copy sets up its own Intl.Segmenter
  const from = (file: string, spec: string) => createRequire(file).resolve(spec);
  const wrapFile = from(cliuiFile, 'wrap-ansi');
  const [core, wrap, stringWidth, stripAnsi] = await Promise.all(
    [new URL('./build/lib/index.js', pathToFileURL(cliuiFile)).href, wrapFile, from(wrapFile, 'string-width'), from(cliuiFile, 'strip-ansi')].map(
      (f) => import(f.startsWith('file:') ? f : pathToFileURL(f).href),
    ),
  );
  const mixin = { stringWidth: stringWidth.default, stripAnsi: stripAnsi.default, wrap: wrap.default };
  return { cliui: (options) => core.cliui(options, mixin), stringWidth: stringWidth.default };
}
