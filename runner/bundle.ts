import type * as Esbuild from 'esbuild';
import type { Message, Plugin } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CompileError, UsageError } from './errors.js';

// esbuild through require(), when a bundle is made: imported as ESM, Node first scans its 100 kB
// CommonJS file for export names, which took longer than loading it (start-up, issue 11)
const esbuild = () => createRequire(import.meta.url)('esbuild') as typeof Esbuild;

/** The compiled authoring API that `import ... from 'rampart'` resolves to (this package's own name). */
const AUTHORING_API = fileURLToPath(import.meta.resolve('rampart'));

export interface Bundle {
  /** the bundled ESM module, with an inline source map back to the TypeScript */
  file: string;
  url: string;
  /** removes the temp folder */
  dispose(): Promise<void>;
}

const rampartModule: Plugin = {
  name: 'rampart-authoring-api',
  setup(b) {
    b.onResolve({ filter: /^rampart$/ }, () => ({ path: AUTHORING_API }));
  },
};

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
  try {
    await esbuild().build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      outfile: out,
      write: true,
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [rampartModule],
      // bundled CommonJS packages may require() node builtins
      banner: { js: "import { createRequire as __rampartRequire } from 'node:module'; const require = __rampartRequire(import.meta.url);" },
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors?.length) throw err;
    throw new CompileError(errors.map(formatBuildError).join('\n'));
  }
  return { file: out, url: pathToFileURL(out).href, dispose: () => rm(dir, { recursive: true, force: true }) };
}

function formatBuildError(e: Message): string {
  const loc = e.location;
  if (!loc) return e.text;
  const file = relative(process.cwd(), resolve(loc.file)) || loc.file;
  const head = `${file}:${loc.line}:${loc.column + 1}: ${e.text}`;
  if (!loc.lineText) return head;
  return `${head}\n    ${loc.lineText}\n    ${' '.repeat(loc.column)}^`;
}
