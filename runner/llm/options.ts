import type { LlmOptions, SloOptions } from '../../scenarios/types.js';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';

const LLM_KEYS = ['baseURL', 'apiKey', 'model', 'headers'];
const SLO_KEYS = ['ttft', 'tpot', 'e2e'];

/** What ctx.llm needs from the scenario, resolved once per thread. */
export interface LlmSettings {
  /** without a trailing slash: '/chat/completions' is appended */
  baseURL?: string;
  headers: Record<string, string>;
  model?: string;
  /** SLO limits in ms */
  slo: { ttft?: number; tpot?: number; e2e?: number };
}

/** Checks the scenario's `llm` and `slo` fields when it loads: a mistake is a one-line usage error. */
export function checkLlmOptions(llm: unknown, slo: unknown, file: string): void {
  if (llm !== undefined) {
    const o = objectOf(llm, `${file}: 'llm' must be { baseURL, apiKey, model, headers }`);
    for (const key of Object.keys(o)) {
      if (!LLM_KEYS.includes(key)) throw new UsageError(`${file}: unknown llm field '${key}' (known: ${LLM_KEYS.join(', ')})`);
    }
    if (o.baseURL !== undefined) {
      let url: URL | undefined;
      try {
        url = new URL(String(o.baseURL));
      } catch {
        /* below */
      }
      if (typeof o.baseURL !== 'string' || !url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw new UsageError(`${file}: llm.baseURL must be an http(s) URL such as 'http://127.0.0.1:8000/v1', got ${JSON.stringify(o.baseURL)}`);
      }
    }
    // an unset variable (env('KEY') → undefined) is allowed: the request then goes without a key
    if (o.apiKey !== undefined && typeof o.apiKey !== 'string') throw new UsageError(`${file}: llm.apiKey must be a string`);
    if (o.model !== undefined && typeof o.model !== 'string') throw new UsageError(`${file}: llm.model must be a string`);
    if (o.headers !== undefined) objectOf(o.headers, `${file}: llm.headers must be an object of name: value`);
  }
  if (slo !== undefined) {
    const o = objectOf(slo, `${file}: 'slo' must be { ttft, tpot, e2e } with durations such as '500ms'`);
    for (const [key, value] of Object.entries(o)) {
      if (!SLO_KEYS.includes(key)) throw new UsageError(`${file}: unknown slo field '${key}' (known: ${SLO_KEYS.join(', ')})`);
      if (!(msOf(value) > 0)) throw new UsageError(`${file}: slo.${key} must be a positive duration such as '500ms', got ${JSON.stringify(value)}`);
    }
  }
}

/** The settings of a checked scenario; the target stands in for a missing baseURL (target + '/v1'). */
export function llmSettings(llm: LlmOptions | undefined, slo: SloOptions | undefined, target: string | undefined): LlmSettings {
  let base = llm?.baseURL ?? (target ? withV1(target) : undefined);
  if (base) base = base.replace(/\/+$/, '');
  const headers: Record<string, string> = { ...llm?.headers };
  if (llm?.apiKey) headers.authorization = `Bearer ${llm.apiKey}`;
  return {
    baseURL: base,
    headers,
    model: llm?.model,
    slo: { ttft: optionalMs(slo?.ttft), tpot: optionalMs(slo?.tpot), e2e: optionalMs(slo?.e2e) },
  };
}

function withV1(target: string): string {
  const t = target.replace(/\/+$/, '');
  return /\/v1$/.test(t) ? t : `${t}/v1`;
}

function optionalMs(d: string | number | undefined): number | undefined {
  return d === undefined ? undefined : parseDuration(d);
}

function msOf(value: unknown): number {
  if (typeof value !== 'string' && typeof value !== 'number') return NaN;
  try {
    return parseDuration(value);
  } catch {
    return NaN;
  }
}

function objectOf(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(message);
  return value as Record<string, unknown>;
}
