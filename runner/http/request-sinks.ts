import type { HttpError, Tags } from '../../scenarios/types.js';
import type { Collector, RequestSink, TagList } from '../metrics/collector.js';
import { errorCode } from './errors.js';

/**
 * Finds the metrics a request feeds. The common request (no error, first attempt, no user
 * tags, expected as its status says) is looked up through nested maps by name, method, status
 * and stage, without building a tag list or a key string; anything else builds its tags once
 * per request. Every sample carries k6's `expected_response` tag, and `error_code` when it
 * failed or got a status of 400 or more.
 */
/** What tags a request's sample: the sink's key. */
interface SinkKey {
  name: string;
  method: string;
  status: number;
  stage: number;
  error?: HttpError;
  attempt: number;
  tags?: Tags;
  expected: boolean;
}

const MAX_NAMES = 200;
const OTHER_NAME = '(other)';

/** The `name` tags of a thread, at most MAX_NAMES: unbounded names would mean unbounded sub-metrics. */
export class RequestNames {
  private readonly names = new Set<string>();

  /** the request's name: its explicit one, else its path; '(other)' past the limit */
  of(path: string, explicit: string | undefined): string {
    const name = explicit ?? path;
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_NAMES) return OTHER_NAME;
    this.names.add(name);
    return name;
  }
}

export class RequestSinks {
  private readonly plain = new Map<string, Map<string, Map<number, Map<number, RequestSink>>>>();

  constructor(private readonly collector: Collector) {}

  find(
    name: string,
    method: string,
    status: number,
    stage: number,
    error: HttpError | undefined,
    attempt: number,
    tags: Tags | undefined,
    expected = status > 0 && status < 400,
  ): RequestSink {
    if (error === undefined && attempt === 1 && tags === undefined && expected === status < 400) {
      let byMethod = this.plain.get(name);
      if (!byMethod) this.plain.set(name, (byMethod = new Map()));
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map()));
      let byStage = byStatus.get(status);
      if (!byStage) byStatus.set(status, (byStage = new Map()));
      let sink = byStage.get(stage);
      if (!sink) byStage.set(stage, (sink = this.build({ name, method, status, stage, attempt: 1, expected })));
      return sink;
    }
    return this.build({ name, method, status, stage, error, attempt, tags, expected });
  }

  private build({ name, method, status, stage, error, attempt, tags, expected }: SinkKey): RequestSink {
    const list: TagList = [
      ['name', name],
      ['method', method],
      ['status', String(status)],
      ['stage', String(stage)],
    ];
    if (error) list.push(['error', error.kind]);
    list.push(['expected_response', String(expected)]);
    const code = errorCode(error, status);
    if (code) list.push(['error_code', code]);
    if (attempt > 1) list.push(['retry', 'true']);
    if (tags) for (const k of Object.keys(tags)) list.push([k, String(tags[k])]);
    return this.collector.requestSink(list);
  }
}
