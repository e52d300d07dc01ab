import dc from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/**
 * Binds each request to the socket it is written on, by construction: undici calls the
 * handler's `onConnect` and then publishes `undici:client:sendHeaders` for the same request in
 * one synchronous step (client-h1 `writeH1`), so the handler that announced itself last is the
 * one whose headers are being sent. (Binding at dispatch time is wrong: a pool that queues or
 * reorders requests creates undici's request object later, for whichever request is next.)
 */
export interface SocketBound {
  /** called with the socket right before the request's headers are written to it */
  onSocket(socket: TimedSocket): void;
}

const kConnectMs = Symbol('rampart.connectMs');
export type TimedSocket = Socket & { [kConnectMs]?: number };

let announced: SocketBound | null = null;
let subscribed = false;

function onSendHeaders(message: unknown): void {
  const bound = announced;
  announced = null;
  bound?.onSocket((message as { socket: TimedSocket }).socket);
}

/** Called from the handler's `onConnect`: the next `sendHeaders` belongs to `handler`. */
export function announceConnect(handler: SocketBound): void {
  if (!subscribed) {
    subscribed = true;
    dc.subscribe('undici:client:sendHeaders', onSendHeaders);
  }
  announced = handler;
}

/** The connect time of the socket's new connection, once: later requests on it reused it. */
export function takeConnectMs(socket: TimedSocket): number {
  const ms = socket[kConnectMs];
  if (ms === undefined) return 0;
  socket[kConnectMs] = undefined;
  return ms;
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
