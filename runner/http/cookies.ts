import type { CookieOptions, Cookies } from '../../scenarios/types.js';

/**
 * One VU's cookie jar (RFC 6265's storage model, without the public-suffix list: a load test
 * talks to hosts its author names). Honours Domain (host-only unless set), Path, Expires /
 * Max-Age and Secure. Empty until a response or the scenario sets a cookie, so a request to an
 * API without cookies pays one length check.
 */
interface StoredCookie {
  name: string;
  value: string;
  /** lower-case, no leading dot */
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** epoch ms; Infinity for a session cookie */
  expires: number;
}

export type CookieMode = 'iteration' | 'keep';

export class CookieJar {
  private cookies: StoredCookie[] = [];
  /** the VU iteration the jar belongs to ('iteration' mode empties it when the iteration changes) */
  private iteration = 0;

  constructor(
    private readonly mode: CookieMode,
    private readonly learn?: (value: string) => void,
  ) {}

  /** k6's rule: each iteration starts with an empty jar, unless `cookies: 'keep'`. */
  sync(iteration: number): void {
    if (iteration === this.iteration) return;
    this.iteration = iteration;
    if (this.mode === 'iteration' && this.cookies.length) this.cookies = [];
  }

  get size(): number {
    return this.cookies.length;
  }

  /** The Cookie header value for a request to `url`, or undefined when no cookie matches. */
  header(url: URL, now = Date.now()): string | undefined {
    if (!this.cookies.length) return undefined;
    let out: string | undefined;
    for (const c of this.matching(url, now)) out = out === undefined ? `${c.name}=${c.value}` : `${out}; ${c.name}=${c.value}`;
    return out;
  }

  /** name → value of the cookies a request to `url` would send. */
  get(url: URL, now = Date.now()): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.matching(url, now)) out[c.name] ??= c.value;
    return out;
  }

  /** Stores one Set-Cookie header line received from `url`. Malformed lines are ignored, as browsers do. */
  setFromHeader(line: string, url: URL, now = Date.now()): void {
    const parts = line.split(';');
    const eq = parts[0].indexOf('=');
    if (eq < 0) return;
    const name = parts[0].slice(0, eq).trim();
    if (!name) return;
    const opts: CookieOptions = {};
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i];
      const at = p.indexOf('=');
      const key = (at < 0 ? p : p.slice(0, at)).trim().toLowerCase();
      const val = at < 0 ? '' : p.slice(at + 1).trim();
      if (key === 'domain') opts.domain = val;
      else if (key === 'path') opts.path = val;
      else if (key === 'secure') opts.secure = true;
      else if (key === 'max-age' && /^-?\d+$/.test(val)) opts.maxAge = Number(val);
      else if (key === 'expires') {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) opts.expires = t;
      }
    }
    this.set(url, name, stripQuotes(parts[0].slice(eq + 1).trim()), opts, now);
  }

  /** Stores a cookie as if `url` had set it; a Domain the host does not belong to is refused. */
  set(url: URL, name: string, value: string, opts: CookieOptions = {}, now = Date.now()): boolean {
    const host = url.hostname.toLowerCase();
    let domain = host;
    let hostOnly = true;
    if (opts.domain) {
      const d = opts.domain.toLowerCase().replace(/^\./, '');
      if (!domainMatch(host, d)) return false;
      domain = d;
      hostOnly = false;
    }
    const path = opts.path?.startsWith('/') ? opts.path : defaultPath(url.pathname);
    let expires = Infinity;
    if (opts.maxAge !== undefined) expires = opts.maxAge <= 0 ? 0 : now + opts.maxAge * 1000;
    else if (opts.expires !== undefined) expires = opts.expires instanceof Date ? opts.expires.getTime() : opts.expires;
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.domain === domain && c.path === path));
    if (expires <= now) return true; // an expiry in the past deletes the cookie
    this.cookies.push({ name, value, domain, hostOnly, path, secure: Boolean(opts.secure), expires });
    this.learn?.(value);
    return true;
  }

  clear(): void {
    this.cookies = [];
  }

  private matching(url: URL, now: number): StoredCookie[] {
    const host = url.hostname.toLowerCase();
    const https = url.protocol === 'https:';
    const path = url.pathname || '/';
    if (this.cookies.some((c) => c.expires <= now)) this.cookies = this.cookies.filter((c) => c.expires > now);
    return this.cookies
      .filter((c) => (c.hostOnly ? c.domain === host : domainMatch(host, c.domain)) && pathMatch(path, c.path) && (!c.secure || https))
      .sort((a, b) => b.path.length - a.path.length); // longer paths first (RFC 6265 5.4)
  }
}

function stripQuotes(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  return host.endsWith(`.${domain}`) && !/^[\d.]+$/.test(host) && !host.includes(':');
}

function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** RFC 6265 5.1.4: the directory of the request path. */
function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

/** ctx.http.cookies over a VU's jar (or the message that cookies are off). */
export function cookieAccess(jar: CookieJar | null, sync: () => void, resolve: (url: string) => URL): Cookies {
  const off = () => {
    throw new TypeError('ctx.http.cookies: cookies are off for this scenario (http.cookies: false)');
  };
  if (!jar) return { get: () => ({}), set: off, clear: () => {} };
  return {
    get: (url) => {
      sync();
      return jar.get(resolve(url));
    },
    set: (url, name, value, opts) => {
      sync();
      if (!jar.set(resolve(url), String(name), String(value), opts)) {
        throw new TypeError(`ctx.http.cookies.set: domain '${opts?.domain}' does not cover ${resolve(url).hostname}`);
      }
    },
    clear: () => jar.clear(),
  };
}
