import { createRequire } from 'node:module';
import type * as Undici from 'undici';

// undici's index also loads fetch, WebSocket, caches, mocks and proxies: about 10 MB of memory in
// every thread. The load path needs only the dispatcher core, loaded from undici's own files
// (undici 7.x; the package has no `exports` map, so these paths are its public layout), and only
// when a client is first made: the main thread makes one only for setup() and teardown().
const require = createRequire(import.meta.url);

interface Core {
  Agent: typeof Undici.Agent;
  buildConnector: typeof Undici.buildConnector;
  parseHeaders: typeof Undici.util.parseHeaders;
}
let core: Core | undefined;
function load(): Core {
  return (core ??= {
    Agent: require('undici/lib/dispatcher/agent.js'),
    buildConnector: require('undici/lib/core/connect.js'),
    parseHeaders: (require('undici/lib/core/util.js') as typeof Undici.util).parseHeaders,
  });
}

export type Agent = Undici.Agent;
export type { Dispatcher } from 'undici';
export type ConnectOptions = Undici.buildConnector.BuildOptions;
export type Connector = Undici.buildConnector.connector;

export function newAgent(options: Undici.Agent.Options): Agent {
  return new (load().Agent)(options);
}
export function buildConnector(options: ConnectOptions): Connector {
  return load().buildConnector(options);
}
export function parseHeaders(raw: Buffer[]): Record<string, string | string[]> {
  return load().parseHeaders(raw) as Record<string, string | string[]>;
}
