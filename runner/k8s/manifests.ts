import { stringify } from 'yaml';
import type { ScenarioFile } from './bundle.js';

/** What `rampart k8s` turns into manifests (runner/cli/k8s.ts checks it first). */
export interface K8sPlan {
  /** the Job's name; the ConfigMap is NAME-scenario, the merge Job NAME-merge */
  name: string;
  namespace?: string;
  image: string;
  segments: number;
  /** s3://bucket/prefix/RUN_ID, the same for every segment and for the merge */
  store: string;
  /** the bundled scenario first, then data files */
  files: ScenarioFile[];
  /** plain settings (TARGET=...), checked not to look like credentials */
  env: Record<string, string>;
  /** variable names taken from the Secret one by one (secretKeyRef) and masked by rampart */
  secretEnv: string[];
  /** the Secret that holds the store's AWS_* variables and the --secret-env keys */
  secretName: string;
  cpu: string;
  memory: string;
  /** more arguments of `rampart run` (--profile, --workers, anything after --) */
  runArgs: string[];
}

type Manifest = Record<string, unknown>;

const MOUNT = '/scenario';
const CONTAINER = 'rampart';
/**
 * Exit codes that every segment would give alike (a bad flag: 2, a scenario that does not
 * compile or throws while loading: 107) or that leave the run incomplete anyway (4: the
 * barrier timed out, a segment never came): the first one ends the whole Job at once, instead
 * of leaving the others to wait at the barrier, or a late pod to start alone.
 */
const FAIL_JOB_EXIT_CODES = [2, 4, 107];

function labels(plan: K8sPlan, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'rampart', 'app.kubernetes.io/instance': plan.name, 'app.kubernetes.io/component': component };
}

function metadata(plan: K8sPlan, name: string, component: string): Manifest {
  return { name, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: labels(plan, component) };
}

/** ConfigMap keys allow [-._a-zA-Z0-9] only: 'data/users.csv' is stored as 'data.users.csv' and mounted back at its path. */
export function configMapKey(path: string): string {
  return path.replace(/[^-._a-zA-Z0-9]/g, '.');
}

export function scenarioConfigMap(plan: K8sPlan): Manifest {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const f of plan.files) {
    if (f.bytes) binaryData[configMapKey(f.path)] = f.bytes.toString('base64');
    else data[configMapKey(f.path)] = f.text ?? '';
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(plan, `${plan.name}-scenario`, 'scenario'),
    data,
    ...(Object.keys(binaryData).length ? { binaryData } : {}),
  };
}

/** The pod spec both Jobs share: the image, the scenario mounted read-only, credentials by reference only. */
function podSpec(plan: K8sPlan, args: string[], component: string, mountScenario: boolean): Manifest {
  const env = [
    ...Object.entries(plan.env).map(([name, value]) => ({ name, value })),
    // one by one, so that a key missing from the Secret stops the pod before the load (envFrom would skip it)
    ...plan.secretEnv.map((name) => ({ name, valueFrom: { secretKeyRef: { name: plan.secretName, key: name } } })),
  ];
  return {
    metadata: { labels: labels(plan, component) },
    spec: {
      restartPolicy: 'Never',
      // SIGTERM lets rampart stop the load, write its results to the store and mark the run aborted
      terminationGracePeriodSeconds: 60,
      containers: [
        {
          name: CONTAINER,
          image: plan.image,
          args,
          ...(env.length ? { env } : {}),
          // the store's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL_S3
          envFrom: [{ secretRef: { name: plan.secretName } }],
          // requests = limits: Guaranteed QoS, so a neighbour's burst does not show up as the target's latency
          resources: {
            requests: { cpu: plan.cpu, memory: plan.memory },
            limits: { cpu: plan.cpu, memory: plan.memory },
          },
          ...(mountScenario ? { volumeMounts: [{ name: 'scenario', mountPath: MOUNT, readOnly: true }] } : {}),
        },
      ],
      ...(mountScenario
        ? {
            volumes: [
              {
                name: 'scenario',
                configMap: {
                  name: `${plan.name}-scenario`,
                  items: plan.files.map((f) => ({ key: configMapKey(f.path), path: f.path })),
                },
              },
            ],
          }
        : {}),
    },
  };
}

/** The arguments of `rampart run` in every segment's pod; the index comes from JOB_COMPLETION_INDEX. */
export function segmentArgs(plan: K8sPlan): string[] {
  const secrets = plan.secretEnv.flatMap((name) => ['--secret', name]);
  return [
    'run',
    `${MOUNT}/${plan.files[0].path}`,
    '--segments',
    String(plan.segments),
    '--store',
    plan.store,
    '--quiet',
    ...secrets,
    ...plan.runArgs,
  ];
}

/**
 * The Indexed Job: one pod per segment, all at once. No segment is ever run twice (a rerun
 * would load the target again and write over its results): backoffLimitPerIndex 0 fails an
 * index on its first failure without a retry, and unlike backoffLimit 0 it does not kill the
 * other segments when one fails; they finish, and the merge names the missing one.
 */
export function segmentJob(plan: K8sPlan): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(plan, plan.name, 'segment'),
    spec: {
      completionMode: 'Indexed',
      completions: plan.segments,
      parallelism: plan.segments,
      backoffLimitPerIndex: 0,
      maxFailedIndexes: plan.segments,
      podFailurePolicy: {
        rules: [{ action: 'FailJob', onExitCodes: { containerName: CONTAINER, operator: 'In', values: FAIL_JOB_EXIT_CODES } }],
      },
      ttlSecondsAfterFinished: 86_400,
      template: podSpec(plan, segmentArgs(plan), 'segment', true),
    },
  };
}

/** Where the merge Job puts its reports: beside the segments, in the same run folder. */
export function mergeUpload(plan: K8sPlan): string {
  return `${plan.store.replace(/\/+$/, '')}/merged`;
}

export function mergeArgs(plan: K8sPlan): string[] {
  return ['merge', plan.store, '--out', 'json=results.json', '--out', 'junit=junit.xml', '--out', 'html=report.html', '--upload', mergeUpload(plan)];
}

/**
 * The merge as a Job of its own, applied once the segments' Job has finished; its exit code is
 * the run's. It reads only the store (the thresholds are in the segments' manifests there).
 */
export function mergeJob(plan: K8sPlan): Manifest {
  const template = podSpec(plan, mergeArgs(plan), 'merge', false);
  const spec = template.spec as Manifest;
  (spec.containers as Manifest[])[0].workingDir = '/tmp';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(plan, `${plan.name}-merge`, 'merge'),
    spec: { backoffLimit: 0, ttlSecondsAfterFinished: 86_400, template },
  };
}

/** The shell line that waits for the segments' Job to end, whether it completed or failed. */
export function waitCommand(plan: K8sPlan): string {
  const ns = plan.namespace ? ` -n ${plan.namespace}` : '';
  return `until kubectl get job ${plan.name}${ns} -o jsonpath='{.status.conditions[?(@.status=="True")].type}' | grep -qE 'Complete|Failed'; do sleep 10; done`;
}

function toYaml(docs: Manifest[]): string {
  // lineWidth 0: the bundled scenario stays a literal block, never folded
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

/** The ConfigMap and the Indexed Job, then, as comments, what to run once it has finished. */
export function segmentManifests(plan: K8sPlan): string {
  const after = [
    `# When every segment has finished, merge them (the exit code is the run's: 0, 99, 105; 4 if a segment is missing):`,
    `#   ${waitCommand(plan)}`,
    `#   rampart merge ${plan.store} --out json=results.json --out junit=junit.xml`,
    `# or merge in the cluster: this same rampart k8s command with --merge-job, piped to kubectl apply -f -`,
  ];
  return `${toYaml([scenarioConfigMap(plan), segmentJob(plan)])}${after.join('\n')}\n`;
}

export function mergeManifest(plan: K8sPlan): string {
  return toYaml([mergeJob(plan)]);
}
