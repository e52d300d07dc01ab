import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import type { K8sPlan } from '../k8s/manifests.js';
import { parsePairs, positiveInt, repeatable } from './options.js';

interface K8sArgs {
  scenario: string;
  segments: number;
  store: string;
  image: string;
  env?: string[];
  secretEnv?: string[];
  secretName?: string;
  name?: string;
  namespace?: string;
  cpu?: string;
  memory?: string;
  workers?: number;
  profile?: string;
  file?: string[];
  mergeJob?: boolean;
  '--'?: (string | number)[];
}

/** Names of settings that hold credentials: they belong in a Secret, never in a manifest. */
const SECRET_NAME = /SECRET|TOKEN|PASSW|PASSPHRASE|CREDENTIAL|AUTH|API_?KEY|ACCESS_?KEY|PRIVATE|COOKIE|SESSION/i;
/** Values that are credentials whatever their name: bearer and basic headers, known key formats, JWTs, PEM, long random strings. */
const SECRET_VALUE = [
  /^(Bearer|Basic|Token)\s+\S/i,
  /^(sk|pk|rk)[-_]/,
  /^(AKIA|ASIA)[A-Z0-9]{12,}$/,
  /^gh[pousr]_/,
  /^xox[abpr]-/,
  /^glpat-/,
  /^eyJ[\w-]+\.[\w-]+/,
  /-----BEGIN [A-Z ]*PRIVATE KEY/,
  /[a-z]+:\/\/[^/\s:@]+:[^/\s@]+@/, // user:password in a URL
];
const RANDOM_STRING = /^[A-Za-z0-9+/=_-]{24,}$/;

function looksLikeCredential(name: string, value: string): boolean {
  if (SECRET_NAME.test(name) || SECRET_VALUE.some((re) => re.test(value))) return true;
  return RANDOM_STRING.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Leaves room for '-scenario' and '-merge' within Kubernetes' 63 characters. */
const MAX_NAME = 52;

/** 's3://bucket/load/2024-06-01-a' → 'rampart-2024-06-01-a': one Job per run, named after its run folder. */
function defaultName(store: string): string {
  const runId = store.replace(/\/+$/, '').split('/').pop() ?? '';
  const slug = `rampart-${runId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, MAX_NAME);
  return slug.replace(/-+$/, '');
}

function checkName(value: string, flag: string, max = MAX_NAME): string {
  if (value.length > max || !DNS_LABEL.test(value)) {
    throw new UsageError(
      `${flag} '${value}': must be lowercase letters, digits and '-', at most ${max} characters, starting and ending with a letter or digit`,
    );
  }
  return value;
}

function checkStore(store: string): string {
  if (!/^s3:\/\/[^/\s]+\/\S+/.test(store)) {
    throw new UsageError(
      `--store '${store}': pods need a store they can all reach: s3://bucket/prefix/RUN_ID (S3 or MinIO), with a folder for this run`,
    );
  }
  return store.replace(/\/+$/, '');
}

/** The manifests' inputs, checked: every mistake is one line, and no credential value can get in. */
async function planOf(args: K8sArgs): Promise<K8sPlan> {
  const segments = positiveInt(args.segments, '--segments', 1000);
  const store = checkStore(args.store);
  if (!/^\S+$/.test(args.image)) throw new UsageError(`--image '${args.image}': an image reference has no spaces`);
  const secretName = checkName(args.secretName ?? 'rampart', '--secret-name', 253);
  const env = parsePairs(args.env, '-e');
  for (const [name, value] of Object.entries(env)) {
    if (looksLikeCredential(name, value)) {
      throw new UsageError(
        `-e ${name}: looks like a credential, and manifests are plain text; put it in the Secret '${secretName}' and pass --secret-env ${name}`,
      );
    }
  }
  const secretEnv = [...new Set(args.secretEnv ?? [])];
  for (const name of secretEnv) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UsageError(`--secret-env '${name}': expected the NAME of a variable (letters, digits, _), not a value`);
    if (name in env) throw new UsageError(`${name} is given both with -e and --secret-env; keep it in the Secret only`);
  }
  const workers = args.workers === undefined ? undefined : positiveInt(args.workers, '--workers', 64);
  const cpu = args.cpu ?? String(workers ?? 1);
  if (!/^\d+(\.\d+)?m?$/.test(cpu)) throw new UsageError(`--cpu '${cpu}': a Kubernetes CPU quantity such as 2 or 500m`);
  const memory = args.memory ?? '1Gi';
  if (!/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(memory))
    throw new UsageError(`--memory '${memory}': a Kubernetes memory quantity such as 1Gi or 512Mi`);
  const passthrough = (args['--'] ?? []).map(String);
  const runArgs = [...(args.profile ? ['--profile', args.profile] : []), ...(workers ? ['--workers', String(workers)] : []), ...passthrough];
  // esbuild and yaml load only for this command (start-up of the others, issue 11)
  const [{ bundleForPod, CONFIGMAP_LIMIT, dataFile }, { configMapKey }] = await Promise.all([
    import('../k8s/bundle.js'),
    import('../k8s/manifests.js'),
  ]);
  const files = [await bundleForPod(args.scenario)];
  for (const f of args.file ?? []) files.push(await dataFile(args.scenario, f));
  const keys = files.map((f) => configMapKey(f.path));
  if (new Set(keys).size !== keys.length)
    throw new UsageError(`--file: two files would share a ConfigMap key (${files.map((f) => f.path).join(', ')}); rename one`);
  const size = files.reduce((n, f) => n + (f.bytes ? Math.ceil(f.bytes.length / 3) * 4 : Buffer.byteLength(f.text ?? '')), 0);
  if (size > CONFIGMAP_LIMIT) {
    throw new UsageError(
      `the scenario and its files come to ${Math.round(size / 1024)} KiB, over the 1 MiB a ConfigMap can hold; build them into your image instead (docs/distributed.md)`,
    );
  }
  return {
    name: checkName(args.name ?? defaultName(store), '--name'),
    namespace: args.namespace === undefined ? undefined : checkName(args.namespace, '--namespace', 63),
    image: args.image,
    segments,
    store,
    files,
    env,
    secretEnv,
    secretName,
    cpu,
    memory,
    runArgs,
  };
}

/** `rampart k8s scenario.ts --segments 8 --store s3://... --image IMAGE`: prints the manifests of a distributed run. */
export const k8sCommand: CommandModule<object, K8sArgs> = {
  command: 'k8s <scenario>',
  describe: 'print Kubernetes manifests that run a scenario as N segments (an Indexed Job) and merge them (docs/distributed.md)',
  builder: (y) =>
    y
      .parserConfiguration({ 'populate--': true })
      .positional('scenario', { type: 'string', demandOption: true, describe: 'the scenario file (.ts or .js); it is bundled into a ConfigMap' })
      .option('segments', { type: 'number', demandOption: true, describe: 'how many pods share the load (parallelism = completions)' })
      .option('store', { type: 'string', demandOption: true, describe: 's3://bucket/prefix/RUN_ID: where the segments meet and write their results' })
      .option('image', {
        type: 'string',
        demandOption: true,
        describe: "an image whose entrypoint is rampart (the repository's Dockerfile builds one)",
      })
      .option('env', { ...repeatable, alias: 'e', describe: 'KEY=VALUE set in every pod; a credential is refused (use --secret-env)' })
      .option('secret-env', { ...repeatable, describe: 'NAME of a variable the pods take from the Secret (secretKeyRef); rampart masks it' })
      .option('secret-name', {
        type: 'string',
        default: 'rampart',
        describe: "the Secret with the store's AWS_* variables and the --secret-env keys",
      })
      .option('name', { type: 'string', describe: "the Job's name (default: rampart-RUN_ID, from the store's last folder)" })
      .option('namespace', { type: 'string', describe: 'put the objects in this namespace' })
      .option('cpu', { type: 'string', describe: 'CPU per pod, requests = limits (default: --workers, or 1)' })
      .option('memory', { type: 'string', default: '1Gi', describe: 'memory per pod, requests = limits' })
      .option('workers', { type: 'number', describe: 'worker threads in each pod' })
      .option('profile', { type: 'string', describe: 'run this profile of the scenario' })
      .option('file', { ...repeatable, describe: 'a data file the scenario reads (dataset(), file()), mounted at its path relative to the scenario' })
      .option('merge-job', { type: 'boolean', describe: 'print the merge Job instead, to apply once the segments have finished' }),
  handler: async (args) => {
    const plan = await planOf(args);
    const { mergeManifest, segmentManifests } = await import('../k8s/manifests.js');
    process.stdout.write(args.mergeJob ? mergeManifest(plan) : segmentManifests(plan));
  },
};
