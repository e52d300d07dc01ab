import type { Reporter } from '../../reporters/reporter.js';
import { installRuntime } from '../../scenarios/runtime.js';
import type { ConfigFile } from '../config.js';
import { type DistributedOptions, SegmentRun } from '../distributed/run-segment.js';
import { parseDuration } from '../duration.js';
import { RampartError, ScenarioError, UsageError } from '../errors.js';
import { connectionSettings } from '../http/tls.js';
import { sharedData } from '../data/registry.js';
import type { PlanOverrides } from '../plan/build.js';
import { poolSettings } from '../plan/pool.js';
import { shareOf } from '../plan/segment.js';
import type { RequestRecord, Summary } from '../results/types.js';
import { SecretMask } from '../secrets.js';
import { HealthMonitor } from '../serverless/monitor.js';
import { serverlessSettings } from '../serverless/options.js';
import { Coordinator } from './coordinator.js';
import { finishRun } from './finish-run.js';
import type { Iterations } from './iterations.js';
import { OWN_DIR } from './own-dir.js';
import { announceStart, type Prepared, prepare } from './prepare.js';
import type { WorkerInit } from './protocol.js';
import { coordinatorEvents, RunControl, recordForwarder } from './run-control.js';
import { messageOf, userLocation } from './source-location.js';
import { catchStrays } from './strays.js';
import { type ThreadConfig, ThreadKit } from './thread-kit.js';

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

/** The parts of a run in progress, made by runMasked and used by its phases. */
interface ActiveRun {
  o: RunOptions;
  p: Prepared;
  mask: SecretMask;
  settings: RunSettings;
  segment: SegmentRun | undefined;
  /** setup and teardown run on this thread, with their own client and metrics */
  mainKit: ThreadKit;
  lifecycle: Iterations;
  monitor: HealthMonitor | null;
  control: RunControl;
  coordinator: Coordinator;
  forwardRecords: (records: RequestRecord[] | undefined) => void;
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
  const settings = runSettings(o, p, mask);
  const log = (line: string) => process.stderr.write(`${mask.mask(line)}\n`);
  const segment = segmentRun(o, p, log);
  const inits = threadInits(o.workers, p, settings, mask, segment);
  const mainKit = new ThreadKit({ ...settings.thread, connections: 4 }, mask);
  const lifecycle = mainKit.iterations(p.scenario, undefined, 0, 1, log, () => {});
  const monitor = healthMonitor(o, p, settings);
  const control = new RunControl(lifecycle, segment);
  installRuntime({
    env: settings.env,
    recordCheck: (name, ok, tags) => mainKit.collector.recordCheck(name, ok, tags && Object.entries(tags)),
    abortTest: (reason) => {
      control.setupAbort ??= reason;
    },
  });
  const forwardRecords = recordForwarder(p.reporters, mask);
  const coordinator = new Coordinator(inits, coordinatorEvents({ p, mask, control, monitor, forwardRecords, log }), o.intervalMs);
  control.coordinator = coordinator;
  control.listen(o.handleSignals !== false);
  // setup(), teardown() and the scenario's top level run on this thread: their strays are errors too
  const releaseStrays = catchStrays(mainKit.collector, OWN_DIR);
  try {
    return await runPhases({ o, p, mask, settings, segment, mainKit, lifecycle, monitor, control, coordinator, forwardRecords });
  } finally {
    control.release();
    releaseStrays();
    await coordinator.terminate();
    await segment?.close();
    await monitor?.stop();
    await mainKit.close();
    await p.dispose();
  }
}

/** setup(), the load, teardown(), then the run's end (finish-run.ts). */
async function runPhases(r: ActiveRun): Promise<RunResult> {
  const { o, p, segment, coordinator, control, mainKit, monitor } = r;
  await segment?.session.checkIn();
  await coordinator.load();
  const data = await runSetup(r);
  if (control.setupAbort !== undefined) control.stop(`scenario: ${control.setupAbort}`);
  await segment?.session.waitForStart();
  segment?.session.watchAbort(control.stop);
  const startedAt = new Date();
  await announceStart(p, o.file, startedAt);
  r.forwardRecords(mainKit.takeRecords()); // setup's requests
  coordinator.observe(mainKit.serverless?.take()); // a worker setup() already used is not new to the load
  monitor?.start();
  segment?.session.loadStarts();
  if (control.signals === 0 && control.setupAbort === undefined) await coordinator.run(data);
  await monitor?.stop();
  const durationMs = coordinator.elapsedMs;
  const teardownError = await runTeardown(r, data);
  r.forwardRecords(mainKit.takeRecords()); // teardown's requests
  const { aborted, abortReason, badOption } = control;
  const parts = { coordinator, mainCollector: mainKit.collector, settings: r.settings, segment };
  return await finishRun(o, p, r.mask, parts, { startedAt, durationMs, aborted, abortReason, teardownError, badOption });
}

/** setup()'s data, which must survive structuredClone to reach the threads; abortTest() in setup() is no failure (exit 105). */
async function runSetup({ o, p, lifecycle, control }: ActiveRun): Promise<unknown> {
  let data: unknown;
  try {
    data = p.scenario.setup ? await p.scenario.setup(lifecycle.lifecycleContext('setup')) : undefined;
    structuredClone(data);
  } catch (err) {
    if (control.setupAbort === undefined)
      throw new ScenarioError(`${userLocation(err, process.cwd(), OWN_DIR) ?? o.file}: setup() failed: ${messageOf(err)}`);
  }
  return data;
}

/** teardown(), unless a second signal or abortTest() in setup() ended the run; its failure, masked (exit 107). */
async function runTeardown({ o, p, mask, lifecycle, control }: ActiveRun, data: unknown): Promise<string | undefined> {
  const { teardown } = p.scenario;
  if (!teardown || control.signals >= 2 || control.setupAbort !== undefined) return undefined;
  try {
    await teardown(lifecycle.lifecycleContext('teardown'), data);
    return undefined;
  } catch (err) {
    return mask.mask(`${userLocation(err, process.cwd(), OWN_DIR) ?? o.file}: teardown() failed: ${messageOf(err)}`);
  }
}

/** This process's segment of a distributed run (--segment/--store), or undefined. */
function segmentRun(o: RunOptions, p: Prepared, log: (line: string) => void): SegmentRun | undefined {
  if (!o.distributed) return undefined;
  const { scenario, plan, thresholds } = p;
  return new SegmentRun(
    o.distributed,
    {
      bundleUrl: p.bundleUrl,
      file: o.file,
      scenarioName: scenario.name,
      plan,
      thresholds,
      customTypes: p.customTypes,
      target: p.target,
      workers: o.workers,
      intervalMs: o.intervalMs ?? 1000,
      failUnmeasured: o.failUnmeasured !== false,
    },
    log,
  );
}

/** One init per worker thread; a segment's threads take their shares of every segment's threads (runner/distributed/segment-source.ts). */
function threadInits(threads: number, p: Prepared, settings: RunSettings, mask: SecretMask, segment: SegmentRun | undefined): WorkerInit[] {
  const { thread, gracefulStopMs } = settings;
  return Array.from({ length: threads }, (_, i) => {
    const share = segment ? segment.thread(i, threads) : { thread: i, threads };
    return {
      ...thread,
      bundleUrl: p.bundleUrl,
      plan: p.plan,
      ...share,
      gracefulStopMs,
      secrets: mask.values,
      shared: sharedData(),
      connections: Math.max(1, shareOf(thread.connections, share.thread, share.threads)),
    };
  });
}

/** The serverless health route sampled into timeline gauges, when the scenario has one and a target. */
function healthMonitor(o: RunOptions, p: Prepared, { serverless, headers }: RunSettings): HealthMonitor | null {
  if (!serverless?.monitor || !p.target) return null;
  return new HealthMonitor(new URL(serverless.monitor.route, p.target).href, serverless.monitor.everyMs ?? o.intervalMs ?? 1000, headers);
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

export { writeReports } from './finish-run.js';
