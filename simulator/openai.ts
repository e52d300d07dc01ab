// openai mode: an LLM server's OpenAI-compatible API behind the same balancer, cold starts
// and scaler as lb mode. A worker batches up to maxBatch sequences (continuous batching);
// more wait in the balancer's queue. Each sequence: prefill (∝ input tokens), then one token
// per decode step, whose duration grows with the sequences the worker is decoding now.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerHandle } from './clock.js';
import type { LlmCounters, SimContext } from './context.js';
import { sendJson } from './http-util.js';
import { BalancedRequest } from './balanced.js';
import {
  chunkObject,
  completionObject,
  errorObject,
  InvalidRequest,
  parseLlmRequest,
  sseEvent,
  tokenText,
  usageChunk,
  usageOf,
  type LlmRequest,
  type Route,
} from './openai-body.js';
import { drawRange, token } from './random.js';
import type { Assignment, Worker } from './workers.js';

export function newLlmCounters(): LlmCounters {
  return { completions: 0, streams: 0, inputTokens: 0, outputTokens: 0, abandoned: 0, invalid: 0 };
}

const ROUTES: Record<string, Route> = { '/v1/chat/completions': 'chat', '/v1/completions': 'completions' };

/** Simulated ms of one decode step on a worker decoding `batch` sequences. */
export function decodeStepMs(o: { decodeMs: number; decodeMsPerSeq: number }, batch: number): number {
  return o.decodeMs + o.decodeMsPerSeq * Math.max(0, batch - 1);
}

export function handleOpenAiRequest(ctx: SimContext, req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): void {
  const llm = (ctx.llm ??= newLlmCounters());
  const method = req.method ?? 'GET';
  if (path === '/v1/models') {
    if (method !== 'GET') return sendJson(res, 405, errorObject('use GET', 'invalid_request_error'));
    return sendJson(res, 200, {
      object: 'list',
      data: [{ id: ctx.opts.model, object: 'model', created: 0, owned_by: 'rampart-simulator', max_model_len: 32768 }],
    });
  }
  const route = ROUTES[path];
  if (!route) return sendJson(res, 404, errorObject(`no route ${path}`, 'invalid_request_error', null, 'not_found'));
  if (method !== 'POST') return sendJson(res, 405, errorObject('use POST', 'invalid_request_error'));
  let request: LlmRequest;
  try {
    const json = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
    request = parseLlmRequest(route, json, ctx.opts.model);
  } catch (err) {
    llm.invalid++;
    const message = err instanceof InvalidRequest ? err.message : 'the body is not valid JSON';
    return sendJson(res, 400, errorObject(message, 'invalid_request_error', err instanceof InvalidRequest ? err.param : null));
  }
  new Sequence(ctx, llm, req, res, request).serve();
}

/** One sequence: queued in the balancer (balanced.ts), then prefill and one decode step a token on a worker. */
class Sequence extends BalancedRequest {
  private readonly id: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly outputTokens: number;
  private worker: Worker | undefined;
  private firstTokenAt = 0;
  private produced = 0;
  private text = '';
  private tokenTimer: TimerHandle | undefined;

  constructor(
    ctx: SimContext,
    private readonly llm: LlmCounters,
    req: IncomingMessage,
    res: ServerResponse,
    private readonly r: LlmRequest,
  ) {
    super(ctx, req, res);
    this.id = `${r.route === 'chat' ? 'chatcmpl' : 'cmpl'}-${token(ctx.rng.ids, 12)}`;
    this.outputTokens = r.maxTokens ?? Math.round(drawRange(ctx.rng.tokens, ctx.opts.outputTokens));
  }

  /** the slot goes back to the worker exactly once */
  protected release(): void {
    this.ctx.clock.cancel(this.tokenTimer);
    if (this.worker) this.ctx.pool.finish(this.worker);
    this.worker = undefined;
  }

  /** gone mid-sequence: its slot is freed (vLLM aborts the request) */
  protected clientGone(): void {
    this.llm.abandoned++;
    this.release();
    this.end();
  }

  protected headers(): Record<string, string> {
    if (!this.assignment) return {};
    const { clock, opts } = this.ctx;
    const { r } = this;
    return {
      ...super.headers(),
      'x-sim-input-tokens': String(r.inputTokens),
      'x-sim-output-tokens': String(this.outputTokens),
      'x-sim-prefill-ms': String(Math.round(clock.real(r.inputTokens * opts.prefillMsPerToken))),
    };
  }

  /** what really happened to this sequence, real ms: sent as trailers after a stream, as headers otherwise */
  private timings(): Record<string, string> {
    const now = this.ctx.clock.now();
    return {
      'x-sim-ttft-ms': String(Math.round(this.firstTokenAt - this.arrivedAt)),
      'x-sim-tpot-ms': (this.produced > 1 ? (now - this.firstTokenAt) / (this.produced - 1) : 0).toFixed(2),
      'x-sim-exec-ms': String(Math.round(now - this.startedAt)),
    };
  }

  protected run(a: Assignment, fail: boolean): void {
    const { clock, opts } = this.ctx;
    const { r } = this;
    this.worker = a.worker;
    const prefill = r.inputTokens * opts.prefillMsPerToken;
    if (fail) {
      this.tokenTimer = clock.after(prefill, () => this.failAfterPrefill());
      return;
    }
    if (r.stream) {
      this.llm.streams++;
      this.res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        trailer: 'x-sim-ttft-ms, x-sim-tpot-ms, x-sim-exec-ms',
        ...this.headers(),
      });
      this.res.flushHeaders();
    }
    this.tokenTimer = clock.after(prefill, () => this.emit());
  }

  private failAfterPrefill(): void {
    this.release();
    this.end();
    this.ctx.counters.served++;
    this.ctx.counters.failed5xx++;
    sendJson(this.res, 500, errorObject('simulated handler failure', 'internal_server_error'), this.headers());
  }

  private emit(): void {
    const { clock } = this.ctx;
    const { r } = this;
    const i = this.produced++;
    const piece = tokenText(i);
    if (i === 0) this.firstTokenAt = clock.now();
    if (r.stream) this.res.write(sseEvent(chunkObject(r, this.id, this.created, piece, i === 0, null)));
    else this.text += piece;
    if (this.produced < this.outputTokens) {
      this.tokenTimer = clock.after(decodeStepMs(this.ctx.opts, this.worker?.active ?? 1), () => this.emit());
      return;
    }
    this.finish();
  }

  private finish(): void {
    const { r, res, id, created, llm } = this;
    this.release();
    this.end();
    this.ctx.counters.served++;
    llm.completions++;
    llm.inputTokens += r.inputTokens;
    llm.outputTokens += this.produced;
    const finishReason = r.maxTokens !== undefined ? 'length' : 'stop';
    const usage = usageOf(r.inputTokens, this.produced);
    if (!r.stream) {
      sendJson(res, 200, completionObject(r, id, created, this.text, finishReason, usage), { ...this.headers(), ...this.timings() });
      return;
    }
    res.write(sseEvent(chunkObject(r, id, created, null, false, finishReason)));
    if (r.includeUsage) res.write(sseEvent(usageChunk(r, id, created, usage)));
    res.write(sseEvent('[DONE]'));
    res.addTrailers(this.timings());
    res.end();
  }
}
