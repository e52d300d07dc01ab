import type { HttpOptions } from '../../scenarios/types.js';
import { UsageError } from '../errors.js';
import { isFileData } from './body.js';

/**
 * A mistake in a request's options, found at run time (esbuild strips types, so `header` for
 * `headers` would otherwise be ignored silently). The engine ends the run with exit 107 and
 * this one line, at the scenario's line.
 */
export class BadOptionError extends TypeError {
  readonly code = 'RAMPART_BAD_OPTION';
  override name = 'BadOptionError';
}

/** Prefixes the abort reason a thread sends when an iteration made a BadOptionError (the run ends with exit 107). */
export const BAD_OPTION_MARK = 'rampart:bad-option:';

export const REQUEST_OPTIONS = [
  'json',
  'body',
  'form',
  'multipart',
  'headers',
  'query',
  'name',
  'tags',
  'timeout',
  'expect',
  'responseType',
  'retry',
  'redirects',
  'auth',
];
const REQUEST_KEYS = new Set(REQUEST_OPTIONS);

export const HTTP_OPTIONS = ['timeout', 'headers', 'connections', 'retry', 'redirects', 'compression', 'cookies', 'auth', 'tls', 'version', 'warmup'];

const BODY_KINDS = ['json', 'body', 'form', 'multipart'] as const;
const WITH_BODY = new Set(['post', 'put', 'patch']);

/**
 * Checks one call's arguments: `call` is 'get', 'post', ... or 'request'. Allocates nothing for
 * valid options (a for-in over the keys, a Set lookup each).
 */
export function checkRequestOptions(call: string, opts: unknown, extra: boolean): void {
  const where = `ctx.http.${call}`;
  if (extra || (opts !== undefined && (typeof opts !== 'object' || opts === null || opts instanceof Uint8Array || Array.isArray(opts)))) {
    if (WITH_BODY.has(call)) {
      throw new BadOptionError(
        `${where}(url, body, params) is k6's call shape; rampart's is ${call}(url, { json | body | form | multipart, headers, ... })`,
      );
    }
    throw new BadOptionError(
      `${where}: options must be an object such as { headers, query, tags }${extra ? ' (one options argument, after the URL)' : ''}`,
    );
  }
  if (opts === undefined) return;
  const o = opts as Record<string, unknown>;
  let bodies = 0;
  for (const key in o) {
    if (!REQUEST_KEYS.has(key)) throw new BadOptionError(unknownKey(where, key, REQUEST_OPTIONS, WITH_BODY.has(call)));
    if (o[key] !== undefined && (key === 'json' || key === 'body' || key === 'form' || key === 'multipart')) bodies++;
  }
  if (bodies > 1) throw new BadOptionError(`${where}: give one body of ${BODY_KINDS.join(', ')}, not several`);
  if (o.redirects !== undefined) redirectCount(o.redirects, `${where}: redirects`, BadOptionError);
  if (o.responseType !== undefined && o.responseType !== 'text' && o.responseType !== 'binary' && o.responseType !== 'none') {
    throw new BadOptionError(`${where}: responseType must be 'text', 'binary' or 'none', got ${show(o.responseType)}`);
  }
  if (o.form !== undefined) fieldsOf(o.form, `${where}: form`, false);
  if (o.multipart !== undefined) fieldsOf(o.multipart, `${where}: multipart`, true);
  if (o.auth !== undefined) authOf(o.auth, `${where}: auth`, BadOptionError);
  if (o.headers !== undefined && (typeof o.headers !== 'object' || o.headers === null)) {
    throw new BadOptionError(`${where}: headers must be an object of name: value`);
  }
}

/** Checks the scenario's `http` block before the load: a mistake is a usage error (exit 2). */
export function checkHttpOptions(http: unknown, file: string): void {
  if (http === undefined) return;
  if (typeof http !== 'object' || http === null) throw new UsageError(`${file}: 'http' must be an object`);
  const o = http as HttpOptions & Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!HTTP_OPTIONS.includes(key)) throw new UsageError(unknownKey(`${file}: http`, key, HTTP_OPTIONS, false));
  }
  if (o.redirects !== undefined) redirectCount(o.redirects, `${file}: http.redirects`, UsageError);
  if (o.compression !== undefined && typeof o.compression !== 'boolean') throw new UsageError(`${file}: http.compression must be true or false`);
  if (o.warmup !== undefined && typeof o.warmup !== 'boolean') throw new UsageError(`${file}: http.warmup must be true or false`);
  if (o.cookies !== undefined && o.cookies !== true && o.cookies !== false && o.cookies !== 'keep') {
    throw new UsageError(`${file}: http.cookies must be true, false or 'keep', got ${show(o.cookies)}`);
  }
  if (o.auth !== undefined) authOf(o.auth, `${file}: http.auth`, UsageError);
}

function unknownKey(where: string, key: string, known: string[], bodyCall: boolean): string {
  const near = known.find((k) => k === `${key}s` || `${k}s` === key || k.toLowerCase() === key.toLowerCase());
  const hint = near ? ` (did you mean '${near}'?)` : bodyCall && !near ? ' (the body goes in json, body, form or multipart)' : '';
  return `${where}: unknown option '${key}'${hint}; known: ${known.join(', ')}`;
}

function redirectCount(value: unknown, where: string, E: new (m: string) => Error): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new E(`${where} must be a whole number ≥ 0 (0 turns redirects off), got ${show(value)}`);
  }
}

function authOf(value: unknown, where: string, E: new (m: string) => Error): void {
  const a = value as { username?: unknown; password?: unknown } | null;
  if (typeof a !== 'object' || a === null || typeof a.username !== 'string' || typeof a.password !== 'string') {
    throw new E(`${where} must be { username: string, password: string }`);
  }
}

function fieldsOf(value: unknown, where: string, files: boolean): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadOptionError(`${where} must be an object of name: value`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') continue;
    if (files && isFileData(v)) continue;
    throw new BadOptionError(`${where}.${k} must be a string${files ? " or file(...) from 'rampart'" : ''}, got ${show(v)}`);
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value).slice(0, 60);
  } catch {
    return String(value);
  }
}
