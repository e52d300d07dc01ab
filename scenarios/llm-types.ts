/** ctx.llm's types (docs/llm.md; re-exported by scenarios/types.ts). */
import type { Response } from './http-types.js';
import type { Duration } from './stage-types.js';

/** Where ctx.llm sends its requests (docs/llm.md). */
export interface LlmOptions {
  /** the API's base URL, as OpenAI's clients take it, e.g. 'http://127.0.0.1:8000/v1' (default: the scenario's target + '/v1') */
  baseURL?: string;
  /** sent as 'Authorization: Bearer KEY', masked in every output */
  apiKey?: string;
  /** the model of a request body that names none */
  model?: string;
  /** headers of every ctx.llm request */
  headers?: Record<string, string>;
}

/** Targets a ctx.llm request must meet to count in llm_goodput (all that are given, as vLLM's --goodput). */
export interface SloOptions {
  /** time to the first token */
  ttft?: Duration;
  /** time per output token after the first */
  tpot?: Duration;
  /** request start to the last token */
  e2e?: Duration;
}

export interface LlmCallOptions {
  /** the name tag of the request and of its llm_* samples (default: the URL path) */
  name?: string;
  tags?: Record<string, string>;
  timeout?: Duration;
  headers?: Record<string, string>;
}

/** What ctx.llm.chat and ctx.llm.complete answer; they never throw for the server's failures. */
export interface LlmResult {
  ok: boolean;
  /** HTTP status; 0 when no response arrived */
  status: number;
  /** why it failed: 'http' (status >= 400), a network kind ('reset', 'timeout', ...), 'malformed', 'stream-error' or 'incomplete' */
  error?: { kind: string; message: string };
  /** the generated text (all content deltas joined) */
  text: string;
  finishReason?: string;
  streamed: boolean;
  /** from the response's usage */
  inputTokens?: number;
  /** from the response's usage; counted from the token events when the server sent no usage (then `estimated`) */
  outputTokens: number;
  estimated: boolean;
  /** ms to the first token (streamed only) */
  ttft?: number;
  /** ms per output token after the first: (e2e - ttft) / (outputTokens - 1) (streamed, 2 tokens or more) */
  tpot?: number;
  /** ms from the request's start to the last token (the whole response when not streamed) */
  e2e: number;
  /** ms between consecutive token events */
  itl: number[];
  /** true when the request succeeded and met every SLO of the scenario's `slo` */
  good: boolean;
  /** the HTTP sample (status, headers, timings; the body when it was not a stream) */
  response: Response;
}

/** ctx.llm: OpenAI-compatible chat and completion calls, measured (docs/llm.md). */
export interface Llm {
  /** POST {baseURL}/chat/completions with `body` as written for OpenAI's API (model, messages, max_tokens, stream, ...) */
  chat(body: Record<string, unknown>, options?: LlmCallOptions): Promise<LlmResult>;
  /** POST {baseURL}/completions (model, prompt, max_tokens, stream, ...) */
  complete(body: Record<string, unknown>, options?: LlmCallOptions): Promise<LlmResult>;
}
