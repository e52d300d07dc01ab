// openai mode: an LLM server's OpenAI-compatible API behind the same balancer, cold starts
// and scaler as lb mode. A worker batches up to maxBatch sequences (continuous batching);
// more wait in the balancer's queue. Each sequence: prefill (∝ input tokens), then one token
// per decode step, whose duration grows with the sequences the worker is decoding now.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerHandle } from './clock.js';
import type { LlmCounters, SimContext } from './context.js';
import { groundTruthHeaders, sendJson } from './http-util.js';
import { QUEUE_TIMEOUT_BODY, REQUEST_MAX_BODY } from './lb.js';
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
import type { Assignment, Worker, WorkItem } from './workers.js';

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
  serveSequence(ctx, llm, req, res, request);
}

function serveSequence(ctx: SimContext, llm: LlmCounters, req: IncomingMessage, res: ServerResponse, r: LlmRequest): void {
  const { clock, pool, opts, counters } = ctx;
  const arrivedAt = clock.now();
  const id = `${r.route === 'chat' ? 'chatcmpl' : 'cmpl'}-${token(ctx.rng.ids, 12)}`;
  const created = Math.floor(Date.now() / 1000);
  const outputTokens = r.maxTokens ?? Math.round(drawRange(ctx.rng.tokens, opts.outputTokens));
  let phase: 'queued' | 'running' | 'answered' = 'queued';
  let worker: Worker | undefined;
  let assignment: Assignment | undefined;
  let startedAt = 0;
  let firstTokenAt = 0;
  let produced = 0;
  let text = '';
  let tokenTimer: TimerHandle | undefined;
  let queueTimer: TimerHandle | undefined;

  /** the slot goes back to the worker exactly once */
  const release = () => {
    clock.cancel(tokenTimer);
    if (worker) pool.finish(worker);
    worker = undefined;
  };
  const end = () => {
    phase = 'answered';
    clock.cancel(queueTimer);
    clock.cancel(maxTimer);
  };
  const truth = (): Record<string, string> => {
    if (!assignment) return {};
    const now = clock.now();
    return {
      'x-runpod-worker-id': assignment.worker.id,
      ...groundTruthHeaders({ cold: assignment.cold, queueMs: startedAt - arrivedAt, execMs: now - startedAt, workerId: assignment.worker.id }),
      'x-sim-input-tokens': String(r.inputTokens),
      'x-sim-output-tokens': String(outputTokens),
      'x-sim-prefill-ms': String(Math.round(clock.real(r.inputTokens * opts.prefillMsPerToken))),
    };
  };
  /** what really happened to this sequence, real ms: sent as trailers after a stream, as headers otherwise */
  const timings = (): Record<string, string> => ({
    'x-sim-ttft-ms': String(Math.round(firstTokenAt - arrivedAt)),
    'x-sim-tpot-ms': (produced > 1 ? (clock.now() - firstTokenAt) / (produced - 1) : 0).toFixed(2),
    'x-sim-exec-ms': String(Math.round(clock.now() - startedAt)),
  });

  const emit = () => {
    const i = produced++;
    const piece = tokenText(i);
    if (i === 0) firstTokenAt = clock.now();
    if (r.stream) res.write(sseEvent(chunkObject(r, id, created, piece, i === 0, null)));
    else text += piece;
    if (produced < outputTokens) {
      tokenTimer = clock.after(decodeStepMs(opts, worker?.active ?? 1), emit);
      return;
    }
    finish();
  };

  const finish = () => {
    release();
    end();
    counters.served++;
    llm.completions++;
    llm.inputTokens += r.inputTokens;
    llm.outputTokens += produced;
    const finishReason = r.maxTokens !== undefined ? 'length' : 'stop';
    const usage = usageOf(r.inputTokens, produced);
    if (!r.stream) {
      sendJson(res, 200, completionObject(r, id, created, text, finishReason, usage), { ...truth(), ...timings() });
      return;
    }
    res.write(sseEvent(chunkObject(r, id, created, null, false, finishReason)));
    if (r.includeUsage) res.write(sseEvent(usageChunk(r, id, created, usage)));
    res.write(sseEvent('[DONE]'));
    res.addTrailers(timings());
    res.end();
  };

  const item: WorkItem = {
    enqueuedAt: arrivedAt,
    pinnedTo:
      typeof req.headers['x-runpod-worker-id'] === 'string' && req.headers['x-runpod-worker-id'] !== ''
        ? req.headers['x-runpod-worker-id']
        : undefined,
    start(a) {
      phase = 'running';
      assignment = a;
      worker = a.worker;
      startedAt = clock.now();
      clock.cancel(queueTimer);
      if (a.cold) counters.cold++;
      // drawn for every sequence so the failure stream stays aligned across runs
      const fail = ctx.rng.failure() < opts.fail5xxFraction;
      const prefill = r.inputTokens * opts.prefillMsPerToken;
      if (fail) {
        tokenTimer = clock.after(prefill, () => {
          release();
          end();
          counters.served++;
          counters.failed5xx++;
          sendJson(res, 500, errorObject('simulated handler failure', 'internal_server_error'), truth());
        });
        return;
      }
      if (r.stream) {
        llm.streams++;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          trailer: 'x-sim-ttft-ms, x-sim-tpot-ms, x-sim-exec-ms',
          ...truth(),
        });
        res.flushHeaders();
      }
      tokenTimer = clock.after(prefill, emit);
    },
  };

  queueTimer = clock.after(opts.queueTimeoutMs, () => {
    if (phase !== 'queued' || !pool.remove(item)) return;
    counters.queueTimeouts++;
    end();
    sendJson(res, 400, QUEUE_TIMEOUT_BODY);
  });
  const maxTimer = clock.after(opts.requestMaxMs, () => {
    if (phase === 'answered') return;
    if (phase === 'queued') pool.remove(item);
    counters.cut524++;
    release();
    end();
    // a stream already answered 200: the balancer can only cut it
    if (res.headersSent) res.destroy();
    else sendJson(res, 524, REQUEST_MAX_BODY, truth());
  });
  // A client gone while queued leaves the queue; gone mid-sequence, its slot is freed (vLLM aborts the request).
  res.on('close', () => {
    if (phase === 'answered') return;
    if (phase === 'queued') pool.remove(item);
    else llm.abandoned++;
    release();
    end();
  });

  pool.enqueue(item);
}
