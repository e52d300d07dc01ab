import type { RequestRecord } from '../results/types.js';
import type { VuRef } from './client.js';
import type { HttpResponse } from './response.js';

/** One request as a per-request record (ndjson, user reporters' onRecords). */
export function requestRecord(res: HttpResponse, start: number, vu: VuRef): RequestRecord {
  const t = res.timings;
  return {
    t: round3(performance.timeOrigin + start),
    intended: vu.intendedAt ? round3(vu.intendedAt) : null,
    duration: round3(t.duration),
    blocked: round3(t.blocked),
    connecting: round3(t.connecting),
    tlsHandshaking: round3(t.tlsHandshaking),
    sending: round3(t.sending),
    waiting: round3(t.waiting),
    receiving: round3(t.receiving),
    status: res.status,
    error: res.error?.kind ?? null,
    worker: res.worker ?? null,
    attempt: res.attempt,
    vu: vu.vu,
    iteration: vu.iteration,
    stage: vu.stage,
    name: res.name,
    method: res.method,
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

const SAMPLE_CHARS = 120;

/** The first line of a failed response's body, which often says why (the group's key stays the status). */
export function bodySample(text: string): { sample?: string } {
  if (!text) return {};
  const nl = text.indexOf('\n');
  const line = (nl < 0 ? text : text.slice(0, nl)).trim();
  if (!line) return {};
  return { sample: line.length > SAMPLE_CHARS ? `${line.slice(0, SAMPLE_CHARS - 1)}…` : line };
}
