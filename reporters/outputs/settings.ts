/**
 * What the network outputs share: their settings from the environment (the process's, with
 * rampart.yaml's `env:` and `-e` over it), the test id, the credentials (masked everywhere
 * rampart masks secrets), and the endpoint as it may be shown.
 */
import { UsageError } from '../../runner/errors.js';
import { DEFAULT_EXCLUDED_TAGS, DEFAULT_MAX_TAG_VALUES, type SeriesFilter } from './series.js';

export type Env = Record<string, string | undefined>;

export interface OutputSettings {
  url: URL;
  /** the URL without its credentials, for messages */
  shownUrl: string;
  headers: Record<string, string>;
  /** a run's label, settable with RAMPART_TESTID; else the scenario's name and start time */
  testid?: string;
  filter: SeriesFilter;
}

/** Adds a credential to the values every output of the run masks (kept longest first, as SecretMask does). */
function addSecret(secrets: string[] | undefined, value: string | undefined): void {
  if (!secrets || !value || secrets.includes(value)) return;
  secrets.push(value);
  secrets.sort((a, b) => b.length - a.length);
}

export function parseOutputUrl(type: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--out ${type}=${raw}: not a URL; expected e.g. --out ${type}=${type === 'influxdb' ? 'http://127.0.0.1:8086/rampart' : 'http://127.0.0.1:9090/api/v1/write'}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--out ${type}=…: the URL must be http:// or https://`);
  return url;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * RAMPART_<TYPE>_USERNAME / _PASSWORD (basic auth), RAMPART_<TYPE>_TOKEN (a bearer token for
 * Prometheus, `Token` for InfluxDB 2), or user:password@ in the URL.
 */
export function outputSettings(type: 'prometheus' | 'influxdb', url: URL, env: Env, secrets?: string[]): OutputSettings {
  const prefix = `RAMPART_${type.toUpperCase()}_`;
  const headers: Record<string, string> = {};
  const user = env[`${prefix}USERNAME`] ?? decodeURIComponent(url.username);
  const password = env[`${prefix}PASSWORD`] ?? decodeURIComponent(url.password);
  const token = env[`${prefix}TOKEN`];
  if (token) headers.authorization = `${type === 'influxdb' ? 'Token' : 'Bearer'} ${token}`;
  else if (user || password) headers.authorization = basic(user, password);
  for (const value of [password, token, headers.authorization]) addSecret(secrets, value || undefined);
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  const maxTagValues = Number(env.RAMPART_OUTPUT_MAX_TAG_VALUES ?? DEFAULT_MAX_TAG_VALUES);
  if (!Number.isInteger(maxTagValues) || maxTagValues < 0)
    throw new UsageError(`RAMPART_OUTPUT_MAX_TAG_VALUES must be a whole number ≥ 0, got '${env.RAMPART_OUTPUT_MAX_TAG_VALUES}'`);
  // RAMPART_OUTPUT_TAGS=name adds the per-URL tag; -status leaves a default one out
  const excluded = new Set(DEFAULT_EXCLUDED_TAGS);
  for (const t of (env.RAMPART_OUTPUT_TAGS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (t.startsWith('-')) excluded.add(t.slice(1));
    else excluded.delete(t);
  }
  return {
    url: clean,
    shownUrl: clean.href.replace(/[?#].*$/, ''),
    headers,
    testid: env.RAMPART_TESTID || undefined,
    filter: { excludedTags: excluded, maxTagValues },
  };
}

/** 'checkout' started 2025-01-31T12:00:05Z → 'checkout-20250131T120005Z'. */
export function defaultTestId(scenarioName: string, startedAt: string): string {
  return `${scenarioName}-${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/** A fetch POST for the sender. */
export function poster(url: URL, headers: Record<string, string>) {
  return async (body: Uint8Array | string, signal: AbortSignal) => {
    const res = await fetch(url, { method: 'POST', headers, body, signal });
    const text = res.status >= 300 ? await res.text().catch(() => '') : (await res.arrayBuffer().catch(() => null), '');
    return { status: res.status, text };
  };
}
