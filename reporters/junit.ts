/**
 * `--out junit=PATH`: JUnit XML for CI (GitLab `artifacts:reports:junit`, Jenkins `junit`,
 * GitHub Actions test reporters). One testsuite per run; one testcase per threshold
 * expression and per check; a `rampart.verdict` testcase when the run measured nothing
 * (failing, or skipped when --no-fail-unmeasured turned its exit code off); a `rampart.run`
 * testcase for the run itself when it has no other testcase, or when it was aborted or ended
 * with an unexpected exit code.
 * Built with xmlbuilder2 so every name, message and text is escaped by the library.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { ReporterFactory, Summary } from './reporter.js';
import { fileReporter } from './file-reporter.js';
import { checkRows, formatNumber, metricValues, renderTextSummary, thresholdRows } from './summary-rows.js';

/** Exit codes that say "the run completed": 0, 99 (a threshold failed) or 3 (it measured nothing), each reported by its own testcase. */
const COMPLETED_EXIT_CODES = new Set([0, 99, 3]);

interface Case {
  classname: string;
  name: string;
  failure?: { type: string; message: string; details: string };
  /** reported, but not a failure (the verdict with its exit code turned off) */
  skipped?: string;
  out: string;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** ANSI colour codes have no business in XML. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The verdict on a run that measured nothing, as the first testcase: CI shows why before any threshold. */
function verdictCase(summary: Summary): Case | undefined {
  const v = summary.verdict;
  if (!v) return undefined;
  const details = [
    v.message,
    `requests: ${v.requests}, iterations: ${v.iterations}, failed iterations: ${v.failedIterations}`,
    ...(v.errorKinds
      ? [
          `network errors: ${Object.entries(v.errorKinds)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        ]
      : []),
    ...(v.target ? [`target: ${v.target}`] : []),
    `exit code ${summary.exitCode}${v.failsRun ? '' : ' (fail-unmeasured off)'}`,
  ].join('\n');
  return {
    classname: 'rampart.verdict',
    name: `${summary.scenario.name} measured its target`,
    failure: v.failsRun ? { type: v.kind, message: v.message, details } : undefined,
    skipped: v.failsRun ? undefined : v.message,
    out: details,
  };
}

function buildCases(summary: Summary): Case[] {
  const verdict = verdictCase(summary);
  const cases: Case[] = verdict ? [verdict] : [];
  const seen = new Set<string>();
  // GitLab keeps only the first of two testcases with the same name and classname.
  const unique = (classname: string, name: string) => {
    let candidate = name;
    for (let n = 2; seen.has(`${classname}\u0000${candidate}`); n++) candidate = `${name} #${n}`;
    seen.add(`${classname}\u0000${candidate}`);
    return candidate;
  };
  for (const t of thresholdRows(summary)) {
    const metric = summary.metrics[t.metric];
    const stats = metric
      ? Object.entries(metricValues(metric))
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
      : 'no sample';
    const details = [
      `metric: ${t.metric}`,
      `threshold: ${t.expression}${t.abortOnFail ? ' (abortOnFail)' : ''}`,
      `actual: ${formatNumber(t.actual)}${metric?.type === 'trend' ? ' ms' : ''}`,
      `metric values: ${stats}`,
    ].join('\n');
    cases.push({
      classname: `rampart.thresholds.${t.metric}`,
      name: unique(`rampart.thresholds.${t.metric}`, `${t.metric} ${t.expression}`),
      failure: t.ok ? undefined : { type: t.noData ? 'no-data' : 'threshold', message: t.message, details },
      out: details,
    });
  }
  for (const c of checkRows(summary)) {
    const details = `check: ${c.name}\n${c.message}`;
    cases.push({
      classname: 'rampart.checks',
      name: unique('rampart.checks', c.name),
      failure: c.ok ? undefined : { type: 'check', message: `${c.name}: ${c.message}`, details },
      out: details,
    });
  }
  const completed = !summary.aborted && COMPLETED_EXIT_CODES.has(summary.exitCode);
  if (cases.length === 0 || !completed) {
    const why = summary.aborted
      ? `run aborted${summary.abortReason ? ` (${summary.abortReason})` : ''}, exit code ${summary.exitCode}`
      : `run ended with exit code ${summary.exitCode}`;
    cases.push({
      classname: 'rampart.run',
      name: `${summary.scenario.name} run`,
      failure:
        summary.aborted || summary.exitCode !== 0 ? { type: summary.aborted ? 'aborted' : 'exit-code', message: why, details: why } : undefined,
      out: why,
    });
  }
  return cases;
}

function addProperties(suite: XMLBuilder, summary: Summary): void {
  const props = suite.ele('properties');
  const add = (name: string, value: unknown) =>
    props.ele('property', { name, value: typeof value === 'string' ? value : (JSON.stringify(value) ?? '') });
  add('file', summary.scenario.file);
  add('profile', summary.scenario.profile ?? '');
  add('startedAt', summary.startedAt);
  add('endedAt', summary.endedAt);
  add('durationMs', summary.durationMs);
  add('aborted', summary.aborted);
  if (summary.abortReason) add('abortReason', summary.abortReason);
  add('exitCode', summary.exitCode);
  for (const [k, v] of Object.entries(summary.meta ?? {})) add(`meta.${k}`, v);
}

/** The JUnit XML of a run. */
export function renderJunit(summary: Summary): string {
  const cases = buildCases(summary);
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = seconds(summary.durationMs);
  const name = `${summary.scenario.name}${summary.scenario.profile ? ` (${summary.scenario.profile})` : ''}`;
  const text = plain(renderTextSummary(summary));
  const timestamp = new Date(summary.startedAt).toISOString().replace(/\.\d+Z$/, 'Z');

  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const root = doc.ele('testsuites', { name: 'rampart', tests: cases.length, failures, errors: 0, time });
  const suite = root.ele('testsuite', {
    name,
    tests: cases.length,
    failures,
    errors: 0,
    skipped,
    time,
    timestamp,
  });
  addProperties(suite, summary);
  for (const c of cases) {
    const tc = suite.ele('testcase', { name: c.name, classname: c.classname, time: c.classname === 'rampart.run' ? time : '0.000' });
    if (c.failure) tc.ele('failure', { message: plain(c.failure.message), type: c.failure.type }).txt(plain(c.failure.details));
    if (c.skipped !== undefined) tc.ele('skipped', { message: plain(c.skipped) });
    tc.ele('system-out').txt(`${plain(c.out)}\n\n${text}`);
  }
  return doc.end({ prettyPrint: true }) + '\n';
}

export const createJunitReporter: ReporterFactory = (options) => fileReporter('junit', options, renderJunit);
