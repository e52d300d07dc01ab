import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A raw TCP "HTTP server" on 127.0.0.1 that misbehaves on purpose, one way per path, so the
 * reliability tests can check how rampart counts and classifies every fault. Routes:
 *
 *   /ok                    200 'ok' (keep-alive)
 *   /reset-before-headers  the socket is reset as soon as the request arrives
 *   /reset-mid-body        headers with Content-Length 1000, 100 bytes, then a reset (RST)
 *   /hang-after-headers    headers, then nothing until the client gives up
 *   /drip                  20 body bytes, one per 50 ms (~1 s)
 *   /malformed-status      'HTTP/1.1 abc'
 *   /bad-content-length    Content-Length 10, 3 bytes, then the connection closes
 *   /huge                  an 8 MiB body (keep-alive: a client that dumps it must keep the socket)
 *   /5xx                   503
 *   /429                   429 with Retry-After: 1
 *
 * `refusedUrl` is a port that was bound and closed again (connection refused); `tlsUrl` is
 * an https:// URL whose server answers the TLS ClientHello with garbage.
 */
export interface FaultStats {
  /** requests per route (path without the query), and per path with its query when it has one */
  byPath: Record<string, number>;
  requests: number;
  /** TCP connections accepted by the HTTP side */
  connections: number;
  /** connections that carried at least one request for the route (keep-alive reuse shows here) */
  connectionsByPath: Record<string, number>;
  /** connections (ClientHellos) the TLS side answered with garbage */
  tlsConnections: number;
}

export interface FaultTarget {
  url: string;
  port: number;
  refusedUrl: string;
  tlsUrl: string;
  stats: FaultStats;
  close(): Promise<void>;
}

export const HUGE_BYTES = 8 * 1024 * 1024;
const HUGE_BODY = Buffer.alloc(HUGE_BYTES, 'x');

export async function startFaultTarget(): Promise<FaultTarget> {
  const stats: FaultStats = { byPath: {}, requests: 0, connections: 0, connectionsByPath: {}, tlsConnections: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // resets on our side are the point
  };

  const server = net.createServer((socket) => {
    stats.connections++;
    track(socket);
    let buffered = Buffer.alloc(0);
    const seen = new Set<string>();
    let busy = false; // one response at a time per connection; pipelined requests wait in `buffered`
    const next = () => {
      if (busy || socket.destroyed) return;
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      buffered = buffered.subarray(end + 4 + length);
      const full = head.split(' ')[1] ?? '/';
      const path = full.split('?')[0];
      stats.requests++;
      stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
      if (full !== path) stats.byPath[full] = (stats.byPath[full] ?? 0) + 1;
      if (!seen.has(path)) {
        seen.add(path);
        stats.connectionsByPath[path] = (stats.connectionsByPath[path] ?? 0) + 1;
      }
      busy = true;
      respond(
        socket,
        path,
        () => {
          busy = false;
          next();
        },
        later,
      );
    };
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      next();
    });
  });

  // TLS side: whatever the client says first (its ClientHello) gets bytes that are no TLS record
  const tls = net.createServer((socket) => {
    track(socket);
    socket.once('data', () => {
      stats.tlsConnections++;
      socket.end('HTTP/1.1 400 this is not TLS\r\n\r\n');
    });
  });

  const listen = async (s: net.Server) => {
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return (s.address() as AddressInfo).port;
  };
  const port = await listen(server);
  const tlsPort = await listen(tls);
  const closed = net.createServer();
  const refusedPort = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    refusedUrl: `http://127.0.0.1:${refusedPort}`,
    tlsUrl: `https://127.0.0.1:${tlsPort}`,
    stats,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await Promise.all([server, tls].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

type Later = (ms: number, fn: () => void) => void;

function headers(status: string, fields: Record<string, string | number>): string {
  return `HTTP/1.1 ${status}\r\n${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

function respond(socket: net.Socket, path: string, done: () => void, later: Later): void {
  const send = (status: string, body: string | Buffer, extra: Record<string, string | number> = {}) => {
    socket.write(headers(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), ...extra }));
    socket.write(body, () => done());
  };
  switch (path) {
    case '/ok':
      return send('200 OK', 'ok');
    case '/reset-before-headers':
      socket.resetAndDestroy();
      return;
    case '/reset-mid-body':
      socket.write(headers('200 OK', { 'Content-Length': 1000 }));
      socket.write(Buffer.alloc(100, 'a'), () => later(20, () => socket.resetAndDestroy()));
      return;
    case '/hang-after-headers':
      socket.write(headers('200 OK', { 'Content-Length': 10 }));
      return; // nothing more: the client's timeout has to fire
    case '/drip': {
      const total = 20;
      socket.write(headers('200 OK', { 'Content-Length': total }));
      let sent = 0;
      const drip = () => {
        if (socket.destroyed) return;
        socket.write('d');
        if (++sent < total) later(50, drip);
        else done();
      };
      later(50, drip);
      return;
    }
    case '/malformed-status':
      socket.end('HTTP/1.1 abc\r\n\r\n');
      return;
    case '/bad-content-length':
      socket.write(headers('200 OK', { 'Content-Length': 10, Connection: 'close' }));
      socket.end('abc');
      return;
    case '/huge':
      return send('200 OK', HUGE_BODY);
    case '/5xx':
      return send('503 Service Unavailable', 'unavailable');
    case '/429':
      return send('429 Too Many Requests', 'slow down', { 'Retry-After': 1 });
    default:
      return send('404 Not Found', 'no such fault');
  }
}
