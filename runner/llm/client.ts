import type { HttpClient, Llm, LlmCallOptions, LlmResult, Response } from '../../scenarios/types.js';
import type { Collector, TagList } from '../metrics/collector.js';
import { msToUs } from '../metrics/hdr.js';
import type { CounterMetric, RateMetric, TrendMetric } from '../metrics/metric.js';
import { tagSetKey } from '../metrics/names.js';
import { BadOptionError } from '../http/options.js';
import type { LlmSettings } from './options.js';
import { errorMessageOf, readWhole, StreamReading, type Reading } from './read.js';

/** The llm_* metrics of one name tag, looked up once. */
interface LlmSink {
  ttft: TrendMetric[];
  itl: TrendMetric[];
  tpot: TrendMetric[];
  e2e: TrendMetric[];
  input: CounterMetric[];
  output: CounterMetric[];
  requests: CounterMetric[];
  failed: RateMetric[];
  goodput: RateMetric[];
}

const BODY_FAULT_KINDS = new Set(['malformed', 'stream-error', 'incomplete']);

/**
 * ctx.llm for one VU: the request goes through ctx.http (stream or plain), so deadlines, the
 * hard stop and http_req_* behave as for any request; on top it records the llm_* metrics of
 * docs/llm.md. Latency metrics and tokens come from successful requests only (as vLLM's
 * benchmark); every request counts in llm_requests, llm_failed and llm_goodput. A request cut
 * by the run's hard stop is not counted (its iteration is interrupted).
 */
export function llmClient(http: HttpClient, collector: Collector, settings: LlmSettings, vu?: { stage: number }): Llm {
  const sinks = new Map<string, LlmSink>();
  const sinkFor = (name: string, tags: Record<string, string> | undefined): LlmSink => {
    // the stage tag, as on http_req_*: a sweep reads each step's llm_goodput{stage:N}
    const stage: TagList = vu ? [['stage', String(vu.stage)]] : [];
    const list: TagList = [['name', name], ...stage, ...Object.entries(tags ?? {})];
    const key = tagSetKey(list);
    let sink = sinks.get(key);
    if (!sink) {
      const get = <T>(metric: string, type: 'trend' | 'counter' | 'rate') => collector.tagged(metric, type, list, key) as T[];
      sink = {
        ttft: get('llm_ttft', 'trend'),
        itl: get('llm_itl', 'trend'),
        tpot: get('llm_tpot', 'trend'),
        e2e: get('llm_e2e', 'trend'),
        input: get('llm_input_tokens', 'counter'),
        output: get('llm_output_tokens', 'counter'),
        requests: get('llm_requests', 'counter'),
        failed: get('llm_failed', 'rate'),
        goodput: get('llm_goodput', 'rate'),
      };
      sinks.set(key, sink);
    }
    return sink;
  };

  const call = async (
    api: 'chat' | 'complete',
    path: string,
    body: Record<string, unknown>,
    options: LlmCallOptions | undefined,
  ): Promise<LlmResult> => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadOptionError(
        `ctx.llm.${api}: the body must be an OpenAI request object such as { model, ${api === 'chat' ? 'messages' : 'prompt'}, max_tokens, stream }`,
      );
    }
    if (!settings.baseURL) throw new BadOptionError(`ctx.llm.${api}: no base URL: give the scenario a target or llm: { baseURL }`);
    const streamed = body.stream === true;
    const json: Record<string, unknown> = { ...body };
    if (json.model === undefined && settings.model !== undefined) json.model = settings.model;
    // usage in a stream only comes when asked for: it is the ground truth of the token counts
    if (streamed && json.stream_options === undefined) json.stream_options = { include_usage: true };
    const request = {
      json,
      headers: options?.headers ? { ...settings.headers, ...options.headers } : settings.headers,
      name: options?.name,
      tags: options?.tags,
      timeout: options?.timeout,
    };
    const url = `${settings.baseURL}${path}`;
    let reading: Reading;
    let res: Response;
    if (streamed) {
      const stream = http.stream('POST', url, request);
      const r = new StreamReading();
      for await (const ev of stream) r.take(ev);
      res = await stream.response;
      if (res.status >= 200 && res.status < 300 && !res.error) r.finish();
      reading = r;
    } else {
      res = await http.post(url, request);
      reading = res.ok ? readWhole(res.body) : { text: '', tokenTimes: [], sawDone: false };
    }
    return measure(res, reading, streamed, options);
  };

  const measure = (res: Response, reading: Reading, streamed: boolean, options: LlmCallOptions | undefined): LlmResult => {
    const tokens = reading.tokenTimes;
    let error: LlmResult['error'];
    if (res.error) error = { kind: res.error.kind, message: res.error.message };
    else if (!res.ok) error = { kind: 'http', message: errorMessageOf(res.status, res.body) };
    else if (reading.fault) error = reading.fault;
    const ok = error === undefined;
    const outputTokens = reading.outputTokens ?? tokens.length;
    const ttft = streamed && tokens.length ? tokens[0] : undefined;
    const e2e = streamed ? (tokens.length ? tokens[tokens.length - 1] : res.timings.duration) : res.timings.duration;
    const tpot = ttft !== undefined && outputTokens > 1 ? (e2e - ttft) / (outputTokens - 1) : undefined;
    const itl: number[] = [];
    for (let i = 1; i < tokens.length; i++) itl.push(tokens[i] - tokens[i - 1]);
    const { slo } = settings;
    // vLLM's rule: every SLO given must hold; a non-streamed answer's first token is seen at its end
    const good =
      ok &&
      (slo.ttft === undefined || (ttft ?? e2e) <= slo.ttft) &&
      (slo.tpot === undefined || (tpot ?? 0) <= slo.tpot) &&
      (slo.e2e === undefined || e2e <= slo.e2e);
    const result: LlmResult = {
      ok,
      status: res.status,
      error,
      text: reading.text,
      finishReason: reading.finishReason,
      streamed,
      inputTokens: reading.inputTokens,
      outputTokens,
      estimated: reading.outputTokens === undefined,
      ttft,
      tpot,
      e2e,
      itl,
      good,
      response: res,
    };
    if (res.error?.code === 'RAMPART_STOPPED') return result;
    const sink = sinkFor(res.name, options?.tags);
    for (const m of sink.requests) m.add();
    for (const m of sink.failed) m.add(!ok);
    for (const m of sink.goodput) m.add(good);
    if (error && BODY_FAULT_KINDS.has(error.kind))
      collector.recordError({ kind: error.kind, message: `${res.method} ${res.name}: ${error.message}` });
    if (!ok) return result;
    if (ttft !== undefined) for (const m of sink.ttft) m.record(msToUs(ttft));
    if (tpot !== undefined) for (const m of sink.tpot) m.record(msToUs(tpot));
    for (const m of sink.e2e) m.record(msToUs(e2e));
    for (const gap of itl) {
      const us = msToUs(gap);
      for (const m of sink.itl) m.record(us);
    }
    if (reading.inputTokens !== undefined) for (const m of sink.input) m.add(reading.inputTokens);
    for (const m of sink.output) m.add(outputTokens);
    return result;
  };

  return {
    chat: (body, options) => call('chat', '/chat/completions', body, options),
    complete: (body, options) => call('complete', '/completions', body, options),
  };
}
