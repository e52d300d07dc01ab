/**
 * The flags of a distributed run (`rampart run --segment/--segments/--store/--start-at/
 * --barrier-timeout`), checked and turned into the engine's DistributedOptions.
 */
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import type { UploadOptions } from '../s3/upload.js';
import type { DistributedOptions } from './run-segment.js';
import { resolveSegment } from './segment-source.js';
import { openStore } from './store.js';

export const distributedOptions = {
  segment: { type: 'string', describe: 'run segment I of N of the plan, e.g. 2/8 (docs/distributed.md)' },
  segments: {
    type: 'number',
    describe: 'N segments; the index comes from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (also RAMPART_SEGMENTS)',
  },
  store: { type: 'string', describe: 'the run store: s3://bucket/prefix/RUN_ID or a folder; segments meet, abort and leave results there' },
  'start-at': { type: 'string', describe: 'start the load at this ISO time instead of at the store barrier, e.g. 2026-05-01T12:00:00Z' },
  'barrier-timeout': { type: 'string', describe: "how long a segment waits at the barrier for the others, default '5m'" },
} as const;

export interface DistributedArgs {
  segment?: string;
  segments?: number;
  store?: string;
  startAt?: string;
  barrierTimeout?: string;
}

export const DEFAULT_BARRIER_TIMEOUT_MS = 5 * 60_000;

/** undefined for an ordinary run; the store is opened (and reached) here, before anything loads. */
export async function distributedFromArgs(
  args: DistributedArgs,
  s3: UploadOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DistributedOptions | undefined> {
  const segment = resolveSegment(args, env);
  if (!segment) {
    for (const [flag, v] of [
      ['--store', args.store],
      ['--start-at', args.startAt],
      ['--barrier-timeout', args.barrierTimeout],
    ] as const) {
      if (v !== undefined)
        throw new UsageError(`${flag} applies to one segment of a distributed run: add --segment I/N (or --segments N with JOB_COMPLETION_INDEX)`);
    }
    return undefined;
  }
  let startAt: number | undefined;
  if (args.startAt !== undefined) {
    startAt = /^\d{4}-\d\d-\d\dT/.test(args.startAt) ? Date.parse(args.startAt) : NaN;
    if (!Number.isFinite(startAt)) throw new UsageError(`--start-at '${args.startAt}': expected an ISO time such as 2026-05-01T12:00:00Z`);
  }
  const barrierTimeoutMs = args.barrierTimeout === undefined ? DEFAULT_BARRIER_TIMEOUT_MS : parseDuration(args.barrierTimeout);
  if (!(barrierTimeoutMs > 0)) throw new UsageError(`--barrier-timeout '${args.barrierTimeout}' must be a positive duration such as '2m'`);
  if (segment.count > 1 && args.store === undefined && startAt === undefined) {
    process.stderr.write(
      `rampart: segment ${segment.index + 1}/${segment.count} without --store or --start-at starts at once and leaves its results only in --out\n`,
    );
  }
  const store = args.store === undefined ? undefined : await openStore(args.store, '--store', s3);
  return { segment, store, startAt, barrierTimeoutMs };
}
