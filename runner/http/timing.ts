import dc from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { buildConnector, type ConnectOptions, type Connector } from './undici.js';
import { takeSpare } from './warm-pool.js';

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
const kTlsMs = Symbol('rampart.tlsMs');
const kWritten = Symbol('rampart.accountedWritten');
const kRead = Symbol('rampart.accountedRead');
export type TimedSocket = Socket & { [kConnectMs]?: number; [kTlsMs]?: number; [kWritten]?: number; [kRead]?: number };

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

/** Where a request's connection set-up times go. */
export interface ConnectTimes {
  connectMs: number;
  tlsMs: number;
}

/** The set-up times of the socket's new connection, once: later requests on it reused it. */
export function takeConnectTimes(socket: TimedSocket, into: ConnectTimes): void {
  const ms = socket[kConnectMs];
  if (ms === undefined) return;
  into.connectMs = ms;
  into.tlsMs = socket[kTlsMs] ?? 0;
  socket[kConnectMs] = undefined;
}

/** Where a request's bytes go. */
export interface Bytes {
  sent: number;
  received: number;
}

/**
 * The bytes the connection wrote and read since the last request that ended on it. With one
 * request at a time (HTTP/1.1) they are exactly that request's; with HTTP/2 streams share the
 * connection, so each request is credited with what flowed since the previous one ended, and
 * the run's totals stay exact.
 */
export function takeBytes(socket: TimedSocket, into: Bytes): void {
  const written = socket.bytesWritten;
  const read = socket.bytesRead;
  into.sent = written - (socket[kWritten] ?? 0);
  into.received = read - (socket[kRead] ?? 0);
  socket[kWritten] = written;
  socket[kRead] = read;
}

/** undici's connector, timing each new connection's TCP connect and TLS handshake onto its socket. */
export function timedConnector(options: ConnectOptions = {}): Connector {
  const connect = buildConnector(options);
  return (opts, callback) => {
    // a socket opened before t=0 (warm-pool.ts): no connect time, as for a reused connection
    const spare = takeSpare(opts);
    if (spare) {
      process.nextTick(callback, null, spare);
      return spare;
    }
    const t0 = performance.now();
    let tcpAt = 0;
    const socket = connect(opts, (...args) => {
      const s = args[1] as TimedSocket | null;
      if (s) {
        const now = performance.now();
        const tcp = tcpAt || now; // plain TCP: the callback is the connect
        s[kConnectMs] = tcp - t0;
        s[kTlsMs] = now - tcp;
      }
      callback(...args);
    });
    // a TLS socket emits 'connect' when TCP is up, before its handshake
    // (undici's connector returns the socket, though its type says void)
    const tls = socket as unknown as Socket | undefined;
    if (opts.protocol === 'https:' && tls)
      tls.once('connect', () => {
        tcpAt = performance.now();
      });
    return socket;
  };
}
