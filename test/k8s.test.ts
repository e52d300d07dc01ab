import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { rampart, readJson, workspace } from './support/cli.js';
import { startTarget, type Target } from './support/target.js';
import { startS3Server } from './support/s3-server.js';

/**
 * `rampart k8s`: the manifests validate against the Kubernetes OpenAPI schemas
 * (kubernetes-models), say what a distributed run needs (Indexed, n pods at once, no retry,
 * resources, credentials by reference), hold no credential value, and the scenario they
 * carry runs as the pod would run it: from the ConfigMap's files alone.
 */

const SCENARIO = `import { scenario, burst, env, dataset } from 'rampart';
import { pathOf } from './lib/paths.js';
const users = dataset('users', './data/users.csv');
export default scenario({
  name: 'k8s',
  target: env('TARGET', 'http://127.0.0.1:1'),
  stages: [burst({ vus: 2, iterations: 6 })],
  async iteration(ctx) { await ctx.http.get(pathOf(users.pick(ctx.iterationInTest).name)); },
});
`;

const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** AWS credentials in the environment of the machine that prints the manifests: none may be printed */
const AWS_ENV = { AWS_ACCESS_KEY_ID: AWS_KEY, AWS_SECRET_ACCESS_KEY: AWS_SECRET, AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLEsessiontoken0123' };

const BASE = ['k8s', 'scenario.ts', '--segments', '8', '--store', 's3://loadtests/checkout/run-7', '--image', 'registry.example/rampart:0.1'];

let dir: string;
let target: Target;

beforeAll(async () => {
  target = await startTarget();
  dir = workspace({
    'scenario.ts': SCENARIO,
    'lib/paths.ts': "export const pathOf = (name: string) => '/user/' + name;\n",
    'data/users.csv': 'name\nada\nbob\ncy\n',
  });
});

afterAll(async () => {
  await target?.close();
});

async function manifests(extra: string[] = [], base = BASE): Promise<{ docs: any[]; text: string }> {
  const res = await rampart([...base, ...extra], { cwd: dir, env: AWS_ENV });
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toBe('');
  return { docs: parseAllDocuments(res.stdout).map((d) => d.toJS()), text: res.stdout };
}

describe('rampart k8s', () => {
  it('prints a ConfigMap and an Indexed Job that validate against the Kubernetes schemas', async () => {
    const { docs, text } = await manifests([
      '-e',
      'TARGET=https://api.example',
      '--secret-env',
      'API_KEY',
      '--file',
      'data/users.csv',
      '--workers',
      '2',
      '--',
      '--barrier-timeout',
      '5m',
    ]);
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Job']);
    const [cm, job] = docs;
    new ConfigMap(cm).validate();
    new Job(job).validate();

    expect(job.metadata.name).toBe('rampart-run-7');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 8, parallelism: 8, backoffLimitPerIndex: 0 });
    // no retry of a segment, and no global backoffLimit that would kill the others when one fails
    expect(job.spec.backoffLimit).toBeUndefined();
    expect(job.spec.podFailurePolicy.rules).toEqual([
      { action: 'FailJob', onExitCodes: { containerName: 'rampart', operator: 'In', values: [2, 4, 107] } },
    ]);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0];
    expect(c.image).toBe('registry.example/rampart:0.1');
    expect(c.args).toEqual([
      'run',
      '/scenario/scenario.mjs',
      '--segments',
      '8',
      '--store',
      's3://loadtests/checkout/run-7',
      '--quiet',
      '--secret',
      'API_KEY',
      '--workers',
      '2',
      '--barrier-timeout',
      '5m',
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(c.envFrom).toEqual([{ secretRef: { name: 'rampart' } }]);
    expect(c.env).toEqual([
      { name: 'TARGET', value: 'https://api.example' },
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'rampart', key: 'API_KEY' } } },
    ]);
    expect(pod.volumes[0].configMap.name).toBe(cm.metadata.name);
    expect(pod.volumes[0].configMap.items.map((i: any) => i.path)).toEqual(['scenario.mjs', 'data/users.csv']);
    // the local import is bundled in; rampart stays an import for the pod's own rampart
    expect(cm.data['scenario.mjs']).toContain('/user/');
    expect(cm.data['scenario.mjs']).toMatch(/from "rampart"/);
    expect(text).toContain(`rampart merge s3://loadtests/checkout/run-7`);
  });

  it('the schema check is real: a manifest with a wrong field fails it', async () => {
    const { docs } = await manifests();
    const job = structuredClone(docs[1]);
    job.spec.completions = 'eight';
    expect(() => new Job(job).validate()).toThrow();
    const cm = structuredClone(docs[0]);
    cm.data = { 'scenario.mjs': 42 };
    expect(() => new ConfigMap(cm).validate()).toThrow();
  });

  it('prints the merge Job with --merge-job: the same store, credentials by reference, reports uploaded beside the segments', async () => {
    const { docs } = await manifests(['--merge-job', '--namespace', 'load']);
    expect(docs).toHaveLength(1);
    new Job(docs[0]).validate();
    expect(docs[0].metadata).toMatchObject({ name: 'rampart-run-7-merge', namespace: 'load' });
    expect(docs[0].spec.backoffLimit).toBe(0);
    const c = docs[0].spec.template.spec.containers[0];
    expect(c.args.slice(0, 2)).toEqual(['merge', 's3://loadtests/checkout/run-7']);
    expect(c.args.at(-1)).toBe('s3://loadtests/checkout/run-7/merged');
    expect(c.envFrom).toEqual([{ secretRef: { name: 'rampart' } }]);
    // the merge reads the store only: a ConfigMap deleted by then must not hold it up
    expect(docs[0].spec.template.spec.volumes).toBeUndefined();
  });

  it('the ConfigMap alone is enough to run the scenario, as a pod runs it from /scenario', async () => {
    const { docs } = await manifests(['--file', 'data/users.csv']);
    const [cm, job] = docs;
    const mount = workspace({});
    for (const item of job.spec.template.spec.volumes[0].configMap.items) {
      mkdirSync(dirname(join(mount, item.path)), { recursive: true });
      writeFileSync(join(mount, item.path), cm.data[item.key]);
    }
    target.reset();
    const res = await rampart(['run', join(mount, 'scenario.mjs'), '-q', '--out', 'json=out.json'], { cwd: mount, env: { TARGET: target.url } });
    expect(res.code, res.stderr).toBe(0);
    expect(target.stats.requests).toBe(6);
    expect(Object.keys(target.stats.byPath).sort()).toEqual(['/user/ada', '/user/bob', '/user/cy']);
    expect(readJson(join(mount, 'out.json')).metrics.http_reqs.count).toBe(6);
  });

  it("the pods' own arguments run a distributed run: 2 segments by JOB_COMPLETION_INDEX into s3rver, then the merge Job's", async () => {
    const s3 = await startS3Server(['loadtests']);
    try {
      const two = BASE.map((a) => (a === '8' ? '2' : a));
      const { docs } = await manifests(['--file', 'data/users.csv'], two);
      const [cm, job] = docs;
      const mount = workspace({});
      for (const item of job.spec.template.spec.volumes[0].configMap.items) {
        mkdirSync(dirname(join(mount, item.path)), { recursive: true });
        writeFileSync(join(mount, item.path), cm.data[item.key]);
      }
      // what the Secret gives the pods (envFrom), and what -e gives them
      const podEnv = {
        TARGET: target.url,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      };
      const args: string[] = job.spec.template.spec.containers[0].args.map((a: string) => a.replace('/scenario/', `${mount}/`));
      expect(job.spec.completions).toBe(2);
      target.reset();
      const pods = await Promise.all([0, 1].map((i) => rampart(args, { cwd: mount, env: { ...podEnv, JOB_COMPLETION_INDEX: String(i) } })));
      for (const pod of pods) expect(pod.code, pod.stderr).toBe(0);
      // the burst's 6 shared iterations, each run once across the two pods
      expect(target.stats.requests).toBe(6);

      const merge = (await manifests(['--merge-job'], two)).docs[0];
      const out = workspace({});
      const res = await rampart(merge.spec.template.spec.containers[0].args, { cwd: out, env: podEnv });
      expect(res.code, res.stderr).toBe(0);
      expect(readJson(join(out, 'results.json')).metrics.http_reqs.count).toBe(6);
      expect(existsSync(join(out, 'junit.xml'))).toBe(true);
      expect(res.stderr).toMatch(/uploaded 3 file\(s\) to s3:\/\/loadtests\/checkout\/run-7\/merged/);
    } finally {
      await s3.close();
    }
  });

  it('never prints a credential: AWS variables of this machine stay out, a secret-looking -e is refused without its value', async () => {
    const { text } = await manifests(['-e', 'TARGET=https://api.example', '--secret-env', 'AWS_SESSION_TOKEN']);
    for (const value of Object.values(AWS_ENV)) expect(text).not.toContain(value);

    const refused: [string, string][] = [
      ['API_TOKEN', 'plain-looking-1'],
      ['AUTH_HEADER', 'Bearer abcdef123456'],
      ['X', 'sk-live-4f9a8b7c6d5e4f3a2b1c'],
      ['UPSTREAM', 'https://user:hunter22@db.example/x'],
      ['BLOB', 'q8Zr3TnV7xLm2KpW9cYd4HfJ6sBg'],
      ['AWS_SECRET_ACCESS_KEY', AWS_SECRET],
    ];
    for (const [name, value] of refused) {
      const res = await rampart([...BASE, '-e', `${name}=${value}`], { cwd: dir, env: AWS_ENV });
      expect(res.code, `${name}: ${res.stdout}`).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1);
      expect(res.stderr).toContain(`--secret-env ${name}`);
      expect(res.stderr).not.toContain(value);
    }
  });

  it('a mistake is one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['k8s', 'scenario.ts', '--segments', '8', '--store', './results', '--image', 'x'], /--store '\.\/results'/],
      [['k8s', 'scenario.ts', '--segments', '8', '--store', 's3://bucket', '--image', 'x'], /s3:\/\/bucket\/prefix\/RUN_ID/],
      [['k8s', 'scenario.ts', '--segments', '0', '--store', 's3://b/r', '--image', 'x'], /--segments must be a whole number/],
      [['k8s', 'scenario.ts', '--segments', '2', '--store', 's3://b/r'], /image/],
      [[...BASE, '--name', 'Bad_Name'], /--name 'Bad_Name'/],
      [[...BASE, '--secret-env', 'key=value'], /--secret-env 'key=value'/],
      [[...BASE, '--file', '../outside.csv'], /--file \.\.\/outside\.csv/],
      [['k8s', 'missing.ts', '--segments', '2', '--store', 's3://b/r', '--image', 'x'], /cannot read scenario file missing\.ts/],
    ];
    for (const [args, message] of cases) {
      const res = await rampart(args, { cwd: dir });
      expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(2);
      expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1);
      expect(res.stderr).toMatch(message);
    }
  });

  it('a scenario that does not compile is exit 107, as rampart run says it', async () => {
    const bad = workspace({ 'broken.ts': 'export default {{;\n' });
    const res = await rampart(['k8s', 'broken.ts', '--segments', '2', '--store', 's3://b/r', '--image', 'x'], { cwd: bad });
    expect(res.code, res.stderr).toBe(107);
    expect(res.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('the Dockerfile builds from files the repository has and .dockerignore lets in, and runs rampart', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(dockerfile).toMatch(/^FROM node:20-slim\b/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["rampart"\]/m);
    expect(ignored).toContain('node_modules');
    for (const copy of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of copy[1].split(/\s+/)) {
        expect(existsSync(join(root, src)), src).toBe(true);
        expect(ignored, src).not.toContain(src);
      }
    }
  });
});
