import { build, type Message } from 'esbuild';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CompileError, UsageError } from '../errors.js';

/** A file that goes into the ConfigMap and where it appears in the pod, under /scenario. */
export interface ScenarioFile {
  /** path under the mount, e.g. 'checkout.mjs' or 'data/users.csv' */
  path: string;
  /** UTF-8 text, or bytes for a binary file (ConfigMap binaryData) */
  text?: string;
  bytes?: Buffer;
}

/** Kubernetes refuses an object over 1 MiB; the rest of the ConfigMap needs a little room. */
export const CONFIGMAP_LIMIT = 1_000_000;

/**
 * The scenario and everything it imports as one ESM file, for a pod that has no copy of the
 * user's folder. Unlike runner/bundle.ts (which bundles for this machine), `rampart` stays an
 * import: the pod's own rampart resolves it when it bundles the file again, so the API the
 * scenario talks to is the version that runs it, and the ConfigMap stays small. Paths in the
 * source map are relative to the scenario's folder: a pod has no use for this machine's.
 */
export async function bundleForPod(file: string): Promise<ScenarioFile> {
  const entry = resolve(file);
  try {
    if (!(await stat(entry)).isFile()) throw new Error('not a file');
  } catch {
    throw new UsageError(`cannot read scenario file ${file}`);
  }
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      write: false,
      outfile: entry.replace(/\.[cm]?[jt]sx?$/, '') + '.mjs',
      sourcemap: 'inline',
      sourcesContent: false,
      sourceRoot: '',
      logLevel: 'silent',
      external: ['rampart'],
    });
    const text = result.outputFiles[0].text;
    return { path: podFileName(entry), text };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors?.length) throw err;
    throw new CompileError(errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('\n'));
  }
}

/** 'scenarios/checkout.ts' → 'checkout.mjs': the name the pod runs. */
export function podFileName(scenario: string): string {
  return basename(scenario).replace(/\.[cm]?[jt]sx?$/, '') + '.mjs';
}

/**
 * A data file the scenario reads with file(): it keeps its path relative to the scenario's
 * folder, since file() resolves from there (and in the pod, that folder is /scenario).
 */
export async function dataFile(scenario: string, file: string): Promise<ScenarioFile> {
  const path = relative(dirname(resolve(scenario)), resolve(file));
  if (!path || path.startsWith('..') || isAbsolute(path)) {
    throw new UsageError(`--file ${file}: must be in the scenario's folder or below it (file() resolves from there)`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new UsageError(`--file ${file}: cannot read it`);
  }
  const text = bytes.toString('utf8');
  const posix = path.split(sep).join('/');
  return Buffer.from(text, 'utf8').equals(bytes) ? { path: posix, text } : { path: posix, bytes };
}
