import type * as Esbuild from 'esbuild';
import type { BuildOptions, Message } from 'esbuild';
import { execFile } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CompileError, UsageError } from './errors.js';

// esbuild's JavaScript API through require(), when it is needed: imported as ESM, Node first scans
// its 100 kB CommonJS file for export names, which took longer than loading it (start-up, issue 11)
const require = createRequire(import.meta.url);
const esbuild = () => require('esbuild') as typeof Esbuild;

/**
 * `import ... from 'rampart'` (and the package's other exports) resolve to this rampart's own
 * files, wherever the scenario lives: the API a scenario talks to is the one that runs it.
 */
const OWN_EXPORTS = Object.fromEntries(
  ['rampart', 'rampart/reporter', 'rampart/package.json'].map((name) => [name, fileURLToPath(import.meta.resolve(name))]),
);

export interface Bundle {
  /** the bundled ESM module, with an inline source map back to the TypeScript */
  file: string;
  url: string;
  /** removes the temp folder */
  dispose(): Promise<void>;
}

/** Scenario bundles started ahead of the bundleFile() call that takes them, by resolved path. */
const early = new Map<string, Promise<Bundle>>();

/**
 * Starts bundling a scenario now (start-up, issue 11): a command calls this before loading the
 * engine, so esbuild's own process starts and bundles while this thread loads modules. The
 * next bundleFile() of the same file takes the result, errors included; discardEarly() removes
 * a bundle nothing took (the command failed before loading its scenario).
 */
export function bundleEarly(file: string): void {
  const key = resolve(file);
  if (early.has(key)) return;
  const pending = buildBundle(file, 'scenario');
  pending.catch(() => {}); // the bundleFile() that takes it reports the error
  early.set(key, pending);
}

export async function discardEarly(): Promise<void> {
  const pending = [...early.values()];
  early.clear();
  await Promise.all(pending.map((p) => p.then((b) => b.dispose()).catch(() => {})));
}

/**
 * Bundles a scenario (or a user reporter) and everything it imports into one ESM file in a
 * temp folder. esbuild does not type-check: it strips types, so a type-only mistake surfaces
 * where it breaks at run time (stage validation names the field).
 */
export function bundleFile(file: string, kind = 'scenario'): Promise<Bundle> {
  const key = resolve(file);
  const started = kind === 'scenario' ? early.get(key) : undefined;
  if (!started) return buildBundle(file, kind);
  early.delete(key);
  return started;
}

async function buildBundle(file: string, kind: string): Promise<Bundle> {
  const entry = resolve(file);
  try {
    const s = await stat(entry);
    if (!s.isFile()) throw new Error('not a file');
  } catch {
    throw new UsageError(`cannot read ${kind} file ${file}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'rampart-'));
  const out = join(dir, basename(entry).replace(/\.[cm]?[jt]sx?$/, '') + '.bundle.mjs');
  const options: BuildOptions = {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: out,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
    alias: OWN_EXPORTS,
    // bundled CommonJS packages may require() node builtins
    banner: { js: "import { createRequire as __rampartRequire } from 'node:module'; const require = __rampartRequire(import.meta.url);" },
  };
  // esbuild's own command first; its JavaScript API where that is missing, and for the errors of
  // a scenario that does not compile (the API returns them with their file, line and column)
  if (!(await runEsbuildCommand(options))) {
    try {
      await esbuild().build(options);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      const errors = (err as { errors?: Message[] }).errors;
      if (!errors?.length) throw err;
      throw new CompileError(errors.map(formatBuildError).join('\n'));
    }
  }
  return { file: out, url: pathToFileURL(out).href, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Bundles by running esbuild's executable with `options` as flags: true when it succeeded. The
 * JavaScript API does the same through a service process, after loading ~100 kB of JavaScript
 * and a protocol: ~25 ms of the command's thread in a one-request run (start-up, issue 11).
 * Only the options buildBundle sets are translated. false (the API takes over) when the package
 * has no native executable in bin/ (esbuild's installer puts it there where it can).
 */
async function runEsbuildCommand(o: BuildOptions): Promise<boolean> {
  const bin = nativeEsbuild();
  if (!bin) return false;
  const flags = [
    ...(o.entryPoints as string[]),
    '--bundle',
    `--platform=${o.platform}`,
    `--target=${o.target}`,
    `--format=${o.format}`,
    `--outfile=${o.outfile}`,
    `--sourcemap=${o.sourcemap}`,
    `--sources-content=${o.sourcesContent}`,
    `--log-level=${o.logLevel}`,
    ...Object.entries(o.alias ?? {}).map(([from, to]) => `--alias:${from}=${to}`),
    ...Object.entries(o.banner ?? {}).map(([type, text]) => `--banner:${type}=${text}`),
  ];
  return new Promise((done) => execFile(bin, flags, { windowsHide: true }, (err) => done(!err)));
}

let nativeBin: string | null | undefined;
function nativeEsbuild(): string | null {
  if (nativeBin !== undefined) return nativeBin;
  nativeBin = null;
  try {
    const path = require.resolve('esbuild/bin/esbuild');
    const head = Buffer.alloc(2);
    const fd = openSync(path, 'r');
    readSync(fd, head, 0, 2, 0);
    closeSync(fd);
    if (head.toString('latin1') !== '#!') nativeBin = path; // not the JavaScript launcher
  } catch {
    // no esbuild/bin/esbuild: the API finds the executable itself
  }
  return nativeBin;
}

function formatBuildError(e: Message): string {
  const loc = e.location;
  if (!loc) return e.text;
  const file = relative(process.cwd(), resolve(loc.file)) || loc.file;
  const head = `${file}:${loc.line}:${loc.column + 1}: ${e.text}`;
  if (!loc.lineText) return head;
  return `${head}\n    ${loc.lineText}\n    ${' '.repeat(loc.column)}^`;
}
