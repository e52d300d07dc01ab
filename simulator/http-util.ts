// Small node:http helpers shared by the routes: body reading, JSON answers and the
// ground-truth headers.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** RunPod accepts payloads up to 10 MB; so does the simulator. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'payload larger than 10 MB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parse a JSON body; an empty body is `undefined`. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/** The `input` field of a JSON body, if the body is an object that has one. */
export function inputOf(json: unknown): unknown {
  return json !== null && typeof json === 'object' && 'input' in json ? (json as { input: unknown }).input : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export interface GroundTruth {
  cold: boolean;
  /** Real ms the work waited for a worker (cold start included). */
  queueMs: number;
  /** Real ms the work ran on the worker. */
  execMs: number;
  workerId: string;
}

/** The X-Sim-* headers: what really happened, for checking what a load test inferred. */
export function groundTruthHeaders(g: GroundTruth): Record<string, string> {
  return {
    'x-sim-cold': g.cold ? '1' : '0',
    'x-sim-queue-ms': String(Math.round(g.queueMs)),
    'x-sim-exec-ms': String(Math.round(g.execMs)),
    'x-sim-worker-id': g.workerId,
  };
}
