// openai mode: reading an OpenAI request body (what the simulator needs of it) and writing
// the answers in the shapes the official client parses: chat.completion(.chunk) and
// text_completion objects, `data: {json}\n\n` events ending with `data: [DONE]`, and
// `{"error": {...}}` for a refused request.

export type Route = 'chat' | 'completions';

export interface LlmRequest {
  route: Route;
  model: string;
  stream: boolean;
  /** stream_options.include_usage: a last chunk with `usage` and no choices */
  includeUsage: boolean;
  /** from max_tokens (or max_completion_tokens); undefined → drawn from outputTokens */
  maxTokens?: number;
  inputTokens: number;
}

/** A request the API refuses: answered 400 with OpenAI's error object. */
export class InvalidRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** About 4 characters a token: OpenAI's rule of thumb, so a prompt's size maps to a token count anyone can recompute. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part && typeof part === 'object' && typeof part.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

function promptTokens(prompt: unknown): number {
  if (typeof prompt === 'string') return estimateTokens(prompt);
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.every((p) => typeof p === 'number')) return prompt.length; // token ids
    if (prompt.every((p) => typeof p === 'string')) return prompt.reduce((n, p) => n + estimateTokens(p), 0);
  }
  throw new InvalidRequest("'prompt' must be a string, a list of strings or a list of token ids", 'prompt');
}

export function parseLlmRequest(route: Route, json: unknown, defaultModel: string): LlmRequest {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidRequest('the body must be a JSON object');
  }
  const body = json as Record<string, unknown>;
  let inputTokens: number;
  if (route === 'chat') {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw new InvalidRequest("'messages' must be a non-empty list", 'messages');
    inputTokens = messages.reduce((n: number, m) => n + estimateTokens(contentText((m as { content?: unknown })?.content)), 0);
  } else {
    inputTokens = promptTokens(body.prompt);
  }
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (max !== undefined && max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) {
    throw new InvalidRequest("'max_tokens' must be a whole number ≥ 1", 'max_tokens');
  }
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  return {
    route,
    model: typeof body.model === 'string' && body.model !== '' ? body.model : defaultModel,
    stream: body.stream === true,
    includeUsage: options?.include_usage === true,
    maxTokens: typeof max === 'number' ? max : undefined,
    inputTokens,
  };
}

const WORDS = ['the', 'load', 'test', 'token', 'stream', 'worker', 'batch', 'queue', 'prefill', 'decode', 'rampart', 'model'];

/** The i-th output token's text: one word with its leading space, so n tokens read as n words. */
export function tokenText(i: number): string {
  return ` ${WORDS[(i * 7 + 3) % WORDS.length]}`;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(input: number, output: number): Usage {
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

/** One streamed chunk carrying `text` (or only the finish reason when text is null). */
export function chunkObject(r: LlmRequest, id: string, created: number, text: string | null, first: boolean, finish: string | null): object {
  if (r.route === 'chat') {
    const delta = text === null ? {} : first ? { role: 'assistant', content: text } : { content: text };
    return { id, object: 'chat.completion.chunk', created, model: r.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
  }
  return { id, object: 'text_completion', created, model: r.model, choices: [{ index: 0, text: text ?? '', logprobs: null, finish_reason: finish }] };
}

/** The last chunk a stream sends when the client asked for usage: no choices. */
export function usageChunk(r: LlmRequest, id: string, created: number, usage: Usage): object {
  return { id, object: r.route === 'chat' ? 'chat.completion.chunk' : 'text_completion', created, model: r.model, choices: [], usage };
}

/** The whole answer of a request that did not stream. */
export function completionObject(r: LlmRequest, id: string, created: number, text: string, finish: string, usage: Usage): object {
  if (r.route === 'chat') {
    return {
      id,
      object: 'chat.completion',
      created,
      model: r.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: finish }],
      usage,
    };
  }
  return { id, object: 'text_completion', created, model: r.model, choices: [{ index: 0, text, logprobs: null, finish_reason: finish }], usage };
}

export function sseEvent(data: object | string): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export function errorObject(message: string, type: string, param: string | null = null, code: string | null = null): object {
  return { error: { message, type, param, code } };
}
