/**
 * What `rampart run` does differently for one segment of a distributed run, in one place, so
 * that the engine (runner/engine/run.ts) only calls these hooks at its milestones.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Summary } from '../results/types.js';
import type { Threshold } from '../metrics/thresholds.js';
import type { MetricType } from '../results/types.js';
import type { Plan } from '../plan/types.js';
import { buildManifest, scenarioHash, type SegmentManifest } from './manifest.js';
import { globalThread, type Segment } from './segment-source.js';
import { markAborted, SegmentSession } from './session.js';
import type { RunStore } from './store.js';

export interface DistributedOptions {
  segment: Segment;
  store?: RunStore;
  /** --start-at, ms since the epoch on this host's clock */
  startAt?: number;
  barrierTimeoutMs: number;
}

export interface SegmentRunInfo {
  bundleUrl: string;
  file: string;
  scenarioName: string;
  plan: Plan;
  thresholds: Threshold[];
  customTypes: Record<string, MetricType>;
  target?: string;
  workers: number;
  intervalMs: number;
  failUnmeasured: boolean;
}

/** A results file in the store: the segment's Summary with its manifest inside, so that one file is enough to merge. */
export type SegmentResultsFile = Summary & { distributed: SegmentManifest };

export class SegmentRun {
  readonly session: SegmentSession;
  private readonly hash: string;

  constructor(
    private readonly o: DistributedOptions,
    private readonly info: SegmentRunInfo,
    log: (line: string) => void,
  ) {
    this.hash = scenarioHash(readFileSync(fileURLToPath(info.bundleUrl), 'utf8'), info.plan, info.thresholds, info.workers);
    this.session = new SegmentSession({
      store: o.store,
      segment: o.segment,
      scenarioHash: this.hash,
      startAt: o.startAt,
      barrierTimeoutMs: o.barrierTimeoutMs,
      log,
    });
  }

  /** thread t of this process, as a share of every process' threads */
  thread(t: number, threads: number) {
    return globalThread(this.o.segment, t, threads);
  }

  manifest(): SegmentManifest {
    const skew = this.o.store?.skew() ?? { ms: 0, uncertaintyMs: 0 };
    const i = this.info;
    return buildManifest({
      segment: this.o.segment,
      scenarioHash: this.hash,
      scenario: { name: i.scenarioName, file: i.file, profile: i.plan.profile ?? null },
      workers: i.workers,
      ...(this.session.startAtStoreMs !== undefined ? { startAt: new Date(this.session.startAtStoreMs).toISOString() } : {}),
      ...(this.session.startLateMs !== undefined ? { startLateMs: this.session.startLateMs } : {}),
      clockSkewMs: skew.ms,
      ...(Number.isFinite(skew.uncertaintyMs) ? { clockUncertaintyMs: skew.uncertaintyMs } : {}),
      intervalMs: i.intervalMs,
      plan: i.plan,
      thresholds: i.thresholds,
      customTypes: i.customTypes,
      ...(i.target ? { target: i.target } : {}),
      failUnmeasured: i.failUnmeasured,
    });
  }

  async finish(summary: Summary): Promise<void> {
    const manifest = this.manifest();
    const file: SegmentResultsFile = { ...summary, distributed: manifest };
    await this.session.finish(file, manifest);
  }

  async close(): Promise<void> {
    this.session.close();
    await this.o.store?.close();
  }
}

/** The run failed before it could stop gracefully: the other segments hear of it through the abort marker. */
export async function failSegment(o: DistributedOptions, err: unknown): Promise<void> {
  if (!o.store) return;
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  // refused at check-in: the store belongs to another run, leave it as it is
  const quiet = err instanceof Error && ['AbortedBeforeStartError', 'StoreInUseError'].includes(err.name);
  const reason = quiet ? undefined : `failed: ${message.slice(0, 200)}`;
  if (reason) await markAborted(o.store, o.segment, reason);
  await o.store.close().catch(() => {});
}
