/**
 * How a run stops before its plan ends, and what the main thread does with the coordinator's
 * events: live reports, thresholds that abort, logs, secrets learnt by the workers.
 */
import type { Reporter } from '../../reporters/reporter.js';
import type { SegmentRun } from '../distributed/run-segment.js';
import { BAD_OPTION_MARK } from '../http/options.js';
import type { Collector } from '../metrics/collector.js';
import { abortingThresholds, allPassed, evaluateThresholds } from '../metrics/thresholds.js';
import type { RequestRecord, TimelinePoint } from '../results/types.js';
import type { SecretMask } from '../secrets.js';
import { addServerlessGauges } from '../serverless/gauges.js';
import type { HealthMonitor } from '../serverless/monitor.js';
import type { Coordinator, CoordinatorEvents } from './coordinator.js';
import type { Iterations } from './iterations.js';
import type { Prepared } from './prepare.js';

/** A stop by threshold, abortTest(), a bad request option or a signal (the first graceful, the second hard). */
export class RunControl {
  aborted = false;
  abortReason: string | undefined;
  /** the first bad request option an iteration made (exit 107) */
  badOption: string | undefined;
  /** abortTest() called in setup(): the run is interrupted before its load (exit 105) */
  setupAbort: string | undefined;
  signals = 0;
  coordinator!: Coordinator;

  constructor(
    private readonly lifecycle: Iterations,
    private readonly segment: SegmentRun | undefined,
  ) {}

  readonly stop = (reason: string): void => {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.coordinator.stop();
    void this.segment?.session.abort(reason); // the other segments stop too
  };

  private readonly onSignal = (): void => {
    this.signals++;
    if (this.signals === 1) this.stop('signal');
    else {
      this.coordinator.hardStop();
      this.lifecycle.hardStop(); // a setup() or teardown() waiting on a request or ctx.sleep ends too
    }
  };

  listen(handleSignals: boolean): void {
    if (!handleSignals) return;
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  release(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** Hands request records to the reporters that take them, masked. */
export function recordForwarder(reporters: Reporter[], mask: SecretMask): (records: RequestRecord[] | undefined) => void {
  return (records) => {
    if (!records) return;
    const clean = mask.values.length ? mask.maskDeep(records) : records;
    for (const r of reporters) r.onRecords?.(clean);
  };
}

export interface EventParts {
  p: Prepared;
  mask: SecretMask;
  control: RunControl;
  monitor: HealthMonitor | null;
  forwardRecords: (records: RequestRecord[] | undefined) => void;
  log: (line: string) => void;
}

export function coordinatorEvents(e: EventParts): CoordinatorEvents {
  const { mask, control } = e;
  return {
    onInterval: (point, cumulative) => onInterval(e, point, cumulative),
    onAbortTest: (reason) => {
      if (!reason.startsWith(BAD_OPTION_MARK)) return control.stop(`scenario: ${reason}`);
      control.badOption ??= mask.mask(reason.slice(BAD_OPTION_MARK.length));
      control.stop('scenario error');
    },
    onLog: e.log,
    onRecords: (records) => e.forwardRecords(records),
    onSecrets: (values) => {
      for (const v of values) mask.add(v);
    },
  };
}

/** An interval's tick: gauges, the reporters' live view, thresholds that abort the run. */
function onInterval({ p, control, monitor }: EventParts, point: TimelinePoint, cumulative: Collector): void {
  const { plan, thresholds } = p;
  addServerlessGauges(point, cumulative, monitor);
  cumulative.gauge('vus').set(point.vus);
  cumulative.gauge('vus').notePeak(control.coordinator.peakVus); // sampled at the tick, its max the true peak
  cumulative.gauge('vus_max').set(plan.peakVUs);
  const totals = {
    requests: cumulative.counter('http_reqs').count,
    failed: cumulative.rate('http_req_failed').trues,
    iterations: cumulative.counter('iterations').count,
    dropped: cumulative.counter('dropped_iterations').count,
  };
  const stageDescription = plan.steps[point.stage ?? 0]?.description ?? '';
  for (const r of p.reporters) r.onInterval?.({ elapsedMs: point.t, point, stageDescription, totals, metrics: cumulative.metrics });
  const critical = abortingThresholds(thresholds, point.t);
  if (!control.aborted && critical.length && !allPassed(evaluateThresholds(critical, cumulative, point.t))) {
    control.stop('threshold');
  }
}
