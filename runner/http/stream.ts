import type { Response, ResponseStream, StreamEvent, StreamOptions } from '../../scenarios/types.js';
import { msToUs } from '../metrics/hdr.js';
import type { CounterMetric, TrendMetric } from '../metrics/metric.js';
import type { TagList } from '../metrics/collector.js';
import type { HttpEngine, VuRef } from './client.js';
import { STOP_REASON } from './errors.js';
import { BadOptionError, checkRequestOptions } from './options.js';
import { StreamExchange } from './stream-exchange.js';

const FORMATS = ['sse', 'raw'];

/**
 * ctx.http.stream: starts the request at once and hands its events to a single reader. The
 * request is one http_reqs sample like any other (deadline, hard stop, error kinds); on top it
 * records http_stream_first_event, http_stream_event_gap and http_stream_events, tagged by name.
 */
export function openStream(
  engine: HttpEngine,
  vu: VuRef,
  method: string,
  url: string,
  options: StreamOptions | undefined,
  extra: unknown,
): ResponseStream {
  const { format = 'sse', ...rest } = (options ?? {}) as StreamOptions & Record<string, unknown>;
  checkStreamOptions(rest, format, extra);
  let exchange!: StreamExchange;
  const make = (_keep: boolean, timeoutMs: number) => {
    exchange = new StreamExchange(timeoutMs, format);
    return exchange;
  };
  let failure: unknown;
  // redirects: 0, the stream belongs to the one handler made here; a 3xx is answered as it is
  const response = engine.attemptWith(method, url, { ...rest, redirects: 0, retry: false }, vu, make).then(
    (res) => {
      recordStreamMetrics(engine, res.name, exchange);
      return res as Response;
    },
    (err: unknown) => {
      failure = err;
      exchange?.abort(STOP_REASON);
      throw err;
    },
  );
  response.catch(() => {}); // the reader sees the failure from next(); an unread stream must not be an unhandled rejection
  let read = 0;
  const next = async (): Promise<IteratorResult<StreamEvent>> => {
    if (failure === undefined && exchange) {
      const item = await exchange.next();
      if (item) {
        read++;
        return { value: item, done: false };
      }
    }
    if (failure !== undefined) throw failure;
    return { value: undefined, done: true };
  };
  const stop = async (): Promise<IteratorResult<StreamEvent>> => {
    exchange?.cancel();
    await response.catch(() => {});
    return { value: undefined, done: true };
  };
  return {
    response,
    get events() {
      return read;
    },
    [Symbol.asyncIterator]: () => ({ next, return: stop }),
  };
}

function checkStreamOptions(rest: Record<string, unknown>, format: unknown, extra: unknown): void {
  if (!FORMATS.includes(format as string)) throw new BadOptionError(`ctx.http.stream: format must be 'sse' or 'raw', got ${JSON.stringify(format)}`);
  for (const key of ['responseType', 'retry', 'redirects']) {
    if (key in rest) throw new BadOptionError(`ctx.http.stream: '${key}' does not apply to a stream (it is read once, as it arrives)`);
  }
  checkRequestOptions('stream', rest, extra !== undefined);
}

function recordStreamMetrics(engine: HttpEngine, name: string, exchange: StreamExchange | undefined): void {
  const times = exchange?.arrivals;
  if (!exchange || !times?.length) return;
  const c = engine.collector;
  const tags: TagList = [['name', name]];
  for (const m of c.tagged('http_stream_events', 'counter', tags, name)) (m as CounterMetric).add(times.length);
  for (const m of c.tagged('http_stream_first_event', 'trend', tags, name)) (m as TrendMetric).record(msToUs(times[0] - exchange.start));
  const gaps = c.tagged('http_stream_event_gap', 'trend', tags, name) as TrendMetric[];
  for (let i = 1; i < times.length; i++) {
    const us = msToUs(times[i] - times[i - 1]);
    for (const m of gaps) m.record(us);
  }
}
