import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { HttpOptions } from '../../scenarios/types.js';
import { UsageError } from '../errors.js';

/** What the undici Agent needs for TLS and HTTP/2: plain data, so it crosses to worker threads. */
export interface ConnectionSettings {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  /** offer HTTP/2 by ALPN on TLS connections (undici speaks no cleartext h2) */
  allowH2: boolean;
}

const TLS_FIELDS = new Set(['insecure', 'ca', 'cert', 'key', 'servername']);

/**
 * `http.tls` and `http.version` of a scenario, checked, with PEM files read once on the main
 * thread: `ca`, `cert` and `key` are PEM text, or a path relative to the scenario file.
 */
export function connectionSettings(http: HttpOptions, scenarioFile: string): ConnectionSettings {
  const where = `${scenarioFile}: http`;
  const version = http.version ?? 1;
  if (version !== 1 && version !== 2 && version !== 'auto') {
    throw new UsageError(`${where}.version must be 1, 2 or 'auto', not ${JSON.stringify(version)}`);
  }
  const tls = http.tls ?? {};
  if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) throw new UsageError(`${where}.tls must be an object`);
  for (const k of Object.keys(tls)) {
    if (!TLS_FIELDS.has(k)) throw new UsageError(`${where}.tls.${k} is not an option (${[...TLS_FIELDS].join(', ')})`);
  }
  if (tls.insecure !== undefined && typeof tls.insecure !== 'boolean') throw new UsageError(`${where}.tls.insecure must be true or false`);
  if (tls.servername !== undefined && typeof tls.servername !== 'string') throw new UsageError(`${where}.tls.servername must be a host name`);
  const pem = (field: 'ca' | 'cert' | 'key'): string | undefined => {
    const v = tls[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !v) throw new UsageError(`${where}.tls.${field} must be PEM text or a file path`);
    if (v.includes('-----BEGIN')) return v;
    const path = isAbsolute(v) ? v : resolve(scenarioFile, '..', v);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(`${where}.tls.${field}: cannot read ${v}`);
    }
  };
  const out: ConnectionSettings = { rejectUnauthorized: tls.insecure !== true, allowH2: version !== 1 };
  const ca = pem('ca');
  const cert = pem('cert');
  const key = pem('key');
  if ((cert === undefined) !== (key === undefined)) throw new UsageError(`${where}.tls: a client certificate needs both cert and key`);
  if (ca !== undefined) out.ca = ca;
  if (cert !== undefined) out.cert = cert;
  if (key !== undefined) out.key = key;
  if (tls.servername !== undefined) out.servername = tls.servername;
  return out;
}
