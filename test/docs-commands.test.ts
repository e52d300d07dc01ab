import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { RAMPART_BIN, rampart, workspace } from './support/cli.js';
import { checkWrittenResults, foreignWarnings, resultsBefore } from './support/invariants.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';
import { startTarget, type Target } from './support/target.js';

/**
 * The shell commands of README.md and docs/*.md, run as a reader would type them, so that the
 * docs cannot drift from the code: every fenced ```sh / ```bash / ```shell block is split into
 * commands (continuation lines joined, comments dropped) and each is either run here or listed
 * in NOT_RUN with the reason. A new command in the docs fails this test until it is one or the other.
 *
 * How they run: in one workspace holding a scenario.ts (stages plus burst/ramp/soak profiles,
 * target env('TARGET')), examples/ and saved results (burst.json, ramp.json, soak.json,
 * results.json), with `rampart` on PATH (bin/rampart.js) and `npx rampart` read as `rampart`.
 * Placeholders: `https://...` is the test's node:http target, `$CI_JOB_ID` is set, and servers
 * (`rampart simulate`) listen on a free port instead of 8080 (the machine is shared); a server
 * passes when it says where it listens, then it is stopped. `examples/` runs against the
 * simulator the test starts; `--upload` against a local S3 server (s3rver).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** Commands that cannot run here, by their exact text, with the reason. */
const NOT_RUN: Record<string, string> = {
  'npm install': 'needs the network; the test runs on the installed tree',
  'npm test': 'the whole suite, this test included (it would run itself); CI runs it',
  'npm run bench': 'a benchmark: minutes of full load on both cores against autocannon; docs/benchmarks.md records its results',
  'node bench/throughput.mjs 5 10 50': 'a benchmark, as npm run bench',
  // docs/distributed.md: a cluster and an image registry; rampart k8s's own output is tested in test/k8s.test.ts
  'docker build -t registry.example.com/rampart:0.1 .':
    'needs a Docker daemon and the network (node:20-slim); test/k8s.test.ts checks what the Dockerfile copies',
  'docker push registry.example.com/rampart:0.1': 'needs a registry',
  'kubectl create secret generic rampart --from-literal=AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"  --from-literal=AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" --from-literal=AWS_REGION=eu-west-1  --from-literal=API_KEY="$API_KEY"':
    'needs a Kubernetes cluster',
  'kubectl apply -f rampart-job.yaml': 'needs a Kubernetes cluster',
  "until kubectl get job rampart-run-1 -o jsonpath='{.status.conditions[?(@.status==\"True\")].type}' | grep -qE 'Complete|Failed'; do sleep 10; done":
    'needs a Kubernetes cluster',
  'rampart merge s3://ci-results/run-1 --out junit=junit.xml --out html=report.html':
    'merges the segments the Job wrote in the cluster; the folder-store merge above runs',
  'kubectl apply -f rampart-merge.yaml': 'needs a Kubernetes cluster',
};

export interface DocCommand {
  file: string;
  line: number;
  command: string;
}

/** The commands of the fenced shell blocks of one markdown text. */
export function shellCommands(file: string, text: string): DocCommand[] {
  const out: DocCommand[] = [];
  for (const block of text.matchAll(/^```(sh|bash|shell|console)[^\n]*\n([\s\S]*?)^```/gm)) {
    const line = text.slice(0, block.index).split('\n').length;
    const joined = block[2].replace(/\\\n\s*/g, ' ');
    for (const raw of joined.split('\n')) {
      const command = raw
        .replace(/^\$ /, '')
        .replace(/\s+#.*$/, '')
        .trim();
      if (command && !command.startsWith('#')) out.push({ file, line, command });
    }
  }
  return out;
}

const ALL = DOCS.flatMap((f) => shellCommands(f, readFileSync(join(ROOT, f), 'utf8')));

const SCENARIO = `import { scenario, burst, ramp, soak, env } from 'rampart';
export default scenario({
  name: 'docs',
  target: env('TARGET', 'http://127.0.0.1:1'),
  stages: [burst({ vus: 3, iterations: 6 })],
  profiles: {
    burst: [burst({ vus: 4, iterations: 12 })],
    ramp: [ramp({ to: 3, over: '1s' })],
    soak: [soak({ vus: 2, for: '1s' })],
  },
  thresholds: { http_req_failed: ['rate<0.5'] },
  async iteration(ctx) { await ctx.http.get('/'); },
});
`;

let target: Target;
let sim: Simulator;
let s3: S3TestServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  [target, sim, s3] = await Promise.all([startTarget(), startSimulator({ timeScale: 0.01, seed: 3 }), startS3Server(['ci-results'])]);
  dir = workspace({ 'scenario.ts': SCENARIO, 'rampart.yaml': 's3:\n  forcePathStyle: true\n' });
  mkdirSync(join(dir, 'examples'));
  for (const f of readdirSync(join(ROOT, 'examples'))) if (/\.(ts|yaml)$/.test(f)) copyFileSync(join(ROOT, 'examples', f), join(dir, 'examples', f));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'rampart'), `#!/bin/sh\nexec "${process.execPath}" "${RAMPART_BIN}" "$@"\n`);
  chmodSync(join(bin, 'rampart'), 0o755);
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    TARGET: target.url,
    CI_JOB_ID: 'job-1',
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
  // the results files the docs' compare and report commands read
  for (const [profile, file] of [
    ['burst', 'burst.json'],
    ['ramp', 'ramp.json'],
    ['soak', 'soak.json'],
    [null, 'results.json'],
  ] as const) {
    const res = await rampart(['run', 'scenario.ts', '-q', ...(profile ? ['--profile', profile] : []), '--out', `json=${file}`], { cwd: dir, env });
    expect(res.code, res.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([target?.close(), sim?.close(), s3?.close()]);
});

/** The command as it runs here: `npx rampart` is `rampart`, placeholders filled in, servers on a free port. */
function prepared(command: string): string {
  let c = command.replace(/^npx rampart\b/, 'rampart').replaceAll('https://...', target.url);
  if (/^rampart simulate\b/.test(c)) c = /--port \d+/.test(c) ? c.replace(/--port \d+/, '--port 0') : `${c} --port 0`;
  return c;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs one command with bash in the workspace; `until` ends it (SIGINT) once its output matches. */
function sh(command: string, extraEnv: Record<string, string>, until?: RegExp, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: command.startsWith('npm ') ? ROOT : dir,
      env: { ...process.env, NO_COLOR: '1', RAMPART_STRICT_FINDINGS: '1', ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const check = () => {
      if (until?.test(stdout + stderr)) child.kill('SIGINT');
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      check();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      check();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

describe('the shell commands of README.md and docs/*.md', () => {
  it('finds the commands, and every command it does not run is listed with a reason', () => {
    expect(ALL.length).toBeGreaterThan(10);
    const texts = new Set(ALL.map((c) => c.command));
    // a command left out that no doc has any longer must leave the list too
    for (const listed of Object.keys(NOT_RUN)) expect(texts, `NOT_RUN lists '${listed}', which no doc has`).toContain(listed);
  });

  const runnable = ALL.filter((c) => !(c.command in NOT_RUN));
  it.each(runnable.map((c) => [`${c.file}:${c.line} ${c.command}`, c] as const))(
    '%s',
    async (_name, c) => {
      const command = prepared(c.command);
      const server = /^rampart simulate\b/.test(command);
      const extra = command.includes('examples/') ? { TARGET: sim.url } : {};
      const cwd = command.startsWith('npm ') ? ROOT : dir;
      const words = command.split(/\s+/);
      const before = resultsBefore(words, cwd);
      const res = await sh(command, extra, server ? /listening on http:\/\/\S+/ : undefined);
      const what = `${c.file}:${c.line}: ${command}\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`;
      expect(res.timedOut, what).toBe(false);
      expect(foreignWarnings(res.stderr), what).toEqual([]);
      expect(res.stderr, what).not.toMatch(/internal error/);
      if (server) {
        expect(res.stdout + res.stderr, what).toMatch(/listening on http:\/\/\S+/);
        return;
      }
      if (command.includes('--upload')) expect(res.stderr, what).toMatch(/rampart: uploaded [1-9]\d* file\(s\) to s3:\/\//);
      // 99 is a threshold that failed: the burst against the simulator's cold workers is meant to
      expect([0, 99], what).toContain(res.code);
      // the results files it wrote validate against docs/results-schema.json (support/results-schema.ts)
      expect(checkWrittenResults(words, cwd, before), what).toEqual([]);
      for (const out of command.matchAll(/--out (?:\w+=)?(\S+)/g)) {
        if (/\.(json|xml|html|hgrm|csv|ndjson)$/.test(out[1])) expect(existsSync(join(cwd, out[1])), `${what}\nwrote ${out[1]}`).toBe(true);
      }
    },
    150_000,
  );
});
