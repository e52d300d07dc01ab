import { bundleFile } from '../runner/bundle.js';
import { UsageError } from '../runner/errors.js';
import type { Reporter, ReporterOptions } from './reporter.js';

/** The hooks a reporter may define besides onEnd; each is called on the user's own object. */
const HOOKS = ['onStart', 'onInterval', 'onRecords'] as const;

/** `export default class X {}`: a class is constructed, a plain function is called. */
const isClass = (f: unknown) => typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));

/**
 * Loads a user reporter file (TypeScript or JavaScript, bundled like scenarios). Its default
 * export is a Reporter object (a class instance too), a class, or a function (options) => Reporter.
 */
export async function loadUserReporter(file: string, options: ReporterOptions): Promise<Reporter> {
  const bundle = await bundleFile(file, 'reporter');
  try {
    const mod = await import(bundle.url);
    const exported = mod.default;
    const reporter = isClass(exported) ? new exported(options) : typeof exported === 'function' ? await exported(options) : exported;
    if (!reporter || typeof reporter !== 'object' || typeof reporter.onEnd !== 'function') {
      throw new UsageError(`${file}: the default export must be a reporter ({ name, onEnd(summary) }) or a function returning one`);
    }
    // bound, not spread: a class instance keeps its methods on its prototype
    const bound: Reporter = { name: reporter.name ?? file, onEnd: reporter.onEnd.bind(reporter) };
    for (const hook of HOOKS) if (typeof reporter[hook] === 'function') Object.assign(bound, { [hook]: reporter[hook].bind(reporter) });
    return bound;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: the reporter failed to load: ${(err as Error).message}`);
  } finally {
    await bundle.dispose();
  }
}
