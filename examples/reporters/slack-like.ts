/**
 * A custom reporter: a chat-style one-paragraph summary of the run.
 *
 *   rampart run examples/ramp.ts --out ./examples/reporters/slack-like.ts=summary.txt   # writes the file
 *   rampart run examples/ramp.ts --out ./examples/reporters/slack-like.ts               # prints one line
 *
 * The default export is a factory (options) => Reporter, so that it gets `options.path` (the
 * part after `=`); a plain Reporter object works too when it needs no options. The file is
 * bundled like a scenario; its type imports vanish at bundling.
 */
import { writeFile } from 'node:fs/promises';
import type { Reporter, ReporterOptions, Summary } from '../../reporters/reporter.js';

export default function slackLike(options: ReporterOptions): Reporter {
  let stages = 0;
  let worstErrors = 0;
  return {
    name: 'slack-like',
    onStart(info) {
      stages = info.stages.length;
    },
    onInterval(info) {
      worstErrors = Math.max(worstErrors, info.point.errors);
    }, // live, once a second
    async onEnd(summary: Summary) {
      const m = summary.metrics;
      const reqs = m.http_reqs?.type === 'counter' ? m.http_reqs.count : 0;
      const failed = m.http_req_failed?.type === 'rate' ? m.http_req_failed.rate : 0;
      const p95 = m.http_req_duration?.type === 'trend' ? m.http_req_duration.p95 : null;
      const verdict = summary.exitCode === 0 ? ':white_check_mark: passed' : `:x: exit code ${summary.exitCode}`;
      const finding = summary.insights[0] ? `\n> ${summary.insights[0].message}` : '';
      const text =
        `*${summary.scenario.name}* ${verdict}: ${reqs} requests in ${(summary.durationMs / 1000).toFixed(1)} s ` +
        `over ${stages} stage(s), ${(failed * 100).toFixed(1)}% failed (worst second: ${worstErrors}), p95 ${p95 ?? '-'} ms${finding}`;
      if (!options.path) {
        process.stdout.write(`${text.split('\n')[0]}\n`);
        return;
      }
      await writeFile(options.path, `${text}\n`);
      return [options.path]; // the files it wrote: --upload sends them too
    },
  };
}
