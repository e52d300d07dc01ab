import type { RequestRecord, Summary, TimelinePoint } from '../runner/results/types.js';
import type { Metric } from '../runner/metrics/metric.js';

export type { RequestRecord, Summary, TimelinePoint };

/** What a reporter learns when the run starts. */
export interface RunInfo {
  scenario: { name: string; file: string; profile: string | null };
  startedAt: string;
  /** the plan's stages as `rampart inspect` describes them */
  stages: { index: number; kind: string; description: string; startMs: number; durationMs: number }[];
  totalDurationMs: number;
  peakVUs: number;
}

/** One live interval (1 s) of the run. */
export interface IntervalInfo {
  elapsedMs: number;
  point: TimelinePoint;
  stageDescription: string;
  /** cumulative counts so far */
  totals: { requests: number; failed: number; iterations: number; dropped: number };
  /**
   * every metric and sub-metric so far, keyed as the Summary keys them (live outputs read it
   * each interval); the engine's own objects: read them during the call, never change them
   */
  metrics?: ReadonlyMap<string, Metric>;
}

/**
 * A reporter turns a run into output. `onEnd` receives the final Summary; a reporter that
 * writes a file must write it atomically (see writeFileAtomic) and return the paths it wrote.
 */
export interface Reporter {
  readonly name: string;
  onStart?(info: RunInfo): void | Promise<void>;
  onInterval?(info: IntervalInfo): void;
  /** one record per request as the run goes; only reporters that define it make rampart gather them */
  onRecords?(records: RequestRecord[]): void;
  onEnd(summary: Summary): void | Promise<void | string[]> | string[];
}

/** Options every reporter factory receives. */
export interface ReporterOptions {
  /** the output path of `--out TYPE=PATH`, absent for console-like reporters */
  path?: string;
  quiet?: boolean;
  /** secret values to mask in any text the reporter writes */
  secrets?: string[];
  /** the run's environment (the process's, rampart.yaml's env and -e): network outputs read their settings there */
  env?: Record<string, string | undefined>;
}

export type ReporterFactory = (options: ReporterOptions) => Reporter;
