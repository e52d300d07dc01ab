import type { StreamEvent } from '../../scenarios/types.js';

/** A failure rampart finds in the body of a 2xx answer (the transport's and HTTP's come from the response). */
export type BodyFault = { kind: 'malformed' | 'stream-error' | 'incomplete'; message: string };

/** What one OpenAI-compatible answer said, streamed or not. */
export interface Reading {
  text: string;
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** arrival (ms from the request's start) of each event that carried generated output */
  tokenTimes: number[];
  sawDone: boolean;
  fault?: BodyFault;
}

const SAMPLE = 80;

/** The output one choice carries: a chat delta's content (or reasoning, or tool call arguments) or a completion's text. */
function outputOf(choice: Record<string, any>): string {
  if (typeof choice.text === 'string') return choice.text;
  const d = choice.delta ?? choice.message;
  if (!d) return '';
  let out = typeof d.content === 'string' ? d.content : '';
  if (typeof d.reasoning_content === 'string') out = d.reasoning_content + out;
  if (Array.isArray(d.tool_calls)) for (const t of d.tool_calls) out += t?.function?.arguments ?? '';
  return out;
}

/**
 * Reads an OpenAI stream (`data: {chunk}` events, then `data: [DONE]`). A token event is one
 * whose first choice carries output: the role-only first chunk of a chat stream and the usage
 * chunk are not (vLLM's benchmark counts any chunk with choices; docs/llm.md says why we differ).
 * Keeps reading after a malformed event so that the request's end is still measured.
 */
export class StreamReading implements Reading {
  text = '';
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  readonly tokenTimes: number[] = [];
  sawDone = false;
  fault?: BodyFault;
  private events = 0;

  take(ev: StreamEvent): void {
    this.events++;
    const data = ev.data.trim();
    if (data === '[DONE]') {
      this.sawDone = true;
      return;
    }
    if (data === '') return;
    let chunk: Record<string, any>;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.fault ??= { kind: 'malformed', message: `event ${this.events} is not JSON: ${sample(data)}` };
      return;
    }
    if (chunk === null || typeof chunk !== 'object') {
      this.fault ??= { kind: 'malformed', message: `event ${this.events} is not an object: ${sample(data)}` };
      return;
    }
    if (chunk.error) {
      this.fault ??= {
        kind: 'stream-error',
        message: `the server sent an error: ${sample(String(chunk.error.message ?? JSON.stringify(chunk.error)))}`,
      };
      return;
    }
    takeUsage(this, chunk.usage);
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!choice) return;
    const out = outputOf(choice);
    if (out) {
      this.text += out;
      this.tokenTimes.push(ev.at);
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  /** After the last event of a 2xx stream: a stream without [DONE] or without any token is incomplete. */
  finish(): void {
    if (this.fault) return;
    if (!this.sawDone) this.fault = { kind: 'incomplete', message: 'the stream ended before data: [DONE]' };
    else if (this.tokenTimes.length === 0) this.fault = { kind: 'incomplete', message: 'the stream carried no token' };
  }
}

/** Reads a non-streamed answer (chat.completion or text_completion). */
export function readWhole(body: string): Reading {
  const r: Reading = { text: '', tokenTimes: [], sawDone: true };
  let parsed: Record<string, any>;
  try {
    parsed = JSON.parse(body);
  } catch {
    r.fault = { kind: 'malformed', message: `the body is not JSON: ${sample(body)}` };
    return r;
  }
  const choice = Array.isArray(parsed?.choices) ? parsed.choices[0] : undefined;
  if (!choice) {
    r.fault = { kind: 'malformed', message: `the body has no choices: ${sample(body)}` };
    return r;
  }
  r.text = outputOf(choice);
  r.finishReason = choice.finish_reason ?? undefined;
  takeUsage(r, parsed.usage);
  return r;
}

function takeUsage(r: Reading, usage: Record<string, unknown> | null | undefined): void {
  if (!usage || typeof usage !== 'object') return;
  if (typeof usage.prompt_tokens === 'number') r.inputTokens = usage.prompt_tokens;
  if (typeof usage.completion_tokens === 'number') r.outputTokens = usage.completion_tokens;
}

/** The error message of an OpenAI error body ({ error: { message } }), else its first line. */
export function errorMessageOf(status: number, body: string): string {
  try {
    const m = JSON.parse(body)?.error?.message;
    if (typeof m === 'string' && m) return `HTTP ${status}: ${sample(m)}`;
  } catch {
    /* not JSON */
  }
  const line = body.split('\n', 1)[0].trim();
  return line ? `HTTP ${status}: ${sample(line)}` : `HTTP ${status}`;
}

function sample(text: string): string {
  return text.length > SAMPLE ? `${text.slice(0, SAMPLE - 1)}…` : text;
}
