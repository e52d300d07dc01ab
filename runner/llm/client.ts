import type { HttpClient, Llm, LlmCallOptions, LlmResult, RequestOptions, Response } from '../../scenarios/types.js';
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
  const sinkFor = llmSinks(collector, vu);
  const call = async (api: Api, path: string, body: Record<string, unknown>, options: LlmCallOptions | undefined): Promise<LlmResult> => {
    const streamed = body?.stream === true;
    const request = llmRequest(api, body, settings, options);
    const url = `${settings.baseURL}${path}`;
    const { res, reading } = streamed ? await readStream(http, url, request) : await readPlain(http, url, request);
    const result = resultOf(res, reading, streamed, settings.slo);
    if (res.error?.code !== 'RAMPART_STOPPED') recordResult(sinkFor(res.name, options?.tags), collector, result);
    return result;
  };
  return {
    chat: (body, options) => call('chat', '/chat/completions', body, options),
    complete: (body, options) => call('complete', '/completions', body, options),
  };
}

type Api = 'chat' | 'complete';

/** The llm_* metrics of each name tag (and the VU's stage), looked up once. */
function llmSinks(collector: Collector, vu: { stage: number } | undefined): (name: string, tags: Record<string, string> | undefined) => LlmSink {
  const sinks = new Map<string, LlmSink>();
  return (name, tags) => {
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
}

/** The ctx.http options of an OpenAI request: the body checked, the default model and stream usage added. */
function llmRequest(api: Api, body: Record<string, unknown>, settings: LlmSettings, options: LlmCallOptions | undefined): RequestOptions {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadOptionError(
      `ctx.llm.${api}: the body must be an OpenAI request object such as { model, ${api === 'chat' ? 'messages' : 'prompt'}, max_tokens, stream }`,
    );
  }
  if (!settings.baseURL) throw new BadOptionError(`ctx.llm.${api}: no base URL: give the scenario a target or llm: { baseURL }`);
  const json: Record<string, unknown> = { ...body };
  if (json.model === undefined && settings.model !== undefined) json.model = settings.model;
  // usage in a stream only comes when asked for: it is the ground truth of the token counts
  if (body.stream === true && json.stream_options === undefined) json.stream_options = { include_usage: true };
  return {
    json,
    headers: options?.headers ? { ...settings.headers, ...options.headers } : settings.headers,
    name: options?.name,
    tags: options?.tags,
    timeout: options?.timeout,
  };
}

async function readStream(http: HttpClient, url: string, request: RequestOptions): Promise<{ res: Response; reading: Reading }> {
  const stream = http.stream('POST', url, request);
  const reading = new StreamReading();
  for await (const ev of stream) reading.take(ev);
  const res = await stream.response;
  if (res.status >= 200 && res.status < 300 && !res.error) reading.finish();
  return { res, reading };
}

async function readPlain(http: HttpClient, url: string, request: RequestOptions): Promise<{ res: Response; reading: Reading }> {
  const res = await http.post(url, request);
  return { res, reading: res.ok ? readWhole(res.body) : { text: '', tokenTimes: [], sawDone: false } };
}

/** What ctx.llm answers: the error, the token timings and whether every SLO held. */
function resultOf(res: Response, reading: Reading, streamed: boolean, slo: LlmSettings['slo']): LlmResult {
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
  // vLLM's rule: every SLO given must hold; a non-streamed answer's first token is seen at its end
  const good =
    ok &&
    (slo.ttft === undefined || (ttft ?? e2e) <= slo.ttft) &&
    (slo.tpot === undefined || (tpot ?? 0) <= slo.tpot) &&
    (slo.e2e === undefined || e2e <= slo.e2e);
  const { text, finishReason, inputTokens } = reading;
  const estimated = reading.outputTokens === undefined;
  return {
    ok,
    status: res.status,
    error,
    text,
    finishReason,
    streamed,
    inputTokens,
    outputTokens,
    estimated,
    ttft,
    tpot,
    e2e,
    itl,
    good,
    response: res,
  };
}

function recordResult(sink: LlmSink, collector: Collector, r: LlmResult): void {
  const { error, response: res } = r;
  for (const m of sink.requests) m.add();
  for (const m of sink.failed) m.add(!r.ok);
  for (const m of sink.goodput) m.add(r.good);
  if (error && BODY_FAULT_KINDS.has(error.kind)) collector.recordError({ kind: error.kind, message: `${res.method} ${res.name}: ${error.message}` });
  if (!r.ok) return;
  if (r.ttft !== undefined) for (const m of sink.ttft) m.record(msToUs(r.ttft));
  if (r.tpot !== undefined) for (const m of sink.tpot) m.record(msToUs(r.tpot));
  for (const m of sink.e2e) m.record(msToUs(r.e2e));
  for (const gap of r.itl) {
    const us = msToUs(gap);
    for (const m of sink.itl) m.record(us);
  }
  if (r.inputTokens !== undefined) for (const m of sink.input) m.add(r.inputTokens);
  for (const m of sink.output) m.add(r.outputTokens);
}
