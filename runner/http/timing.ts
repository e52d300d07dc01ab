import dc from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/**
 * Per-request phase timing from undici's diagnostics channels. `request:create` is published
 * synchronously inside `dispatcher.request()`, so the caller parks its timing record in
 * `pending` just around that call and the subscriber binds it to undici's request object.
 */
export interface PhaseTiming {
  /** performance.now() when the request was written to a socket; 0 if it never was */
  sentAt: number;
  /** connect time of the socket's new connection, 0 on a reused one */
  connectMs: number;
  /** request line and headers as written */
  headerBytes: number;
}

const kConnectMs = Symbol('rampart.connectMs');
type TimedSocket = Socket & { [kConnectMs]?: number };

let pending: PhaseTiming | null = null;
const byRequest = new WeakMap<object, PhaseTiming>();
let subscribed = false;

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  dc.subscribe('undici:request:create', (message) => {
    if (pending) byRequest.set((message as { request: object }).request, pending);
  });
  dc.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket, headers } = message as { request: object; socket: TimedSocket; headers: string };
    const timing = byRequest.get(request);
    if (!timing) return;
    timing.sentAt = performance.now();
    timing.headerBytes = headers.length;
    const connectMs = socket[kConnectMs];
    if (connectMs !== undefined) {
      timing.connectMs = connectMs;
      socket[kConnectMs] = undefined; // only the first request on a connection paid for it
    }
  });
}

/**
 * Binds `timing` to the request the caller dispatches next (synchronously); call again with
 * null right after the dispatch call.
 */
export function bindTiming(timing: PhaseTiming | null): void {
  if (!subscribed) subscribe();
  pending = timing;
}

/** undici's connector, timing each new connection onto its socket. */
export function timedConnector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const connect = buildConnector(options);
  return (opts, callback) => {
    const t0 = performance.now();
    return connect(opts, (...args) => {
      const socket = args[1] as TimedSocket | null;
      if (socket) socket[kConnectMs] = performance.now() - t0;
      callback(...args);
    });
  };
}
