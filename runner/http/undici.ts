import { createRequire } from 'node:module';
import type * as Undici from 'undici';

// undici's index also loads fetch, WebSocket, caches, mocks and proxies: about 10 MB of memory in
// every thread. The load path needs only the dispatcher core, loaded from undici's own files
// (undici 7.x; the package has no `exports` map, so these paths are its public layout).
const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const buildConnector = require('undici/lib/core/connect.js') as typeof Undici.buildConnector;
export const parseHeaders = (require('undici/lib/core/util.js') as typeof Undici.util).parseHeaders;
export type { Dispatcher } from 'undici';
export type ConnectOptions = Undici.buildConnector.BuildOptions;
export type Connector = Undici.buildConnector.connector;
