import type { CheckSummary, ErrorGroup, MetricType } from '../results/types.js';
import { BUILTIN_METRICS, parseMetricKey, subMetricKey, tagSetKey } from './names.js';
import { CounterMetric, createMetric, GaugeMetric, RateMetric, TrendMetric, type Metric, type SerializedMetric } from './metric.js';

/** What one thread measured over one interval (or, merged, over the whole run). Plain data. */
export interface Snapshot {
  metrics: Record<string, SerializedMetric>;
  /**
   * Samples recorded once per tag combination; the merge adds each into every metric key it
   * `feeds` (the base metric, one sub-metric per tag, the thresholds' multi-tag keys).
   */
  series?: { feeds: string[]; data: SerializedMetric }[];
  checks: Record<string, CheckSummary>;
  errors: ErrorGroup[];
}

/**
 * One tag combination's samples of a trend, counter or rate, recorded once per sample; the
 * base metric and its sub-metrics are derived from it when a snapshot is merged, so a sample
 * costs one histogram record, not one per sub-metric.
 */
interface Series {
  feeds: string[];
  metric: Metric;
}

/** distinct error groups kept per collector; later distinct ones are counted under '(other messages)' */
export const MAX_ERROR_GROUPS = 500;
const OTHER_ERRORS = `(other messages: more than ${MAX_ERROR_GROUPS} distinct errors)`;

export type TagList = [string, string][];

/** The series one kind of request feeds, looked up once per tag combination. */
export interface RequestSink {
  duration: TrendMetric;
  reqs: CounterMetric;
  failed: RateMetric;
}

/**
 * Holds every metric of one thread by key ('http_req_duration', 'http_req_duration{name:submit}').
 * A sub-metric exists for each single tag of a sample, and for each multi-tag key a threshold
 * names (`tracked`). Tagged trends, counters and rates are recorded as series (one per tag
 * combination) and fanned out to those keys by `merge`/`absorb`: a thread's collector holds
 * series, the main thread's (interval, cumulative) hold keys.
 */
export class Collector {
  readonly metrics = new Map<string, Metric>();
  readonly checks = new Map<string, CheckSummary>();
  readonly errors = new Map<string, ErrorGroup>();
  private readonly sinks = new Map<string, RequestSink>();
  private readonly lists = new Map<string, Metric[]>();
  private readonly series: Series[] = [];
  private readonly keyTypes = new Map<string, MetricType>();
  private readonly tracked: { key: string; name: string; tags: TagList }[] = [];
  private readonly types: Record<string, MetricType>;
  private checksRate: RateMetric | undefined;

  // the untagged request metrics, resolved once for the hot path
  readonly waiting: TrendMetric;
  readonly connecting: TrendMetric;
  readonly tlsHandshaking: TrendMetric;
  readonly sending: TrendMetric;
  readonly blocked: TrendMetric;
  readonly receiving: TrendMetric;
  readonly dataSent: CounterMetric;
  readonly dataReceived: CounterMetric;

  constructor(trackedKeys: string[] = [], customTypes: Record<string, MetricType> = {}) {
    this.types = { ...BUILTIN_METRICS, ...customTypes };
    for (const key of trackedKeys) {
      const parsed = parseMetricKey(key);
      if (parsed && parsed.tags.length > 1) this.tracked.push({ key, name: parsed.name, tags: parsed.tags });
    }
    this.waiting = this.get('http_req_waiting', 'trend') as TrendMetric;
    this.connecting = this.get('http_req_connecting', 'trend') as TrendMetric;
    this.tlsHandshaking = this.get('http_req_tls_handshaking', 'trend') as TrendMetric;
    this.sending = this.get('http_req_sending', 'trend') as TrendMetric;
    this.blocked = this.get('http_req_blocked', 'trend') as TrendMetric;
    this.receiving = this.get('http_req_receiving', 'trend') as TrendMetric;
    this.dataSent = this.get('data_sent', 'counter') as CounterMetric;
    this.dataReceived = this.get('data_received', 'counter') as CounterMetric;
  }

  typeOf(name: string): MetricType | undefined {
    return this.types[name];
  }

  /** The metric at `key`, created with `type` the first time. */
  get(key: string, type: MetricType): Metric {
    let m = this.metrics.get(key);
    if (!m) {
      this.checkType(key, type);
      m = createMetric(type);
      this.metrics.set(key, m);
    } else if (m.type !== type) {
      throw new TypeError(`metric ${key} is a ${m.type}, not a ${type}`);
    }
    return m;
  }

  /** One type per key, whether the key is held or fed by a series (a custom metric used two ways is a mistake). */
  private checkType(key: string, type: MetricType): void {
    const known = this.keyTypes.get(key);
    if (known === undefined) this.keyTypes.set(key, type);
    else if (known !== type) throw new TypeError(`metric ${key} is a ${known}, not a ${type}`);
  }

  trend(key: string): TrendMetric {
    return this.get(key, 'trend') as TrendMetric;
  }
  counter(key: string): CounterMetric {
    return this.get(key, 'counter') as CounterMetric;
  }
  rate(key: string): RateMetric {
    return this.get(key, 'rate') as RateMetric;
  }
  gauge(key: string): GaugeMetric {
    return this.get(key, 'gauge') as GaugeMetric;
  }

  /**
   * Tags a sample of stage N carries besides `stage:N` (its workload's), by N; set by the engine.
   * Added where a tag list is resolved (once per combination), so the hot path does not pay.
   */
  stageTags: TagList[] = [];

  /**
   * What a sample with these tags records into (cached by tagKey): one series for a trend,
   * counter or rate (fanned out when merged); the base gauge and its sub-gauges for a gauge,
   * whose last value cannot be derived from a combination's.
   */
  tagged(name: string, type: MetricType, tags: TagList, tagKey = tagSetKey(tags)): Metric[] {
    const cacheKey = `${name}\u0000${tagKey}`;
    let list = this.lists.get(cacheKey);
    if (!list) {
      const feeds = this.keysFed(name, type, tags);
      if (type === 'gauge') list = feeds.map((key) => this.get(key, type));
      else {
        const metric = createMetric(type);
        this.series.push({ feeds, metric });
        list = [metric];
      }
      this.lists.set(cacheKey, list);
    }
    return list;
  }

  /** The keys a sample with these tags counts in: the base metric, a sub-metric per tag, tracked keys. */
  private keysFed(name: string, type: MetricType, tags: TagList): string[] {
    const stage = this.stageTags.length ? tags.find(([k]) => k === 'stage') : undefined;
    const extra = stage ? this.stageTags[Number(stage[1])] : undefined;
    if (extra?.length) tags = [...tags, ...extra];
    const keys = [name];
    for (const [tag, value] of tags) keys.push(subMetricKey(name, tag, value));
    for (const t of this.tracked) {
      if (t.name === name && t.tags.every(([k, v]) => tags.some(([k2, v2]) => k === k2 && v === v2))) keys.push(t.key);
    }
    for (const key of keys) this.checkType(key, type);
    return keys;
  }

  /** The metrics a request with these tags feeds (cached by tagKey). */
  requestSink(tags: TagList, tagKey = tagSetKey(tags)): RequestSink {
    let sink = this.sinks.get(tagKey);
    if (!sink) {
      sink = {
        duration: this.tagged('http_req_duration', 'trend', tags, tagKey)[0] as TrendMetric,
        reqs: this.tagged('http_reqs', 'counter', tags, tagKey)[0] as CounterMetric,
        failed: this.tagged('http_req_failed', 'rate', tags, tagKey)[0] as RateMetric,
      };
      this.sinks.set(tagKey, sink);
    }
    return sink;
  }

  /** One request's measurements (durations in whole µs) into its sink and the untagged phase trends. */
  recordRequest(
    sink: RequestSink,
    durationUs: number,
    waitingUs: number,
    connectingUs: number,
    tlsUs: number,
    sendingUs: number,
    blockedUs: number,
    receivingUs: number,
    failed: boolean,
    sent: number,
    received: number,
  ): void {
    sink.duration.record(durationUs);
    sink.reqs.count++;
    sink.failed.add(failed);
    this.waiting.record(waitingUs);
    this.connecting.record(connectingUs);
    this.tlsHandshaking.record(tlsUs);
    this.sending.record(sendingUs);
    this.blocked.record(blockedUs);
    this.receiving.record(receivingUs);
    this.dataSent.count += sent;
    this.dataReceived.count += received;
  }

  recordCheck(name: string, ok: boolean, tags?: TagList): void {
    let c = this.checks.get(name);
    if (!c) this.checks.set(name, (c = { passes: 0, fails: 0 }));
    if (ok) c.passes++;
    else c.fails++;
    if (!tags?.length) {
      (this.checksRate ??= this.rate('checks')).add(ok); // the common case: no key to build
      return;
    }
    const list = this.tagged('checks', 'rate', tags);
    for (const m of list) (m as RateMetric).add(ok);
  }

  recordError(group: Omit<ErrorGroup, 'count'>, n = 1): void {
    const errorKey = (g: Omit<ErrorGroup, 'count'>) => `${g.kind}\u0000${g.status ?? ''}\u0000${g.message}\u0000${g.location ?? ''}`;
    let key = errorKey(group);
    if (!this.errors.has(key) && this.errors.size >= MAX_ERROR_GROUPS) {
      // messages with an id or a time in them would grow without bound: the rest share one group per kind
      group = { kind: group.kind, status: group.status, message: OTHER_ERRORS };
      key = errorKey(group);
    }
    const e = this.errors.get(key);
    if (!e) this.errors.set(key, { ...group, count: n });
    else {
      e.count += n;
      if (e.sample === undefined && group.sample !== undefined) e.sample = group.sample;
    }
  }

  /** Plain data of everything recorded (non-empty metrics and series only). */
  snapshot(): Snapshot {
    const metrics: Record<string, SerializedMetric> = {};
    for (const [key, m] of this.metrics) if (!m.empty) metrics[key] = m.serialize();
    const series: NonNullable<Snapshot['series']> = [];
    for (const s of this.series) if (!s.metric.empty) series.push({ feeds: s.feeds, data: s.metric.serialize() });
    const checks: Record<string, CheckSummary> = {};
    for (const [name, c] of this.checks) checks[name] = { ...c };
    return { metrics, series, checks, errors: [...this.errors.values()].map((e) => ({ ...e })) };
  }

  /** Empties every metric but keeps them (and the caches) for the next interval. */
  reset(): void {
    for (const m of this.metrics.values()) m.reset();
    for (const s of this.series) s.metric.reset();
    this.checks.clear();
    this.errors.clear();
  }

  /** Adds everything another collector of this thread holds, its series fanned out to their keys. */
  absorb(other: Collector): void {
    for (const [key, m] of other.metrics) if (!m.empty) this.get(key, m.type).absorb(m);
    for (const s of other.series) {
      if (s.metric.empty) continue;
      for (const key of s.feeds) this.get(key, s.metric.type).absorb(s.metric);
    }
    this.addChecksAndErrors(other.checks, other.errors.values());
  }

  merge(snap: Snapshot): void {
    for (const [key, data] of Object.entries(snap.metrics)) this.get(key, data.type).merge(data);
    for (const { feeds, data } of snap.series ?? []) {
      // a compressed histogram is decoded once, then added to each key it feeds; bins are added as they are
      const once = data.type === 'trend' && data.hdr !== undefined ? TrendMetric.from(data) : undefined;
      for (const key of feeds) {
        const m = this.get(key, data.type);
        if (once) m.absorb(once);
        else m.merge(data);
      }
    }
    this.addChecksAndErrors(Object.entries(snap.checks), snap.errors);
  }

  private addChecksAndErrors(checks: Iterable<[string, CheckSummary]>, errors: Iterable<ErrorGroup>): void {
    for (const [name, c] of checks) {
      const mine = this.checks.get(name);
      if (mine) {
        mine.passes += c.passes;
        mine.fails += c.fails;
      } else this.checks.set(name, { ...c });
    }
    for (const e of errors) {
      const { count, ...group } = e;
      this.recordError(group, count);
    }
  }
}
