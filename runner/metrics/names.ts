import type { MetricType } from '../results/types.js';

/** Built-in metrics (k6 names, so users' habits carry over) and their types. */
export const BUILTIN_METRICS: Record<string, MetricType> = {
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_waiting: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_blocked: 'trend',
  http_req_receiving: 'trend',
  http_req_failed: 'rate',
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
  interrupted_iterations: 'counter',
  failed_iterations: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
  checks: 'rate',
  data_sent: 'counter',
  data_received: 'counter',
  // serverless measurement (docs/serverless.md)
  http_call_duration: 'trend',
  http_call_failed: 'rate',
  http_retries: 'counter',
  http_calls_rescued: 'counter',
  cold_starts: 'counter',
  workers_seen: 'gauge',
  job_queue_time: 'trend',
  job_execution_time: 'trend',
  job_total_time: 'trend',
  jobs: 'counter',
  job_failed: 'rate',
  job_polls: 'counter',
  s3_op_duration: 'trend',
  s3_ops: 'counter',
  s3_op_failed: 'rate',
  s3_pool_saturated: 'counter',
  s3_pool_wait: 'trend',
  event_loop_delay: 'trend',
  // ctx.group(): each group's time, tagged group:<outer::inner>
  group_duration: 'trend',
  // ctx.http.stream (docs/authoring.md, Streams): request start to first event, each gap, events read
  http_stream_first_event: 'trend',
  http_stream_event_gap: 'trend',
  http_stream_events: 'counter',
  // ctx.llm (docs/llm.md)
  llm_ttft: 'trend',
  llm_itl: 'trend',
  llm_tpot: 'trend',
  llm_e2e: 'trend',
  llm_input_tokens: 'counter',
  llm_output_tokens: 'counter',
  llm_requests: 'counter',
  llm_failed: 'rate',
  llm_goodput: 'rate',
};

/** 'http_req_duration{name:submit,status:200}' → name and tags. */
export function parseMetricKey(key: string): { name: string; tags: [string, string][] } | null {
  const m = /^([A-Za-z_][\w.]*)(?:\{([^{}]*)\})?$/.exec(key.trim());
  if (!m) return null;
  const tags: [string, string][] = [];
  if (m[2] !== undefined) {
    for (const part of m[2].split(',')) {
      const i = part.indexOf(':');
      if (i <= 0) return null;
      tags.push([part.slice(0, i).trim(), part.slice(i + 1).trim()]);
    }
  }
  return { name: m[1], tags };
}

/** A backslash before '\\', ':' and ','; the one escaping of tag keys, so 'a:x,b:y' can never stand for two tags. */
const escapeTag = (text: string): string => text.replace(/[\\:,]/g, '\\$&');

/**
 * The one key of a tag combination (the caches of tagged metrics and request sinks): each
 * name and value escaped, so that {a: 'x,b:y'} and {a: 'x', b: 'y'} get different keys.
 */
export function tagSetKey(tags: readonly (readonly [string, string])[]): string {
  let key = '';
  for (const [name, value] of tags) key += `${key ? ',' : ''}${escapeTag(name)}:${escapeTag(value)}`;
  return key;
}

export function subMetricKey(name: string, tag: string, value: string): string {
  return `${name}{${tag}:${value}}`;
}
