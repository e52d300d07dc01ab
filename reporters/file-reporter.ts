/**
 * The shared shape of a reporter that renders the final Summary into one file
 * (`--out TYPE=PATH`): junit, html, hgrm, hdrlog, csv. It masks secrets, writes atomically and
 * returns the path it wrote.
 */
import type { Reporter, ReporterOptions, Summary } from './reporter.js';
import { writeFileAtomic } from './write-atomic.js';
import { maskDeep, maskSecrets } from '../runner/secrets.js';

export type SummaryRenderer = (summary: Summary) => string;

export { maskDeep, maskSecrets } from '../runner/secrets.js';

/** Builds a Reporter that writes `render(summary)` to `options.path` when the run ends. */
export function fileReporter(name: string, options: ReporterOptions, render: SummaryRenderer): Reporter {
  const path = options.path;
  if (!path) throw new Error(`--out ${name} needs a file path, e.g. --out ${name}=results.${name}`);
  const secrets = options.secrets ?? [];
  return {
    name,
    async onEnd(summary: Summary): Promise<string[]> {
      const text = maskSecrets(render(maskDeep(summary, secrets)), secrets);
      await writeFileAtomic(path, text);
      return [path];
    },
  };
}
