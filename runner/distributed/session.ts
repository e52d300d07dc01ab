/**
 * One segment's part in a distributed run: it checks in at the store, meets the others at the
 * barrier (or waits for --start-at), watches for an abort marker while the load runs, writes
 * one when it stops early itself, and leaves its results and manifest in the store at the end.
 *
 * Store layout under the run's prefix:
 *   ready/<i>.json     a segment is loaded and waiting (its scenario hash, host)
 *   start.json         the common start instant, on the store's clock
 *   abort.json         the first segment that stopped early, and why
 *   results/<i>.json   the segment's full results file (HDR histograms inside)
 *   manifest/<i>.json  who ran what: segment, host, rampart version, scenario hash, thresholds, plan
 */
import { hostname } from 'node:os';
import { ExitCode, errorKind, UsageError } from '../errors.js';
import type { Summary } from '../results/types.js';
import { waitFor } from '../wait.js';
import type { SegmentManifest } from './manifest.js';
import { segmentLabel, type Segment } from './segment-source.js';
import type { RunStore, StoredObject } from './store.js';

/** The barrier's poll; also how often a running segment looks for an abort marker (×4). */
const POLL_MS = 250;
const ABORT_POLL_MS = 1000;
/** The common start lies this far after the last check-in: time for every segment to see it. */
const START_LEAD_MS = 2000;
/** S3's LastModified has whole seconds: a check-in stamped t was written in [t, t + 1 s). */
const STAMP_MS = 1000;
/** A segment that started later than this after the common instant says so. */
const LATE_MS = 250;
/** Clock samples while waiting for the start: until the store's clock is known this well. */
const CLOCK_GOOD_MS = 15;
const CLOCK_SAMPLE_MS = 73;

/** A distributed run that cannot be whole: a segment missing, or of another scenario (exit 4). */
export class IncompleteRunError extends errorKind('IncompleteRunError', 'RAMPART_INCOMPLETE', ExitCode.incomplete) {}

/** The store already holds this segment or an aborted run: refused, and the store is left as it is (exit 2). */
export class StoreInUseError extends UsageError {
  override name = 'StoreInUseError';
}

/** Another segment stopped before the load started: this one does not start either (exit 105). */
export class AbortedBeforeStartError extends errorKind('AbortedBeforeStartError', 'RAMPART_ABORTED', ExitCode.interrupted) {}

/** Writes the abort marker unless one is there (the first stays); never throws. */
export async function markAborted(store: RunStore, segment: Segment, reason: string): Promise<string | undefined> {
  try {
    if (await store.get(keys.abort)) return undefined;
    await store.put(keys.abort, JSON.stringify({ segment: segment.index, count: segment.count, reason, at: new Date().toISOString() }));
    return undefined;
  } catch (err) {
    return `could not write the abort marker: ${(err as Error).message}`;
  }
}

export interface SessionOptions {
  store?: RunStore;
  segment: Segment;
  scenarioHash: string;
  /** --start-at: start at this instant (our clock) rather than at the barrier */
  startAt?: number;
  barrierTimeoutMs: number;
  log?: (line: string) => void;
}

export const keys = {
  ready: (i: number) => `ready/${i}.json`,
  results: (i: number) => `results/${i}.json`,
  manifest: (i: number) => `manifest/${i}.json`,
  /** how many segments the run has (the same from every segment): how `rampart merge` knows what to look for */
  run: 'run.json',
  start: 'start.json',
  abort: 'abort.json',
};

export class SegmentSession {
  /** the common start, on the store's clock (ms since the epoch) */
  startAtStoreMs: number | undefined;
  /** how long after the common start this segment's load began, ms on its own clock */
  startLateMs: number | undefined;
  /** the common start on this host's clock, as the segment aimed at it */
  private startAtLocalMs: number | undefined;
  private watching = false;
  private stopWatch = new AbortController();
  private abortWritten = false;
  /** this segment stopped (Ctrl-C, abortTest in setup): the barrier wait ends too */
  private readonly interrupted = new AbortController();

  constructor(private readonly o: SessionOptions) {}

  get label(): string {
    return segmentLabel(this.o.segment);
  }

  /** Before loading: nothing of this segment is in the store yet (a new RUN_ID per run). */
  async checkIn(): Promise<void> {
    const { store, segment } = this.o;
    if (!store) return;
    for (const key of [keys.results(segment.index), keys.ready(segment.index)]) {
      if (await store.get(key)) {
        throw new StoreInUseError(`store ${store.where}: segment ${this.label} already ran there (${key} exists); give each run its own RUN_ID`);
      }
    }
    const marker = await store.get(keys.abort);
    // this run's: another segment failed before this one got here (or a store of an old run: the message says which)
    if (marker) throw new AbortedBeforeStartError(`store ${store.where}: ${abortText(marker.body)} before the load started`);
    if (!(await store.get(keys.run))) await store.put(keys.run, JSON.stringify({ segments: segment.count }));
  }

  /** After loading and setup(): this segment can start the moment it is told to. */
  private async ready(store: RunStore): Promise<void> {
    const { segment } = this.o;
    await store.put(
      keys.ready(segment.index),
      JSON.stringify({ segment: segment.index, count: segment.count, host: hostname(), scenarioHash: this.o.scenarioHash }),
    );
  }

  /** Resolves at the common start instant. */
  async waitForStart(): Promise<void> {
    const { store, segment } = this.o;
    if (store) await this.ready(store);
    if (this.o.startAt !== undefined) {
      this.startAtStoreMs = this.o.startAt + (store?.skew().ms ?? 0);
      this.startAtLocalMs = this.o.startAt;
      await sleepUntil(this.o.startAt, this.interrupted.signal);
      return;
    }
    if (!store) return;
    const deadline = Date.now() + this.o.barrierTimeoutMs;
    /** each check-in seen, and when the store stamped it */
    const seen = new Map<number, number>();
    for (;;) {
      if (this.interrupted.signal.aborted) return;
      const start = whole<{ startAt: string }>(await store.get(keys.start));
      if (start) {
        this.startAtStoreMs = Date.parse(start.body.startAt);
        break;
      }
      for (let i = 0; i < segment.count; i++) {
        if (seen.has(i)) continue;
        const ready = whole<{ scenarioHash?: string }>(await store.get(keys.ready(i)));
        if (!ready) continue;
        const hash = ready.body.scenarioHash;
        if (hash !== this.o.scenarioHash) {
          throw new IncompleteRunError(
            `store ${store.where}: segment ${segmentLabel({ index: i, count: segment.count })} runs another scenario, profile or --workers (hash ${hash?.slice(0, 12)}, this one ${this.o.scenarioHash.slice(0, 12)})`,
          );
        }
        seen.set(i, ready.writtenAt);
      }
      if (seen.size === segment.count) {
        // the same objects give every segment the same instant, so two first ones agree
        this.startAtStoreMs = Math.ceil((Math.max(...seen.values()) + STAMP_MS + START_LEAD_MS) / 1000) * 1000;
        if (!(await store.get(keys.start)))
          await store.put(keys.start, JSON.stringify({ startAt: new Date(this.startAtStoreMs).toISOString(), by: segment.index }));
        break;
      }
      const marker = await store.get(keys.abort);
      if (marker) throw new AbortedBeforeStartError(`store ${store.where}: ${abortText(marker.body)} before the load started`);
      if (Date.now() >= deadline) {
        const missing = Array.from({ length: segment.count }, (_, i) => i).filter((i) => !seen.has(i));
        throw new IncompleteRunError(
          `barrier: segment(s) ${missing.map((i) => segmentLabel({ index: i, count: segment.count })).join(', ')} did not arrive at ${store.where} within --barrier-timeout ${Math.round(this.o.barrierTimeoutMs / 1000)}s`,
        );
      }
      await waitFor(POLL_MS, this.interrupted.signal);
    }
    const skew = await this.narrowClock(store, this.startAtStoreMs);
    this.startAtLocalMs = this.startAtStoreMs - skew.ms;
    await sleepUntil(this.startAtLocalMs, this.interrupted.signal);
  }

  /**
   * The start lies seconds ahead: spend them narrowing the clock estimate (each response's Date is
   * whole seconds; reading at phases 73 ms apart pins down where the store's second turns).
   */
  private async narrowClock(store: RunStore, startAtStoreMs: number): Promise<{ ms: number; uncertaintyMs: number }> {
    while (!this.interrupted.signal.aborted && store.skew().uncertaintyMs > CLOCK_GOOD_MS && Date.now() < startAtStoreMs - store.skew().ms - 300) {
      await store.get(keys.start);
      await waitFor(CLOCK_SAMPLE_MS, new AbortController().signal);
    }
    const skew = store.skew();
    if (skew.uncertaintyMs > 250 && Number.isFinite(skew.uncertaintyMs))
      this.o.log?.(`rampart: the store's clock is known to ±${skew.uncertaintyMs}ms only; segments may start that far apart`);
    return skew;
  }

  /** The load begins now: how late after the common instant, by this host's clock (the merge places the segment there). */
  loadStarts(): void {
    if (this.startAtLocalMs === undefined) return;
    this.startLateMs = Math.max(0, Date.now() - this.startAtLocalMs);
    if (this.startLateMs > LATE_MS) this.o.log?.(`rampart: segment ${this.label} started ${this.startLateMs}ms after the common start instant`);
  }

  /** While the load runs: `stop` is called when another segment wrote the abort marker. */
  watchAbort(stop: (reason: string) => void): void {
    const { store } = this.o;
    if (!store || this.watching) return;
    this.watching = true;
    const signal = this.stopWatch.signal;
    void (async () => {
      while (!signal.aborted) {
        await waitFor(ABORT_POLL_MS, signal);
        if (signal.aborted) return;
        const marker = await store.get(keys.abort).catch(() => null);
        if (marker && (JSON.parse(marker.body) as { segment: number }).segment !== this.o.segment.index) {
          stop(`store: ${abortText(marker.body)}`);
          return;
        }
      }
    })();
  }

  /** This segment stopped early (threshold, signal, abortTest): the others must too. */
  async abort(reason: string): Promise<void> {
    this.interrupted.abort();
    const { store, segment } = this.o;
    if (!store || this.abortWritten || reason.startsWith('store: ')) return;
    this.abortWritten = true;
    const failed = await markAborted(store, segment, reason);
    if (failed) this.o.log?.(`rampart: ${failed}`);
  }

  /** The segment's results and manifest; the store keeps them for `rampart merge`. */
  async finish(summary: Summary, manifest: SegmentManifest): Promise<void> {
    this.stopWatch.abort();
    const { store, segment } = this.o;
    if (!store) return;
    await store.put(keys.results(segment.index), JSON.stringify(summary));
    await store.put(keys.manifest(segment.index), JSON.stringify(manifest, null, 2));
  }

  close(): void {
    this.stopWatch.abort();
  }
}

/** A stored JSON object, or null while it is absent or still being written (s3rver shows a partial body). */
function whole<T>(o: StoredObject | null): { body: T; writtenAt: number } | null {
  if (!o) return null;
  try {
    return { body: JSON.parse(o.body) as T, writtenAt: o.writtenAt };
  } catch {
    return null;
  }
}

function abortText(body: string): string {
  try {
    const m = JSON.parse(body) as { segment: number; count: number; reason: string };
    return `segment ${segmentLabel({ index: m.segment, count: m.count })} aborted (${m.reason})`;
  } catch {
    return 'aborted';
  }
}

async function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await waitFor(wait, signal);
}
