import type { CommandModule } from 'yargs';
import { readFile, stat } from 'node:fs/promises';
import { ExitCode, UsageError } from '../errors.js';
import type { SegmentResult } from '../distributed/merge.js';
import type { SegmentResultsFile } from '../distributed/run-segment.js';
import { looksLikeSummary } from '../results/read.js';
import { repeatable } from './options.js';

interface MergeArgs {
  sources: string[];
  out?: string[];
  upload?: string;
  config?: string;
  quiet?: boolean;
}

/** `rampart merge s3://bucket/runs/RUN_ID --out junit=...`: the segments of a distributed run as one run, with its exit code. */
export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <sources..>',
  describe: "merge a distributed run's segments (a run store, or their results files) into one result and exit code",
  builder: (y) =>
    y
      .positional('sources', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'the run store (s3://bucket/prefix/RUN_ID or a folder), or results/<i>.json files from one',
      })
      .option('out', {
        ...repeatable,
        alias: 'o',
        describe: 'TYPE=PATH: json, junit, html, hgrm, hdrlog, csv; TYPE=URL: prometheus, influxdb; or ./reporter.ts',
      })
      .option('upload', { type: 'string', describe: 'put every file the merge wrote into s3://bucket/prefix' })
      .option('config', { type: 'string', describe: 'config file (default: ./rampart.yaml when present): its s3 settings' })
      .option('quiet', { type: 'boolean', alias: 'q', describe: 'no console summary' }),
  handler: async (args) => {
    // the reporters, the engine and the S3 client load when a merge is asked for, not at start-up (issue 11)
    const [
      { createReporters, parseOut },
      { loadConfig },
      { writeReports },
      { mergeSegments },
      { checkUploadTarget, uploadArtifacts },
      { worstExitCode },
    ] = await Promise.all([
      import('../../reporters/index.js'),
      import('../config.js'),
      import('../engine/run.js'),
      import('../distributed/merge.js'),
      import('../s3/upload.js'),
      import('../verdict.js'),
    ]);
    const config = await loadConfig(args.config);
    const s3 = { ...config.s3 };
    const outs = (args.out ?? []).map(parseOut);
    if (outs.some((o) => o.type === 'ndjson' || o.type === 'dashboard'))
      throw new UsageError('--out ndjson and dashboard are written during a run, not by merge');
    if (args.upload) await checkUploadTarget(args.upload, s3);
    const results: SegmentResult[] = [];
    for (const source of args.sources) results.push(...(await readSource(source, s3)));
    // a missing or foreign segment ends here, before any report is written
    const summary = mergeSegments(results);
    const reporters = await createReporters(outs, { console: !args.quiet, quiet: true, env: process.env });
    const { files, failures } = await writeReports(reporters, summary);
    for (const failure of failures) process.stderr.write(`rampart: ${failure}\n`);
    process.exitCode = failures.length ? worstExitCode([summary.exitCode, ExitCode.usage]) : summary.exitCode;
    if (args.upload) {
      const report = await uploadArtifacts(files, args.upload, s3);
      if (report.uploaded.length)
        process.stderr.write(`rampart: uploaded ${report.uploaded.length} file(s) to ${args.upload.replace(/\/+$/, '')}/\n`);
      for (const f of report.failed) process.stderr.write(`rampart: upload of ${f.file} failed: ${f.message}\n`);
    }
  },
};

/** A store gives every segment it holds; a file gives one. */
async function readSource(source: string, s3: Record<string, unknown>): Promise<SegmentResult[]> {
  // the store's modules load when a merge runs, not with every command (start-up, issue 11)
  const [{ keys, IncompleteRunError }, { isS3Url, openStore }] = await Promise.all([
    import('../distributed/session.js'),
    import('../distributed/store.js'),
  ]);
  if (!isS3Url(source)) {
    const s = await stat(source).catch(() => null);
    if (!s) throw new UsageError(`cannot read ${source}: no such file or folder`);
    if (s.isFile()) return [parseResults(await readFile(source, 'utf8'), source)];
  }
  const store = await openStore(source, 'merge', s3);
  try {
    const run = await store.get(keys.run);
    if (!run) throw new IncompleteRunError(`no distributed run at ${store.where} (no ${keys.run}: did a segment run with --store ${source}?)`);
    const count = (JSON.parse(run.body) as { segments: number }).segments;
    const found = await Promise.all(Array.from({ length: count }, (_, i) => store.get(keys.results(i))));
    return found.flatMap((o, i) => (o ? [parseResults(o.body, `${store.where}/${keys.results(i)}`)] : [])).concat(found.some(Boolean) ? [] : []);
  } finally {
    await store.close();
  }
}

function parseResults(text: string, source: string): SegmentResult {
  let data: Partial<SegmentResultsFile>;
  try {
    data = JSON.parse(text) as Partial<SegmentResultsFile>;
  } catch {
    throw new UsageError(`${source} is not a segment's results file: not valid JSON`);
  }
  if (data.distributed?.manifest !== 1 || !looksLikeSummary(data)) {
    throw new UsageError(`${source} is not a segment's results file (a run store's results/<i>.json, written by rampart run --segment with --store)`);
  }
  const { distributed: manifest, ...summary } = data as SegmentResultsFile;
  return { source, manifest, summary };
}
