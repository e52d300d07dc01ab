import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWrittenResults, foreignWarnings, resultsBefore, resultsViolations } from './invariants.js';
import { isResultsFile } from './results-schema.js';

/** The built command, as a user runs it (npm test builds dist/ first). */
export const RAMPART_BIN = fileURLToPath(new URL('../../bin/rampart.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** kill the process after this long (the test fails on a hang instead of timing out) */
  timeoutMs?: number;
  /** called with the child once it is spawned (to send signals) */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  /** the test provokes a warning of Node's on purpose (otherwise any fails the run) */
  allowWarnings?: boolean;
}

/**
 * Runs `rampart ...args` in a child process and collects its output and exit code. Rejects
 * when Node or a dependency printed a warning of its own (no user should see one), or when a
 * results file the run wrote does not validate against docs/results-schema.json or has a
 * percentile outside [min, max]: checked for every run.
 */
export function rampart(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const before = resultsBefore(args, options.cwd);
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [RAMPART_BIN, ...args], {
      cwd: options.cwd,
      // strict findings: a finding that throws fails the run's test (runner/insights/index.ts)
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', RAMPART_STRICT_FINDINGS: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const warnings = options.allowWarnings ? [] : foreignWarnings(stderr);
      const violations = checkWrittenResults(args, options.cwd, before);
      if (warnings.length) reject(new Error(`rampart ${args.join(' ')} printed warnings:\n${warnings.join('\n')}`));
      else if (violations.length) reject(new Error(`rampart ${args.join(' ')} wrote inconsistent results:\n${violations.join('\n')}`));
      else resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/** A temp folder with the given files written into it. */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A JSON file; a results file among them must validate (results-schema.ts), or this throws ajv's errors. */
export function readJson<T = any>(path: string): T {
  const parsed = JSON.parse(readFileSync(path, 'utf8'));
  const violations = isResultsFile(parsed) ? resultsViolations(parsed) : [];
  if (violations.length) throw new Error(`${path} is not a valid results file:\n${violations.join('\n')}`);
  return parsed as T;
}

/**
 * Writes `source` as s.ts (plus `files`) into a fresh workspace and runs it with a results file;
 * `results` is undefined when the run wrote none.
 */
export async function runScenario(
  source: string,
  o: { target: string; args?: string[]; env?: Record<string, string>; files?: Record<string, string> },
) {
  const dir = workspace({ 's.ts': source, ...o.files });
  const result = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json', ...(o.args ?? [])], { cwd: dir, env: { TARGET: o.target, ...o.env } });
  const results: any = existsSync(join(dir, 'r.json')) ? readJson(join(dir, 'r.json')) : undefined;
  return { ...result, dir, results };
}
