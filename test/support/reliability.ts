import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from './cli.js';

/** Shared helpers of the reliability tests (test/reliability-*.test.ts). */

/** Runs at most `n` of the given tasks at once (CLI processes on a 2-core machine). */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}

/** The identities every run must satisfy, read from a results file. */
export interface Accounting {
  iterations: number;
  interrupted: number;
  failedIterations: number;
  dropped: number;
  requests: number;
  failedTrues: number;
  failedFalses: number;
}

export function accounting(summary: any): Accounting {
  const m = summary.metrics ?? {};
  return {
    iterations: m.iterations?.count ?? 0,
    interrupted: m.interrupted_iterations?.count ?? 0,
    failedIterations: m.failed_iterations?.count ?? 0,
    dropped: m.dropped_iterations?.count ?? 0,
    requests: m.http_reqs?.count ?? 0,
    failedTrues: m.http_req_failed?.trues ?? 0,
    failedFalses: m.http_req_failed?.falses ?? 0,
  };
}

/** Error counts by kind ('reset', 'timeout', ...; HTTP statuses as 'http 503'). */
export function errorsByKind(summary: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of summary.errors ?? []) {
    const key = e.kind === 'http' ? `http ${e.status}` : e.kind;
    out[key] = (out[key] ?? 0) + e.count;
  }
  return out;
}

export function results(dir: string, file = 'r.json'): any {
  return readJson(join(dir, file));
}

/** Every file in `dir`, with its text (for leak greps and leftover temp files). */
export function filesIn(dir: string): { name: string; text: string }[] {
  return readdirSync(dir).map((name) => ({ name, text: readFileSync(join(dir, name), 'latin1') }));
}

/** A stack trace line, as Node prints them. */
export const STACK_LINE = /\n\s+at /;

/** Polls `cond` every 50 ms; rejects after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
