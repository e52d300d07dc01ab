import type { HttpError, RequestOptions } from '../../scenarios/types.js';
import { rawHeader } from './raw-headers.js';

/** The default redirect limit (k6's and browsers' usual 10). */
export const DEFAULT_REDIRECTS = 10;

/** True for the statuses that redirect with a Location. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

export interface NextHop {
  method: string;
  url: string;
  opts: RequestOptions;
}

/**
 * The request a redirect asks for. 301/302 turn a POST into a GET and 303 turns anything but
 * HEAD into a GET, without the body (as browsers and k6 do); 307/308 keep the method and the
 * body. Credentials the user set (Authorization, Cookie) are not carried to another origin.
 */
export function nextHop(status: number, method: string, from: string, location: string, opts: RequestOptions): NextHop {
  const url = new URL(location, from);
  const toGet = (status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  const next: RequestOptions = { ...opts, query: undefined };
  if (toGet) {
    next.body = next.json = next.form = next.multipart = undefined;
    if (opts.headers) next.headers = dropHeaders(opts.headers, ['content-type', 'content-length']);
  }
  if (url.origin !== new URL(from).origin) {
    next.auth = undefined;
    if (next.headers) next.headers = dropHeaders(next.headers, ['authorization', 'cookie']);
  }
  return { method: toGet ? 'GET' : method, url: url.href, opts: next };
}

function dropHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(headers)) if (!names.includes(k.toLowerCase())) out[k] = headers[k];
  return out;
}

/** The Location header from raw undici headers. */
export function locationOf(raw: Buffer[] | null): string | undefined {
  return rawHeader(raw, 'location', 'utf8');
}

/** The error of a redirect chain that reached its limit. */
export function tooManyRedirects(limit: number, location: string): HttpError {
  return { kind: 'redirect', code: 'RAMPART_REDIRECTS', message: `stopped after ${limit} redirect${limit === 1 ? '' : 's'} (next: ${location})` };
}
