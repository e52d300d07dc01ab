/**
 * Who ran what: one manifest per segment, next to its results. `rampart merge` trusts only
 * segments whose scenario hash agrees, and evaluates the thresholds and rebuilds the findings
 * from what the manifests carry (the merge never needs the scenario file).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { Threshold } from '../metrics/thresholds.js';
import type { MetricType } from '../results/types.js';
import type { Plan } from '../plan/types.js';
import type { Segment } from './segment-source.js';

const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

export interface SegmentManifest {
  manifest: 1;
  segment: number;
  segments: number;
  host: string;
  rampart: string;
  scenarioHash: string;
  scenario: { name: string; file: string; profile: string | null };
  workers: number;
  /** the common start instant on the store's clock, when the segments met at a barrier or --start-at */
  startAt?: string;
  /** how long after startAt this segment's load began, ms by its own clock: where the merge places it */
  startLateMs?: number;
  /** the store's clock minus this host's, ms (0 for a folder): merge aligns timelines with it */
  clockSkewMs: number;
  clockUncertaintyMs?: number;
  intervalMs: number;
  /** the whole plan, not the segment's share */
  plan: Plan;
  thresholds: Threshold[];
  customTypes: Record<string, MetricType>;
  target?: string;
  failUnmeasured: boolean;
}

/** What the scenario hash covers: the bundled code (without its source map) and the resolved plan, thresholds and thread count. */
export function scenarioHash(bundleSource: string, plan: Plan, thresholds: Threshold[], workers: number): string {
  const code = bundleSource.replace(/\n\/\/# sourceMappingURL=.*$/s, '');
  return createHash('sha256').update(code).update('\0').update(JSON.stringify({ plan, thresholds, workers })).digest('hex');
}

export function buildManifest(
  i: Omit<SegmentManifest, 'manifest' | 'segment' | 'segments' | 'host' | 'rampart'> & { segment: Segment },
): SegmentManifest {
  const { segment, ...rest } = i;
  return { manifest: 1, segment: segment.index, segments: segment.count, host: hostname(), rampart: VERSION, ...rest };
}
