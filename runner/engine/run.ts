import { relative } from 'node:path';
import type { Reporter } from '../../reporters/reporter.js';
import { installRuntime } from '../../scenarios/runtime.js';
import type { ScenarioDefinition } from '../../scenarios/types.js';
import { SecretMask } from '../secrets.js';
import type { ConfigFile } from '../config.js';
import { parseDuration } from '../duration.js';
import { RampartError, ScenarioError, UsageError } from '../errors.js';
import { Collector } from '../metrics/collector.js';
import type { MetricType, RequestRecord, Summary } from '../results/types.js';
import { readFileSync } from 'node:fs';
import { abortingThresholds, allPassed, evaluateThresholds, parseThresholds, type Threshold } from '../metrics/thresholds.js';
import type { PlanOverrides } from '../plan/build.js';
import { loadPlan } from './load-plan.js';
import { checkWorkloadThresholds } from '../plan/workloads.js';
import { shareOf } from '../plan/segment.js';
import { poolSettings } from '../plan/pool.js';
import type { Plan } from '../plan/types.js';
import { Coordinator } from './coordinator.js';
import { serverlessSettings } from '../serverless/options.js';
import { HealthMonitor } from '../serverless/monitor.js';
import { addServerlessGauges } from '../serverless/gauges.js';
import { ThreadKit, type ThreadConfig } from './thread-kit.js';
import { checkTarget } from './load-scenario.js';
import type { WorkerInit } from './protocol.js';
import { messageOf, userLocation } from './source-location.js';
import { finishRun } from './finish-run.js';
import { catchStrays } from './strays.js';
import { BAD_OPTION_MARK } from '../http/options.js';
import { connectionSettings } from '../http/tls.js';
import { sharedData } from '../data/registry.js';
import { SegmentRun, type DistributedOptions } from '../distributed/run-segment.js';

import { OWN_DIR } from './own-dir.js';
export { OWN_DIR };

export interface RunOptions {
  file: string;
  profile: string | null;
  workers: number;
  /**
   * The command's reporters (runner/cli/run.ts), made once the scenario is checked; `secrets`
   * is the run's live list of values to mask, which grows as credentials are learnt.
   */
  createReporters: (secrets: string[]) => Promise<Reporter[]>;
  /** -e pairs and rampart.yaml env, merged (flags win) */
  env: Record<string, string>;
  config: ConfigFile;
  /** values that must never appear in any output */
  secrets: string[];
  /** extra reporters (tests, comparisons) */
  reporters?: Reporter[];
  handleSignals?: boolean;
  /** timeline resolution in ms (default 1000) */
  intervalMs?: number;
  /** exit 3 when the run measured nothing (default true; runner/verdict.ts) */
  failUnmeasured?: boolean;
  /** --vus/--duration/--iterations: a load shape instead of the scenario's stages */
  overrides?: PlanOverrides;
  /** --segment/--store: this process runs one segment of a distributed run (runner/distributed/) */
  distributed?: DistributedOptions;
}

export interface RunResult {
  summary: Summary;
  exitCode: number;
  files: string[];
}

/** Everything checked before load starts, so that a mistake costs seconds, not an hour of load. */
export interface Prepared {
  scenario: ScenarioDefinition;
  plan: Plan;
  thresholds: Threshold[];
  customTypes: Record<string, MetricType>;
  target?: string;
  reporters: Reporter[];
  bundleUrl: string;
  dispose(): Promise<void>;
}

async function prepare(o: RunOptions, mask: SecretMask): Promise<Prepared> {
  const { scenario, plan, bundle } = await loadPlan(
    o.file,
    { ...process.env, ...o.env },
    o.overrides ? o.profile : (o.profile ?? o.config.profile ?? null),
    o.overrides,
  );
  try {
    checkWorkloadThresholds(scenario.thresholds, plan, o.file);
    const customTypes = (scenario.metrics ?? {}) as Record<string, MetricType>;
    const types = new Collector([], customTypes);
    const source = readFileSync(bundle.file, 'utf8'); // tags the scenario's code mentions are the user's own
    const thresholds = [
      ...parseThresholds(
        o.config.thresholds,
        (n) => types.typeOf(n),
        `${o.config.path ? relative(process.cwd(), o.config.path) : 'rampart.yaml'}: thresholds`,
        source,
      ),
      ...parseThresholds(scenario.thresholds as Record<string, unknown> | undefined, (n) => types.typeOf(n), `${o.file}: thresholds`, source),
    ];
    const target = checkTarget(scenario.target ?? o.config.target, scenario.target ? o.file : 'rampart.yaml');
    const reporters = [...(await o.createReporters(mask.values)), ...(o.reporters ?? [])];
    return { scenario, plan, thresholds, customTypes, target, reporters, dispose: bundle.dispose, bundleUrl: bundle.url };
  } catch (err) {
    await bundle.dispose();
    throw err;
  }
}

/** One run: prepare, setup, load on worker threads, teardown, summary, reports. */
export async function runScenario(o: RunOptions): Promise<RunResult> {
  // secrets: --secret values now, credential headers as they are learnt (here and in the workers)
  const mask = new SecretMask(o.secrets);
  // scenario code on this thread (top level, setup, teardown) must not end rampart before the reports
  const realExit = process.exit;
  process.exit = ((code?: number) => {
    throw new ScenarioError(`the scenario called process.exit(${code ?? ''}); rampart ends the run itself`);
  }) as typeof process.exit;
  try {
    return await runMasked(o, mask);
  } catch (err) {
    if (err instanceof RampartError) err.message = mask.mask(err.message);
    throw err;
  } finally {
    process.exit = realExit;
  }
}

async function runMasked(o: RunOptions, mask: SecretMask): Promise<RunResult> {
  const p = await prepare(o, mask);
  const { scenario, plan, thresholds } = p;
  const settings = runSettings(o, p, mask);
  const { env, headers, gracefulStopMs, serverless, thread } = settings;
  const threads = o.workers;
  const segment =
    o.distributed &&
    new SegmentRun(
      o.distributed,
      {
        bundleUrl: p.bundleUrl,
        file: o.file,
        scenarioName: scenario.name,
        plan,
        thresholds,
        customTypes: p.customTypes,
        target: p.target,
        workers: threads,
        intervalMs: o.intervalMs ?? 1000,
        failUnmeasured: o.failUnmeasured !== false,
      },
      (line) => process.stderr.write(`${mask.mask(line)}\n`),
    );
  const inits: WorkerInit[] = Array.from({ length: threads }, (_, i) => {
    // a segment's threads take their shares of every segment's threads (runner/distributed/segment-source.ts)
    const share = segment ? segment.thread(i, threads) : { thread: i, threads };
    return {
      ...thread,
      bundleUrl: p.bundleUrl,
      plan,
      ...share,
      gracefulStopMs,
      secrets: mask.values,
      shared: sharedData(),
      connections: Math.max(1, shareOf(thread.connections, share.thread, share.threads)),
    };
  });

  // setup and teardown run on this thread, with their own client and metrics
  const mainKit = new ThreadKit({ ...thread, connections: 4 }, mask);
  const mainCollector = mainKit.collector;
  const lifecycle = mainKit.iterations(
    scenario,
    undefined,
    0,
    1,
    (line) => process.stderr.write(`${mask.mask(line)}\n`),
    () => {},
  );
  const monitor =
    serverless?.monitor && p.target
      ? new HealthMonitor(new URL(serverless.monitor.route, p.target).href, serverless.monitor.everyMs ?? o.intervalMs ?? 1000, headers)
      : null;
  /** abortTest() called in setup(): the run is interrupted before its load (exit 105) */
  let setupAbort: string | undefined;
  installRuntime({
    env,
    recordCheck: (name, ok, tags) => mainCollector.recordCheck(name, ok, tags && Object.entries(tags)),
    abortTest: (reason) => {
      setupAbort ??= reason;
    },
  });

  const forwardRecords = (records: RequestRecord[] | undefined) => {
    if (!records) return;
    const clean = mask.values.length ? mask.maskDeep(records) : records;
    for (const r of p.reporters) r.onRecords?.(clean);
  };

  let aborted = false;
  let abortReason: string | undefined;
  /** the first bad request option an iteration made (exit 107) */
  let badOption: string | undefined;
  let signals = 0;
  const coordinator = new Coordinator(
    inits,
    {
      onInterval: (point, cumulative) => {
        addServerlessGauges(point, cumulative, monitor);
        cumulative.gauge('vus').set(point.vus);
        cumulative.gauge('vus').notePeak(coordinator.peakVus); // sampled at the tick, its max the true peak
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
        if (!aborted && critical.length && !allPassed(evaluateThresholds(critical, cumulative, point.t))) {
          stop('threshold');
        }
      },
      onAbortTest: (reason) => {
        if (!reason.startsWith(BAD_OPTION_MARK)) return stop(`scenario: ${reason}`);
        badOption ??= mask.mask(reason.slice(BAD_OPTION_MARK.length));
        stop('scenario error');
      },
      onLog: (line) => process.stderr.write(`${mask.mask(line)}\n`),
      onRecords: (records) => forwardRecords(records),
      onSecrets: (values) => {
        for (const v of values) mask.add(v);
      },
    },
    o.intervalMs,
  );
  const stop = (reason: string) => {
    if (aborted) return;
    aborted = true;
    abortReason = reason;
    coordinator.stop();
    void segment?.session.abort(reason); // the other segments stop too
  };
  const onSignal = () => {
    signals++;
    if (signals === 1) stop('signal');
    else {
      coordinator.hardStop();
      lifecycle.hardStop(); // a setup() or teardown() waiting on a request or ctx.sleep ends too
    }
  };
  if (o.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  // setup(), teardown() and the scenario's top level run on this thread: their strays are errors too
  const releaseStrays = catchStrays(mainCollector, OWN_DIR);

  try {
    await segment?.session.checkIn();
    await coordinator.load();
    let data: unknown;
    try {
      data = scenario.setup ? await scenario.setup(lifecycle.lifecycleContext('setup')) : undefined;
      structuredClone(data);
    } catch (err) {
      if (setupAbort === undefined)
        throw new ScenarioError(`${userLocation(err, process.cwd(), OWN_DIR) ?? o.file}: setup() failed: ${messageOf(err)}`);
    }
    if (setupAbort !== undefined) stop(`scenario: ${setupAbort}`);
    await segment?.session.waitForStart();
    segment?.session.watchAbort(stop);
    const startedAt = new Date();
    await announceStart(p, o.file, startedAt);
    forwardRecords(mainKit.takeRecords()); // setup's requests
    coordinator.observe(mainKit.serverless?.take()); // a worker setup() already used is not new to the load
    monitor?.start();
    segment?.session.loadStarts();
    if (signals === 0 && setupAbort === undefined) await coordinator.run(data);
    await monitor?.stop();
    const durationMs = coordinator.elapsedMs;
    let teardownError: string | undefined;
    if (scenario.teardown && signals < 2 && setupAbort === undefined) {
      try {
        await scenario.teardown(lifecycle.lifecycleContext('teardown'), data);
      } catch (err) {
        teardownError = mask.mask(`${userLocation(err, process.cwd(), OWN_DIR) ?? o.file}: teardown() failed: ${messageOf(err)}`);
      }
    }
    forwardRecords(mainKit.takeRecords()); // teardown's requests
    return await finishRun(
      o,
      p,
      mask,
      { coordinator, mainCollector, settings, segment },
      { startedAt, durationMs, aborted, abortReason, teardownError, badOption },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    releaseStrays();
    await coordinator.terminate();
    await segment?.close();
    await monitor?.stop();
    await mainKit.close();
    await p.dispose();
  }
}

/** The settings every thread shares, from the scenario, rampart.yaml and the flags. */
export type RunSettings = ReturnType<typeof runSettings>;

function runSettings(o: RunOptions, p: Prepared, mask: SecretMask) {
  const { scenario, plan, thresholds } = p;
  const env = { ...process.env, ...o.env } as Record<string, string | undefined>;
  const http = scenario.http ?? {};
  const timeoutMs = parseDuration(http.timeout ?? o.config.http?.timeout ?? '60s');
  const gracefulStopMs = parseDuration(scenario.gracefulStop ?? o.config.gracefulStop ?? '30s');
  if (!(timeoutMs > 0)) throw new UsageError(`${o.file}: http.timeout must be a positive duration`);
  if (!(gracefulStopMs >= 0)) throw new UsageError(`${o.file}: gracefulStop must be a duration`);
  const headers = { ...o.config.http?.headers, ...http.headers };
  mask.addHeaders(headers);
  const serverless = serverlessSettings(scenario.serverless, o.file);
  const thread: ThreadConfig = {
    env,
    target: p.target,
    timeoutMs,
    headers,
    ...poolSettings(http.connections, plan.poolSize),
    retry: http.retry,
    // the open model starts iterations whatever the latency: its pool connects before t=0 (warm-pool.ts)
    warmup: http.warmup ?? plan.steps.some((s) => s.executor === 'arrival-rate' || s.executor === 'arrival-burst'),
    tls: connectionSettings(http, o.file),
    features: { redirects: http.redirects, compression: http.compression, cookies: http.cookies, auth: http.auth },
    trackedKeys: thresholds.map((t) => t.metricKey),
    customTypes: p.customTypes,
    serverless,
    s3: { ...o.config.s3, ...scenario.s3 },
    ownDir: OWN_DIR,
    recordRequests: p.reporters.some((r) => r.onRecords),
  };
  return { env, http, headers, gracefulStopMs, serverless, thread };
}

async function announceStart(p: Prepared, file: string, startedAt: Date): Promise<void> {
  const { scenario, plan } = p;
  for (const r of p.reporters) {
    await r.onStart?.({
      scenario: { name: scenario.name, file, profile: plan.profile },
      startedAt: startedAt.toISOString(),
      stages: plan.steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, startMs: s.startMs, durationMs: s.durationMs })),
      totalDurationMs: plan.totalDurationMs,
      peakVUs: plan.peakVUs,
    });
  }
}

export { writeReports } from './finish-run.js';
