/**
 * `rampart compare a.json b.json [more...]`: reads results files, compares them with
 * statistics (compare.ts), prints the table and writes --out json/html/text files.
 * `runComparison` is the same without yargs, for `rampart run --profile a --profile b`.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { readResultsFile } from '../results/read.js';
import { writeFileAtomic } from '../../reporters/write-atomic.js';
import type { Comparison } from './types.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './defaults.js';

export const OUTPUT_TYPES = ['json', 'html', 'text'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

export interface OutSpec {
  type: string;
  path: string;
}

export interface RunComparisonOptions {
  /** 0-based index of the baseline run; default 0 */
  baseline?: number;
  seed?: number;
  resamples?: number;
  /** column labels, one per file; default from scenario name and profile (runLabels) */
  labels?: string[];
  /** where the text table goes; default process.stdout, false for none */
  stdout?: { write(text: string): unknown; isTTY?: boolean } | false;
  /** default: stdout is a TTY and NO_COLOR is unset */
  color?: boolean;
}

/** "html=report.html" → { type, path }; a bad spec is a UsageError. */
export function parseOutSpecs(values: readonly string[]): OutSpec[] {
  return values.map((spec) => {
    const i = spec.indexOf('=');
    const type = i > 0 ? spec.slice(0, i) : '';
    const path = i > 0 ? spec.slice(i + 1) : '';
    if (!type || !path) throw new UsageError(`--out ${spec}: expected TYPE=PATH, e.g. html=compare.html`);
    return assertOutputType({ type, path });
  });
}

function assertOutputType(out: OutSpec): OutSpec {
  if (!(OUTPUT_TYPES as readonly string[]).includes(out.type)) {
    throw new UsageError(`--out ${out.type}=${out.path}: unknown type ${out.type} (expected ${OUTPUT_TYPES.join(', ')})`);
  }
  return out;
}

// The renderers (and chalk) load when a comparison is drawn, not with every command (start-up, issue 11).
const renderText = async () => (await import('./render-text.js')).renderComparisonText;

export async function renderOutput(c: Comparison, type: string): Promise<string> {
  if (type === 'json') return JSON.stringify(c, null, 2) + '\n';
  if (type === 'html') return (await import('./render-html.js')).renderComparisonHtml(c);
  if (type === 'text') return (await renderText())(c, { color: false });
  throw new UsageError(`unknown output type ${type} (expected ${OUTPUT_TYPES.join(', ')})`);
}

/** Writes every --out file atomically (a reader never sees half a file). */
export async function writeComparisonOutputs(c: Comparison, outs: readonly OutSpec[]): Promise<void> {
  for (const out of outs) await writeFileAtomic(out.path, await renderOutput(c, out.type));
}

export async function runComparison(files: string[], outs: OutSpec[], opts: RunComparisonOptions = {}): Promise<Comparison> {
  if (files.length < 2) throw new UsageError(`compare needs at least two results files, got ${files.length}`);
  outs.forEach(assertOutputType);
  const baseline = opts.baseline ?? 0;
  if (!Number.isInteger(baseline) || baseline < 0 || baseline >= files.length) {
    throw new UsageError(`--baseline ${baseline + 1}: expected a file position from 1 to ${files.length}`);
  }
  const [summaries, { compareSummaries, runLabels }] = await Promise.all([Promise.all(files.map(readResultsFile)), import('./compare.js')]);
  const labels = opts.labels ?? runLabels(files.map((file, i) => ({ file, summary: summaries[i] })));
  const comparison = compareSummaries(
    summaries.map((summary, i) => ({ label: labels[i] ?? files[i], summary })),
    { baseline, seed: opts.seed, resamples: opts.resamples },
  );
  const stdout = opts.stdout === undefined ? process.stdout : opts.stdout;
  if (stdout) {
    const color = opts.color ?? (stdout.isTTY === true && !process.env.NO_COLOR);
    stdout.write((await renderText())(comparison, { color }));
  }
  await writeComparisonOutputs(comparison, outs);
  return comparison;
}

export interface CompareArgs {
  files: string[];
  out?: string[];
  baseline: number;
  seed: number;
  resamples: number;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <files..>',
  describe: 'compare results files (e.g. burst vs ramp) with confidence intervals and significance tests',
  builder: (yargs: Argv) =>
    yargs
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'results files written with --out json=PATH' })
      .option('out', { type: 'string', array: true, nargs: 1, describe: 'also write TYPE=PATH (json, html, text); repeatable' })
      .option('baseline', { type: 'number', default: 1, describe: 'position (1-based) of the file the others are compared to' })
      .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'seed of the bootstrap, for repeatable intervals' })
      .option('resamples', { type: 'number', default: DEFAULT_RESAMPLES, describe: 'bootstrap resamples' })
      .example('$0 compare burst.json ramp.json', 'burst vs ramp, burst as the baseline')
      .example(
        '$0 compare a.json b.json --out html=compare.html --out json=compare.json',
        'also write an HTML page and JSON',
      ) as unknown as Argv<CompareArgs>,
  handler: async (args: ArgumentsCamelCase<CompareArgs>) => {
    if (!Number.isInteger(args.seed)) throw new UsageError(`--seed: expected an integer, got ${args.seed}`);
    if (!Number.isInteger(args.resamples) || args.resamples < 100) {
      throw new UsageError(`--resamples: expected an integer of at least 100, got ${args.resamples}`);
    }
    const outs = parseOutSpecs(args.out ?? []);
    await runComparison(args.files.map(String), outs, { baseline: args.baseline - 1, seed: args.seed, resamples: args.resamples });
  },
};
