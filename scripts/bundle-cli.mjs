#!/usr/bin/env node
/**
 * The second step of `npm run build` (after tsc): the command line and the worker thread, each
 * bundled by esbuild into dist/runner/bundled/ (issue 11, start-up). Node 20 has no compile cache
 * and its ES module loader pays per file (resolve, read, compile, link): one run loaded ~100
 * files of the engine on each thread and yargs' ~40 for every command. bin/rampart.js runs
 * cli.js; the engine starts worker.js (runner/engine/coordinator.ts: './worker.js' next to it).
 *
 * - Dynamic import() stays lazy: each becomes a chunk (`splitting`), loaded when it runs.
 * - The folder sits at the depth of the sources (dist/runner/<folder>/), so the paths modules
 *   compute from import.meta.url still resolve: '../../../package.json', OWN_DIR's '../..'.
 * - A module's own `const require = createRequire(import.meta.url)` becomes esbuild's require (see
 *   below); other createRequire() calls are left to run time (esbuild itself, csv-parse, snappyjs)
 *   and resolve from here as from the sources.
 * - yargs' parts (runner/cli/yargs-parts.ts) resolve as yargs and cliui resolve them: a part that moved
 *   fails this build.
 * - The source maps lead back to the TypeScript (esbuild follows tsc's maps); the code is minified
 *   but for its names, so an internal error's stack reads with `node --enable-source-maps`.
 * - help.json: the help screens, drawn by yargs now (./help-screens.mjs).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHelpScreens } from './help-screens.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist/runner/bundled');
const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const RUNTIME_REQUIRE = /^const require = createRequire\(import\.meta\.url\);$/m;

/**
 * runner/cli/yargs-parts.ts names yargs' parts 'package:specifier' ('yargs:./build/lib/x.js', a file in
 * yargs; 'yargs:y18n', y18n as yargs resolves it). wrap-ansi's string-width becomes textWidth,
 * which loads string-width only for text that is not printable ASCII (runner/cli/text-width.ts).
 */
const UNDICI_CORE = join(ROOT, 'dist/runner/http/undici.js');
const HDR_DIST = join('node_modules', 'hdr-histogram-js', 'dist', sep);
/**
 * What hdr-histogram-js' codec requires and a Node process never runs, left out of the bundles:
 * its WebAssembly build (a 39 kB base64 string, and its loader) and pako (the browser's zlib; in
 * Node the codec uses node:zlib). 120 kB less to parse on each thread. The codec still checks
 * `instanceof WasmHistogram`, which no histogram here is; the library's index (the hdrlog
 * reporter's log writer) gets the same stubs, so its WebAssembly histograms are not in the bundle.
 */
const HDR_STUBS = { './wasm': 'exports.WasmHistogram = class WasmHistogram {};', pako: 'module.exports = undefined;' };

/** `forCommand`: the command's build (cli.js), else the load thread's (worker.js). */
const parts = (forCommand) => ({
  name: 'rampart-cli-parts',
  setup(build) {
    build.onResolve({ filter: /^(yargs|cliui):/ }, async ({ path, importer }) => {
      const [pkg, spec] = [path.slice(0, path.indexOf(':')), path.slice(path.indexOf(':') + 1)];
      const main = createRequire(importer).resolve(pkg);
      const folder = main.slice(0, main.lastIndexOf(`${sep}node_modules${sep}${pkg}${sep}`)) + join(`${sep}node_modules`, pkg);
      const found = await build.resolve(spec, { resolveDir: folder, kind: 'import-statement' });
      return found.errors.length ? { errors: found.errors } : { path: found.path };
    });
    // A module that requires packages at run time (`const require = createRequire(import.meta.url)`:
    // undici's core, hdr-histogram-js' parts) gets esbuild's require instead, which bundles them and
    // still runs each at its first require(). Left to Node, a package that a bundled module also
    // imports would exist twice: hdr-histogram-js' encoder refuses the other copy's histograms.
    // Except undici in the command: its main thread makes an HTTP client only for a setup() or
    // teardown() that sends requests, and Node then loads the few files it needs; bundled, it
    // was 350 kB that every run parsed (~35 ms of a one-GET run).
    build.onLoad({ filter: /\.js$/ }, async ({ path }) => {
      if (!path.startsWith(join(ROOT, 'dist', sep)) || (forCommand && path === UNDICI_CORE)) return undefined;
      const text = await readFile(path, 'utf8');
      if (!RUNTIME_REQUIRE.test(text)) return undefined;
      return { contents: text.replace(RUNTIME_REQUIRE, "/* require: the bundle's */"), loader: 'js', resolveDir: dirname(path) };
    });
    // A package imported lazily stays a package, loaded by Node when asked: esbuild's split chunks
    // give a CommonJS module only a default export, and `const { x } = await import('yaml')` needs x.
    build.onResolve({ filter: /^[^./]/ }, ({ path, kind }) =>
      kind === 'dynamic-import' && !/^(yargs|cliui):/.test(path) ? { external: true } : undefined,
    );
    build.onResolve({ filter: /^(\.\/wasm|pako)$/ }, ({ path, importer }) =>
      importer.includes(HDR_DIST) && !importer.includes(`${HDR_DIST}wasm`) ? { path, namespace: 'hdr-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'hdr-stub' }, ({ path }) => ({ contents: HDR_STUBS[path], loader: 'js' }));
    build.onResolve({ filter: /^string-width$/ }, ({ importer }) =>
      /[\\/]wrap-ansi[\\/]/.test(importer) ? { path: join(ROOT, 'dist/runner/cli/text-width.js') } : undefined,
    );
  },
});

rmSync(OUT, { recursive: true, force: true });
// `--meta FILE` writes esbuild's metafiles (which modules went into which chunk), e.g. for https://esbuild.github.io/analyze/
const meta = process.argv.indexOf('--meta') > 0 ? process.argv[process.argv.indexOf('--meta') + 1] : undefined;
const options = {
  absWorkingDir: ROOT,
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['esbuild'],
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  // spaces, comments and syntax, not names: a third less to parse, and stack traces keep function names
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: Boolean(meta),
  // bundled CommonJS packages require() node builtins
  banner: { js: "import { createRequire as __rampartRequire } from 'node:module'; const require = __rampartRequire(import.meta.url);" },
};
// Two builds: a worker thread is an isolate of its own, which shares no loaded module with the
// main thread, so the worker's modules go into one file of its own instead of chunks shared with the command.
// yargs-parts: also its own file, so test/cli-startup.test.ts can check the parts build a yargs.
const entries = [{ cli: 'dist/runner/cli/index.js', 'yargs-parts': 'dist/runner/cli/yargs-parts.js' }, { worker: 'dist/runner/engine/worker.js' }];
const build = (entryPoints, i) => esbuild.build({ ...options, entryPoints, plugins: [parts(i === 0)] });
const results = await Promise.all(entries.map(build)).catch(() => process.exit(1)); // esbuild has printed the errors
if (meta) writeFileSync(meta, JSON.stringify(results.map((r) => r.metafile)));
await writeHelpScreens(ROOT, join(OUT, 'help.json'));
