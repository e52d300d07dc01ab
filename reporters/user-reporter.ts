import { bundleFile } from '../runner/bundle.js';
import { UsageError } from '../runner/errors.js';
import type { Reporter, ReporterOptions } from './reporter.js';

/**
 * Loads a user reporter file (TypeScript or JavaScript, bundled like scenarios). Its default
 * export is a Reporter object, or a function (options) => Reporter.
 */
export async function loadUserReporter(file: string, options: ReporterOptions): Promise<Reporter> {
  const bundle = await bundleFile(file, 'reporter');
  try {
    const mod = await import(bundle.url);
    const exported = mod.default;
    const reporter = typeof exported === 'function' ? await exported(options) : exported;
    if (!reporter || typeof reporter !== 'object' || typeof reporter.onEnd !== 'function') {
      throw new UsageError(`${file}: the default export must be a reporter ({ name, onEnd(summary) }) or a function returning one`);
    }
    return { name: reporter.name ?? file, ...reporter, onStart: reporter.onStart?.bind(reporter), onInterval: reporter.onInterval?.bind(reporter), onEnd: reporter.onEnd.bind(reporter) };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: the reporter failed to load: ${(err as Error).message}`);
  } finally {
    await bundle.dispose();
  }
}
