import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rampart, workspace } from './support/cli.js';
import { limiter, STACK_LINE } from './support/reliability.js';

/**
 * The bad-input corpus: every broken scenario, flag and config in test/fixtures/bad-inputs/
 * must end with the right exit code and one line on stderr that names the file, line or
 * field at fault, never a stack trace.
 */

const CORPUS = fileURLToPath(new URL('./fixtures/bad-inputs/', import.meta.url));
const run = limiter(2);

interface Case {
  name: string;
  /** fixture files copied into the working folder: [fixture, as] or a fixture name */
  files?: (string | [string, string])[];
  /** rampart's arguments; default: run FILE --quiet with the first file */
  args?: string[];
  code: number;
  /** what the stderr line must say */
  message: RegExp;
}

const bad = (file: string, code: number, message: RegExp, args: string[] = []): Case => ({
  name: file,
  files: [file],
  args: ['run', file, '--quiet', ...args],
  code,
  message,
});
const flag = (name: string, args: string[], message: RegExp, files: (string | [string, string])[] = ['good.ts']): Case => ({
  name,
  files,
  args: ['run', 'good.ts', '--quiet', ...args],
  code: 2,
  message,
});
const config = (yaml: string, message: RegExp): Case => ({
  name: yaml,
  files: ['good.ts', [yaml, 'rampart.yaml']],
  args: ['run', 'good.ts', '--quiet'],
  code: 2,
  message,
});

const CASES: Case[] = [
  // the file itself
  bad('syntax-error.ts', 107, /syntax-error\.ts:4:3: Expected "}" but found "stages"/),
  bad('unterminated-string.ts', 107, /unterminated-string\.ts:3:\d+: Unterminated string literal/),
  bad('missing-import.ts', 107, /missing-import\.ts:1:\d+: Could not resolve "\.\/does-not-exist\.js"/),
  bad('no-default-export.ts', 2, /no-default-export\.ts: no default export/),
  bad('default-not-object.ts', 2, /default-not-object\.ts: the default export must be scenario\(\{ \.\.\. \}\), got number/),
  bad('throws-at-import.ts', 107, /throws-at-import\.ts:2:\d+: the scenario threw while loading: .*JSON/),
  bad('setup-throws.ts', 107, /setup-throws\.ts:7:11: setup\(\) failed: no token for you/),
  { name: 'missing scenario file', args: ['run', 'nowhere.ts'], code: 2, message: /cannot read scenario file nowhere\.ts/ },
  // the scenario's fields
  bad('no-iteration.ts', 2, /no-iteration\.ts: 'iteration' must be a function/),
  bad('empty-name.ts', 2, /empty-name\.ts: 'name' must be a non-empty string/),
  bad('unknown-scenario-field.ts', 2, /unknown-scenario-field\.ts: unknown scenario field 'stagez'/),
  bad('no-stages.ts', 2, /no-stages\.ts: the scenario has no 'stages'/),
  bad('empty-stages.ts', 2, /empty-stages\.ts: 'stages' must be a non-empty list/),
  bad('not-a-stage.ts', 2, /not-a-stage\.ts: stages\[0\]: not a stage/),
  bad('timeout-zero.ts', 2, /timeout-zero\.ts: http\.timeout must be a positive duration/),
  bad('graceful-stop-words.ts', 2, /graceful-stop-words\.ts: gracefulStop must be a duration/),
  bad('target-not-url.ts', 2, /target-not-url\.ts: target 'nope' is not a URL/),
  bad('target-ftp.ts', 2, /target-ftp\.ts: target 'ftp:\/\/127\.0\.0\.1\/' must be http:\/\/ or https:\/\//),
  bad('metric-bad-type.ts', 2, /metric-bad-type\.ts: metrics\.queue_time must be one of counter, rate, trend, gauge/),
  // stages
  bad('vus-zero.ts', 2, /vus-zero\.ts: stages\[0\] \(soak\): 'vus' must be a whole number ≥ 1, got 0/),
  bad('vus-fraction.ts', 2, /vus-fraction\.ts: stages\[0\] \(soak\): 'vus' must be a whole number ≥ 1, got 2\.5/),
  bad('duration-negative.ts', 2, /duration-negative\.ts: stages\[0\] \(soak\): 'for' must be a positive duration .*got -1000/),
  bad('duration-zero.ts', 2, /duration-zero\.ts: stages\[0\] \(soak\): 'for' must be a positive duration .*got '0s'/),
  bad('duration-nan.ts', 2, /duration-nan\.ts: stages\[0\] \(soak\): 'for' must be a positive duration .*got NaN/),
  bad('duration-words.ts', 2, /duration-words\.ts: stages\[0\] \(soak\): 'for' must be a positive duration .*got '10 parsecs'/),
  bad('ramp-negative-over.ts', 2, /ramp-negative-over\.ts: stages\[0\] \(ramp\): 'over' must be a positive duration .*got '-5s'/),
  bad('rate-without-maxvus.ts', 2, /rate-without-maxvus\.ts: stages\[0\] \(soak\): 'maxVUs' is required with 'rate'/),
  bad('rate-with-vus.ts', 2, /rate-with-vus\.ts: stages\[0\] \(soak\): use either 'vus' .* or 'rate'/),
  bad('rate-negative.ts', 2, /rate-negative\.ts: stages\[0\] \(soak\): 'rate' must be a number of iterations per second ≥ 0, got -1/),
  bad('unknown-stage-field.ts', 2, /unknown-stage-field\.ts: stages\[0\] \(soak\): unknown field 'iterations'/),
  bad('burst-with-rate.ts', 2, /burst-with-rate\.ts: stages\[0\] \(burst\): a burst has no 'rate'/),
  bad('burst-vus-and-maxvus.ts', 2, /burst-vus-and-maxvus\.ts: stages\[0\] \(burst\): use either 'vus' .* or 'maxVUs'/),
  bad('burst-zero-iterations.ts', 2, /burst-zero-iterations\.ts: stages\[0\] \(burst\): 'iterations' must be a whole number ≥ 1, got 0/),
  bad('pause-negative.ts', 2, /pause-negative\.ts: stages\[1\] \(pause\): 'for' must be a positive duration .*got '-1s'/),
  // thresholds
  bad('threshold-bad-syntax.ts', 2, /threshold-bad-syntax\.ts: thresholds\.http_req_duration: bad threshold 'p95<500'/),
  bad('threshold-unknown-metric.ts', 2, /threshold-unknown-metric\.ts: thresholds: unknown metric 'http_req_durration'/),
  bad(
    'threshold-wrong-aggregation.ts',
    2,
    /threshold-wrong-aggregation\.ts: thresholds\.http_reqs: 'p\(95\)' does not apply to http_reqs, a counter/,
  ),
  bad('threshold-not-string.ts', 2, /threshold-not-string\.ts: thresholds\.http_req_duration: each threshold is a string/),
  bad(
    'threshold-tag-typo.ts',
    2,
    /threshold-tag-typo\.ts: thresholds: 'http_req_duration\{expected_respons:true\}': rampart sets no tag 'expected_respons'; did you mean 'expected_response'\? \(rampart's tags: name, method, status/,
  ),
  bad(
    'threshold-tag-case.ts',
    2,
    /threshold-tag-case\.ts: thresholds: 'http_reqs\{Status:200\}': rampart sets no tag 'Status'; did you mean 'status'\?/,
  ),
  bad(
    'threshold-tag-value.ts',
    2,
    /threshold-tag-value\.ts: thresholds: 'http_req_duration\{expected_response:yes\}': rampart's 'expected_response' tag never has the value 'yes'/,
  ),
  bad(
    'threshold-delay-without-abort.ts',
    2,
    /threshold-delay-without-abort\.ts: thresholds\.http_req_failed: delayAbortEval only applies with abortOnFail: true/,
  ),
  bad(
    'threshold-unknown-field.ts',
    2,
    /threshold-unknown-field\.ts: thresholds\.http_req_failed: unknown field 'abortOnfail' \(known: threshold, abortOnFail, delayAbortEval\)/,
  ),
  // workloads
  bad('workload-no-iteration.ts', 2, /workload-no-iteration\.ts: workloads\.browse: 'iteration' must be a function/),
  bad(
    'workload-unknown-field.ts',
    2,
    /workload-unknown-field\.ts: workloads\.checkout: unknown field 'exec' \(allowed: stages, profiles, startAfter, tags, iteration\)/,
  ),
  bad('workload-bad-start-after.ts', 2, /workload-bad-start-after\.ts: workloads\.checkout: 'startAfter' must be a duration .*got '-30s'/),
  bad(
    'threshold-unknown-workload.ts',
    2,
    /threshold-unknown-workload\.ts: thresholds\.http_req_duration\{workload:chekout\}: no workload 'chekout' \(workloads: browse, checkout\)/,
  ),
  flag('--vus without --duration', ['--vus', '5'], /--vus needs --duration \(a closed soak\) or --iterations/),
  flag('--duration in words', ['--vus', '5', '--duration', 'ages'], /--duration 'ages' must be a positive duration/),
  flag('--iterations 0', ['--iterations', '0'], /--iterations must be a whole number from 1 to/),
  flag(
    '--vus with --profile',
    ['--vus', '2', '--duration', '1s', '--profile', 'smoke'],
    /--vus\/--duration\/--iterations replace the stages: use them without --profile/,
  ),
  // profiles
  bad('profiles.ts', 2, /profiles\.ts: the scenario has profiles \(smoke, peak\); choose one with --profile/),
  bad('profiles.ts', 2, /profiles\.ts: no profile 'nope' \(profiles: smoke, peak\)/, ['--profile', 'nope']),
  flag('--profile without profiles', ['--profile', 'smoke'], /good\.ts: --profile smoke given, but the scenario has no 'profiles'/),
  bad('profiles.ts', 2, /--profile: each profile once/, ['--profile', 'smoke', '--profile', 'smoke']),
  // flags
  flag('unknown --out type', ['--out', 'nope=x.txt'], /--out nope=x\.txt: unknown output type 'nope'/),
  flag('--out without a path', ['--out', 'json'], /--out json: needs a path/),
  flag(
    '--out under a file',
    ['--out', 'json=good.ts/r.json'],
    /--out json=good\.ts\/r\.json: cannot write .*good\.ts\/r\.json: .*good\.ts is not a folder/,
  ),
  flag('--out onto a folder', ['--out', 'json=sub'], /--out json=sub: cannot write .*sub: it is a directory/),
  flag('--out reporter file missing', ['--out', './nope-reporter.ts'], /cannot read reporter file \.\/nope-reporter\.ts/),
  flag('--out reporter without onEnd', ['--out', './bad-reporter.ts'], /bad-reporter\.ts: the default export must be a reporter/, [
    'good.ts',
    'bad-reporter.ts',
  ]),
  flag('-e without =', ['-e', 'NOEQUALS'], /-e 'NOEQUALS': expected KEY=VALUE/),
  flag('-e with a bad name', ['-e', '1X=2'], /-e '1X=2': expected KEY=VALUE/),
  flag('--workers 0', ['--workers', '0'], /--workers must be a whole number from 1 to 64, got 0/),
  flag('--workers words', ['--workers', 'lots'], /--workers must be a whole number from 1 to 64/),
  flag('unknown flag', ['--frobnicate'], /Unknown argument: frobnicate/),
  flag('--config missing', ['--config', 'nope.yaml'], /cannot read config nope\.yaml: ENOENT/),
  { name: 'no scenario argument', args: ['run'], code: 2, message: /Not enough non-option arguments/ },
  { name: 'unknown command', args: ['launch', 'good.ts'], code: 2, message: /Unknown arguments?: launch/ },
  {
    name: 'rampart new onto an existing file',
    files: ['good.ts'],
    args: ['new', 'good.ts'],
    code: 2,
    message: /good\.ts exists; rampart new never overwrites a file/,
  },
  {
    name: 'rampart new into a missing folder',
    args: ['new', 'nowhere/s.ts'],
    code: 2,
    message: /cannot write nowhere\/s\.ts: its folder does not exist/,
  },
  // rampart.yaml
  config('malformed.yaml', /rampart\.yaml:\d+:\d+: invalid YAML: Flow sequence/),
  config('unknown-key.yaml', /rampart\.yaml:2: unknown key 'targett'/),
  config('workers-words.yaml', /rampart\.yaml:1: 'workers' must be a whole number/),
  config('secrets-not-list.yaml', /rampart\.yaml:1: 'secrets' must be a list of environment variable names/),
  config('threshold-bad.yaml', /rampart\.yaml: thresholds\.http_req_failed: bad threshold 'rate<<0\.01'/),
  config('threshold-tag-typo.yaml', /rampart\.yaml: thresholds: 'http_reqs\{stauts:500\}': rampart sets no tag 'stauts'; did you mean 'status'\?/),
  flag('--upload not an s3 URL', ['--upload', 'http://bucket/x'], /--upload 'http:\/\/bucket\/x': expected s3:\/\/bucket\[\/prefix\]/),
];

describe('bad inputs: exit code and one line that names the fault', () => {
  it.concurrent.each(
    CASES.map((c) => [c.name + (c.args?.includes('--profile') ? ` ${c.args.slice(c.args.indexOf('--profile')).join(' ')}` : ''), c] as const),
  )('%s', async (_name, c) => {
    const dir = workspace({});
    mkdirSync(join(dir, 'sub'));
    for (const f of c.files ?? []) {
      const [from, to] = typeof f === 'string' ? [f, f] : f;
      copyFileSync(join(CORPUS, from), join(dir, to));
    }
    const res = await run(() => rampart(c.args!, { cwd: dir, timeoutMs: 20_000 }));
    expect(res.stderr).not.toMatch(STACK_LINE);
    expect(res.stderr).not.toMatch(/internal error/);
    // one line; a compile error adds the source line and a caret under it
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines[0], res.stderr).toMatch(c.message);
    expect(lines[0]).toMatch(/^rampart: /);
    expect(lines.length, res.stderr).toBeLessThanOrEqual(/Compile|syntax|unterminated|missing-import/.test(c.name) ? 3 : 1);
    expect(res.code, res.stderr).toBe(c.code);
  });

  it('the corpus has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });
});
