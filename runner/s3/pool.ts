/**
 * The S3 client's connection pool, instrumented: an operation that finds every socket of its
 * origin busy waits in the agent's queue, and that wait is exactly the client-side
 * bottleneck of the field report ("Connection pool is full"). The agents below count each
 * queued request and how long it waited for a socket.
 *
 * The SDK's own warning ("socket usage at capacity=N and M additional requests are
 * enqueued") is too coarse to count with: it fires at most once per 15 s per client, only
 * when twice maxSockets requests wait, and only after socketAcquisitionWarningTimeout.
 */
import http from 'node:http';
import https from 'node:https';
import type { ClientRequest } from 'node:http';

/** Called once per request that had to wait for a free socket, when it gets one. */
export type QueuedListener = (waitMs: number) => void;

export interface CountingAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  destroy(): void;
}

interface AgentInternals {
  addRequest(req: ClientRequest, options: object): void;
  getName(options: object): string;
  requests: NodeJS.ReadOnlyDict<unknown[]>;
}

/** Keep-alive agents with `maxSockets` per origin that report every queued request. */
export function createCountingAgents(maxSockets: number, onQueued: QueuedListener): CountingAgents {
  const size = Math.max(1, Math.floor(maxSockets));
  const httpAgent = instrument(new http.Agent({ keepAlive: true, maxSockets: size }), onQueued);
  const httpsAgent = instrument(new https.Agent({ keepAlive: true, maxSockets: size }), onQueued);
  return {
    httpAgent,
    httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function instrument<A extends http.Agent>(agent: A, onQueued: QueuedListener): A {
  const internals = agent as unknown as AgentInternals;
  const addRequest = internals.addRequest.bind(agent);
  internals.addRequest = (req, options) => {
    addRequest(req, options);
    // Node's agent either hands the request a socket (free or new) or appends it to requests[name]
    const queue = internals.requests[internals.getName(options)];
    if (!queue || !queue.includes(req)) return;
    const queuedAt = performance.now();
    req.once('socket', () => onQueued(performance.now() - queuedAt));
  };
  return agent;
}
