import type { RetryOptions, S3Options, ScenarioDefinition } from '../../scenarios/types.js';
import type { ConnectionSettings } from '../http/tls.js';
import { buildConnector } from '../http/undici.js';
import { HttpEngine } from '../http/client.js';
import { closeSpares, openSpares } from '../http/warm-pool.js';
import { warmCode } from '../http/warm-code.js';
import { poolLimit } from '../plan/pool.js';
import { learnCredentials, type ClientFeatures } from '../http/features.js';
import { Collector } from '../metrics/collector.js';
import type { MetricType, RequestRecord } from '../results/types.js';
import { lazyS3Helper } from '../s3/lazy.js';
import type { ResolvedServerless } from '../serverless/options.js';
import { ServerlessRuntime } from '../serverless/runtime.js';
import { Iterations } from './iterations.js';
import type { SecretMask } from '../secrets.js';

/** What a thread needs to run scenario code: plain data, the same for workers and the main thread. */
export interface ThreadConfig {
  env: Record<string, string | undefined>;
  target?: string;
  timeoutMs: number;
  headers: Record<string, string>;
  /** this thread's share of http.connections, else of the plan's pool size (one per VU): what warm-up opens */
  connections: number;
  /** requests a VU may have in flight per origin: the HTTP pool holds connections × this (runner/plan/pool.ts) */
  inFlightPerVu?: number;
  tls: ConnectionSettings;
  retry?: RetryOptions | false;
  /** redirects, compression, cookies and basic auth (scenario http options) */
  features?: ClientFeatures;
  trackedKeys: string[];
  customTypes: Record<string, MetricType>;
  serverless: ResolvedServerless | null;
  s3: S3Options;
  ownDir: string;
  /** gather one record per request (for --out ndjson) */
  recordRequests: boolean;
  /** open the pool's connections before the load (http.warmup; by default when a stage is open-model) */
  warmup?: boolean;
}

/** A collector and the serverless runtime that feeds it, as a thread's config asks for: the thread's own, or warm-up's. */
function measurement(config: ThreadConfig): { collector: Collector; serverless: ServerlessRuntime | null } {
  const collector = new Collector(config.trackedKeys, config.customTypes);
  return { collector, serverless: config.serverless ? new ServerlessRuntime(config.serverless, collector) : null };
}

/** One thread's collector, HTTP engine, serverless runtime and S3 helper, wired together. */
export class ThreadKit {
  readonly collector: Collector;
  private engine: HttpEngine | undefined;
  readonly serverless: ServerlessRuntime | null;
  private readonly s3 = (): ReturnType<typeof lazyS3Helper> =>
    (this.s3Helper ??= lazyS3Helper({ ...this.config.s3, maxSockets: this.config.connections }, this.collector, this.config.env, this.mask));
  private s3Helper: ReturnType<typeof lazyS3Helper> | undefined;

  /** per-request records since the last take(), when config.recordRequests */
  private records: RequestRecord[] = [];

  constructor(
    private readonly config: ThreadConfig,
    private readonly mask?: SecretMask,
  ) {
    ({ collector: this.collector, serverless: this.serverless } = measurement(config));
    // the run's credentials (default headers, basic auth) join the mask now, not with the first
    // client: the main thread makes one only for setup() and teardown()
    if (mask) learnCredentials(config.headers, config.features, mask);
  }

  /** The thread's HTTP engine, made on first use: the main thread needs one only for setup() and teardown(). */
  get http(): HttpEngine {
    return (this.engine ??= this.newEngine(this.config.target, this.collector, this.recordInto(), this.serverless, this.config.connections));
  }

  /** Where the engine's per-request records go (ndjson output), or none. */
  private recordInto(): ((r: RequestRecord) => void) | undefined {
    return this.config.recordRequests ? (r) => this.records.push(r) : undefined;
  }

  /** An engine with the run's options; warm-up makes one aimed at its own server, with a collector of its own. */
  private newEngine(
    target: string | undefined,
    collector: Collector,
    record: ((r: RequestRecord) => void) | undefined,
    serverless: ServerlessRuntime | null,
    connections: number,
  ): HttpEngine {
    const { config } = this;
    const engine = new HttpEngine({
      collector,
      target,
      timeoutMs: config.timeoutMs,
      headers: config.headers,
      connections: Math.max(1, connections),
      fanOutConnections: poolLimit(config) - Math.max(1, config.connections),
      tls: config.tls,
      retry: config.retry,
      features: config.features,
      mask: this.mask,
      record,
    });
    if (serverless) engine.observer = (res) => serverless.observe(res);
    return engine;
  }

  /** The request records gathered since the last call (ndjson output). */
  takeRecords(): RequestRecord[] | undefined {
    if (!this.records.length) return undefined;
    const out = this.records;
    this.records = [];
    return out;
  }

  iterations(
    scenario: ScenarioDefinition,
    data: unknown,
    thread: number,
    threads: number,
    log: (line: string) => void,
    onAbortTest: (reason: string) => void,
  ): Iterations {
    const kit = this;
    return new Iterations({
      scenario,
      data,
      get http() {
        return kit.http;
      },
      target: this.config.target,
      collector: this.collector,
      env: this.config.env,
      thread,
      threads,
      log,
      onAbortTest,
      ownDir: this.config.ownDir,
      serverless: this.serverless,
      s3: this.s3,
    });
  }

  /**
   * Before t=0: runs the request path against a server of this thread's own until V8 has
   * compiled it (warm-code.ts), then opens this thread's share of connections to the target's
   * origin (warm-pool.ts), so an open-model stage neither interprets nor connects under load.
   * Nothing is sent to the target, counted or timed. One connection per VU of the plan's peak,
   * not the fan-out room the pool has (inFlightPerVu).
   */
  async warmUp(): Promise<void> {
    const { config } = this;
    if (config.warmup === false || !config.target) return;
    // the run's engine first: the objects it makes at t=0 would otherwise change what V8 compiled
    void this.http;
    const { allowH2, ...tls } = config.tls ?? { allowH2: false };
    const connect = buildConnector({ ...tls, allowH2 });
    const drop = config.recordRequests ? () => {} : undefined;
    // everything the run's engine has, each of the warm-up's own, thrown away after it
    const engineFor = (url: string, connections: number) => {
      const { collector, serverless } = measurement(config);
      return this.newEngine(url, collector, drop, serverless, connections);
    };
    await warmCode(engineFor, connect);
    // HTTP/2 multiplexes on one connection; HTTP/1.1 needs one per request in flight
    await openSpares(config.target, allowH2 ? 1 : config.connections, connect);
  }

  async close(): Promise<void> {
    await this.s3Helper?.close();
    await this.engine?.close();
    closeSpares();
  }
}
