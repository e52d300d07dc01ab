import chalk from 'chalk';
import { formatDuration } from '../runner/duration.js';
import type { IntervalInfo, Reporter, ReporterOptions, RunInfo, Summary } from './reporter.js';
import { maskSecrets } from './file-reporter.js';
import { llmBlock, llmText } from './llm-rows.js';
import { sweepTables, sweepText } from './sweep-table.js';
import { checkRows, formatNumber, formatPercent, metricValues, runStatus, sortedMetricKeys, thresholdRows, workloadRows } from './summary-rows.js';

/** The metrics a person reads first, in this order; sub-metrics and the rest follow. */
const HEADLINE = ['http_req_duration', 'http_req_waiting', 'http_req_failed', 'http_reqs', 'iteration_duration', 'iterations'];

/**
 * Live progress on a TTY (one line on stderr, redrawn every interval) and the end-of-run
 * summary on stdout. Colours follow chalk's detection: NO_COLOR, FORCE_COLOR, TTY.
 */
export function createConsoleReporter(options: ReporterOptions & { stream?: NodeJS.WriteStream; progress?: NodeJS.WriteStream }): Reporter {
  const out = options.stream ?? process.stdout;
  const progress = options.progress ?? process.stderr;
  const live = !options.quiet && progress.isTTY === true;
  const secrets = options.secrets ?? [];
  let info: RunInfo | undefined;
  let drawn = false;
  const clear = () => {
    if (drawn) progress.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    name: 'console',
    onStart(run) {
      info = run;
      if (options.quiet) return;
      const profile = run.scenario.profile ? ` (profile ${run.scenario.profile})` : '';
      const bursts = run.stages.filter((s) => s.kind === 'burst');
      // workloads run side by side: their stages overlap, and the run lasts as long as the longest
      const overlap = run.stages.some((s, i) => i > 0 && s.startMs < run.stages[i - 1].startMs + run.stages[i - 1].durationMs);
      const timed = overlap ? run.totalDurationMs : run.stages.filter((s) => s.kind !== 'burst').reduce((sum, s) => sum + s.durationMs, 0);
      const length = [timed ? formatDuration(timed) : '', bursts.length ? `${bursts.length} burst${bursts.length > 1 ? 's' : ''}` : '']
        .filter(Boolean)
        .join(' + ');
      progress.write(
        `${chalk.bold('rampart')} ${run.scenario.name}${profile}: ${run.stages.length} stage${run.stages.length === 1 ? '' : 's'}, ` +
          `up to ${run.peakVUs} VUs, ${length}\n`,
      );
    },
    onInterval(i: IntervalInfo) {
      if (!live) return;
      const p = i.point;
      const stageCount = info?.stages.length ?? 0;
      const line =
        `${chalk.dim(formatDuration(i.elapsedMs).padStart(6))}  stage ${(p.stage ?? 0) + 1}/${stageCount} ${i.stageDescription}  ` +
        `vus ${p.vus}  in-flight ${p.inFlight}  rps ${formatNumber(p.rps)}  ` +
        `reqs ${i.totals.requests}  ${i.totals.failed ? chalk.red(`errors ${i.totals.failed}`) : 'errors 0'}` +
        (i.totals.dropped ? chalk.yellow(`  dropped ${i.totals.dropped}`) : '');
      progress.write(`\r\x1b[2K${line.slice(0, (progress.columns ?? 200) + 40)}`);
      drawn = true;
    },
    onEnd(summary: Summary) {
      clear();
      out.write(maskSecrets(renderConsoleSummary(summary), secrets));
    },
  };
}

/** The run's first line: what happened when it measured nothing (runner/verdict.ts), else passed, failed or aborted. */
function statusLine(summary: Summary): string {
  const v = summary.verdict;
  const aborted = summary.abortReason ? ` (${v ? 'aborted: ' : ''}${summary.abortReason})` : '';
  if (v) {
    // the exit code was turned off (--no-fail-unmeasured): still not "passed"
    return v.failsRun
      ? `${chalk.red(`✗ ${v.message}`)}${aborted}`
      : `${chalk.yellow(`! ${v.message}`)}${aborted}${chalk.dim(' (fail-unmeasured off)')}`;
  }
  const status = runStatus(summary);
  const badge = status === 'passed' ? chalk.green('✓ passed') : status === 'failed' ? chalk.red('✗ failed') : chalk.yellow('■ aborted');
  return `${badge}${aborted}`;
}

export function renderConsoleSummary(summary: Summary): string {
  const s = summary.scenario;
  const lines: string[] = [
    '',
    `  ${chalk.bold(s.name)}${s.profile ? ` (profile ${s.profile})` : ''}  ${chalk.dim(s.file)}`,
    `  ${statusLine(summary)}  ${formatDuration(summary.durationMs)}  exit code ${summary.exitCode}`,
  ];
  const detected = (summary.meta?.serverless as { detected?: { header: string; configure: string } } | undefined)?.detected;
  if (detected) {
    lines.push(
      chalk.dim(
        `  serverless: workers named by the ${detected.header} response header (detected); add ${detected.configure} to the scenario to configure it (docs/serverless.md)`,
      ),
    );
  }
  lines.push(...verdictBlocks(summary));
  const llm = llmBlock(summary);
  if (llm) lines.push('', chalk.bold('  LLM') + chalk.dim('  (ms; every llm_* metric is also under metrics)'), ...llmText(llm).map((l) => `  ${l}`));
  lines.push(...metricsBlock(summary), ...errorsBlock(summary), ...findingsBlock(summary));
  const failedRate = summary.metrics.http_req_failed;
  if (failedRate?.type === 'rate' && failedRate.trues + failedRate.falses > 0) {
    lines.push('', chalk.dim(`  ${failedRate.trues + failedRate.falses} requests, ${formatPercent(failedRate.rate)} failed`));
  }
  return lines.join('\n') + '\n\n';
}

/** Thresholds, checks and workloads, each block only when it has rows. */
function verdictBlocks(summary: Summary): string[] {
  const lines: string[] = [];
  const thresholds = thresholdRows(summary);
  if (thresholds.length) {
    lines.push('', chalk.bold('  thresholds'));
    for (const t of thresholds) lines.push(`  ${t.ok ? chalk.green('✓') : chalk.red('✗')} ${t.metric} ${t.message}`);
  }
  const checks = checkRows(summary);
  if (checks.length) {
    lines.push('', chalk.bold('  checks'));
    for (const c of checks) lines.push(`  ${c.ok ? chalk.green('✓') : chalk.red('✗')} ${c.name}: ${c.message}`);
  }
  const workloads = workloadRows(summary);
  if (workloads.length) {
    lines.push('', chalk.bold('  workloads'));
    const width = Math.max(...workloads.map((w) => w.name.length));
    for (const w of workloads) lines.push(`  ${w.name.padEnd(width)}  ${w.failed ? chalk.red(w.message) : w.message}`);
  }
  return lines;
}

function metricsBlock(summary: Summary): string[] {
  const lines = ['', chalk.bold('  metrics') + chalk.dim('  (trends in ms)')];
  // sub-metrics (name, status, stage, ...) are all in the results file; here only those a
  // threshold names, and per-request-name durations when there are several names
  const names = sortedMetricKeys(summary.metrics).filter((k) => k.startsWith('http_req_duration{name:'));
  const shown = (k: string) => !k.includes('{') || k in summary.thresholds || (names.length > 1 && names.includes(k)) || k.includes('{cold:');
  const keys = sortedMetricKeys(summary.metrics).filter(shown);
  const ordered = [...HEADLINE.filter((k) => k in summary.metrics), ...keys.filter((k) => !HEADLINE.includes(k))];
  const width = Math.min(48, Math.max(...ordered.map((k) => k.length)) + 2);
  for (const key of ordered) {
    const m = summary.metrics[key];
    const values = Object.entries(metricValues(m))
      .map(([k, v]) => `${chalk.dim(`${k}=`)}${v}`)
      .join(' ');
    const label = key.includes('{') ? chalk.dim(key) : key;
    lines.push(`  ${label}${chalk.dim('.'.repeat(Math.max(1, width - key.length)))} ${values}`);
  }
  return lines;
}

/** The 20 largest error groups. */
function errorsBlock(summary: Summary): string[] {
  if (!summary.errors.length) return [];
  const lines = ['', chalk.bold('  errors')];
  const sorted = [...summary.errors].sort((a, b) => b.count - a.count);
  for (const e of sorted.slice(0, 20)) {
    lines.push(
      `  ${chalk.red(String(e.count).padStart(6))} × ${e.kind}${e.status ? ` ${e.status}` : ''}  ${e.message}${e.location ? chalk.dim(` at ${e.location}`) : ''}`,
    );
    if (e.sample) lines.push(chalk.dim(`           ${e.sample}`));
  }
  if (sorted.length > 20) lines.push(chalk.dim(`  … ${sorted.length - 20} more groups in the results file`));
  return lines;
}

/** The findings, then each sweep's table. */
function findingsBlock(summary: Summary): string[] {
  const lines: string[] = [];
  if (summary.insights.length) {
    lines.push('', chalk.bold('  findings'));
    for (const i of summary.insights) {
      const mark = i.severity === 'fail' ? chalk.red('✗') : i.severity === 'warn' ? chalk.yellow('!') : chalk.cyan('i');
      lines.push(`  ${mark} ${i.message}`);
    }
  }
  for (const t of sweepTables(summary)) {
    lines.push(
      '',
      chalk.bold(`  sweep`) + chalk.dim(`  (highest sustainable rate: ${t.sustainableRate ?? 'none'}${t.sustainableRate === null ? '' : ' it/s'})`),
    );
    const [header, ...rows] = sweepText(t);
    lines.push(chalk.dim(`  ${header}`), ...rows.map((r) => `  ${r}`));
  }
  return lines;
}
