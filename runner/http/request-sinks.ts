import type { Tags } from '../../scenarios/types.js';
import type { Collector, RequestSink, TagList } from '../metrics/collector.js';

/**
 * Finds the metrics a request feeds. The common request (no error, first attempt, no user
 * tags) is looked up through nested maps by name, method, status and stage, without building
 * a tag list or a key string; anything else builds its tags once per request.
 */
export class RequestSinks {
  private readonly plain = new Map<string, Map<string, Map<number, Map<number, RequestSink>>>>();

  constructor(private readonly collector: Collector) {}

  find(name: string, method: string, status: number, stage: number, errorKind: string | undefined, attempt: number, tags: Tags | undefined): RequestSink {
    if (errorKind === undefined && attempt === 1 && tags === undefined) {
      let byMethod = this.plain.get(name);
      if (!byMethod) this.plain.set(name, (byMethod = new Map()));
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map()));
      let byStage = byStatus.get(status);
      if (!byStage) byStatus.set(status, (byStage = new Map()));
      let sink = byStage.get(stage);
      if (!sink) byStage.set(stage, (sink = this.build(name, method, status, stage, undefined, 1, undefined)));
      return sink;
    }
    return this.build(name, method, status, stage, errorKind, attempt, tags);
  }

  private build(name: string, method: string, status: number, stage: number, errorKind: string | undefined, attempt: number, tags: Tags | undefined): RequestSink {
    const list: TagList = [['name', name], ['method', method], ['status', String(status)], ['stage', String(stage)]];
    if (errorKind) list.push(['error', errorKind]);
    if (attempt > 1) list.push(['retry', 'true']);
    if (tags) for (const k of Object.keys(tags)) list.push([k, String(tags[k])]);
    return this.collector.requestSink(list, list.map((t) => `${t[0]}=${t[1]}`).join('\u0001'));
  }
}
