import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { repeatable } from './options.js';

interface ReportArgs {
  results: string;
  out?: string[];
}

/** `rampart report results.json --out html=report.html`: re-renders a saved run with any reporter. */
export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <results>',
  describe: 're-render a saved results file (--out json=...) with any reporter',
  builder: (y) =>
    y
      .positional('results', { type: 'string', demandOption: true, describe: 'a results file written with --out json=PATH' })
      .option('out', { ...repeatable, alias: 'o', describe: 'TYPE=PATH: json, junit, html, hgrm, hdrlog, csv; or ./reporter.ts' }),
  handler: async (args) => {
    const [{ createReporters, parseOut }, { readResultsFile }] = await Promise.all([
      import('../../reporters/index.js'),
      import('../results/read.js'),
    ]);
    const summary = await readResultsFile(args.results);
    const outs = (args.out ?? []).map(parseOut);
    if (outs.some((o) => o.type === 'ndjson'))
      throw new UsageError('--out ndjson: per-request lines are not in a results file; write them during the run');
    // no --out: print the console summary again
    const reporters = await createReporters(outs, { console: outs.length === 0, quiet: true });
    for (const r of reporters) await r.onEnd(summary);
  },
};
