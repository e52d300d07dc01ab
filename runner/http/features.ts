import type { BasicAuth, HttpOptions, RequestOptions } from '../../scenarios/types.js';
import type { SecretMask } from '../secrets.js';
import { basicAuthHeader, buildBody, hasHeader } from './body.js';
import { CookieJar, type CookieMode } from './cookies.js';
import { ACCEPT_ENCODING } from './decode.js';
import { isName } from './raw-headers.js';
import { DEFAULT_REDIRECTS } from './redirects.js';
import type { ResolvedUrl } from './url-cache.js';

/** The scenario's `http` options that shape each request (beyond timeout, headers, pool and retry). */
export type ClientFeatures = Pick<HttpOptions, 'redirects' | 'compression' | 'cookies' | 'auth'>;

/** The features resolved once per thread. */
export class Features {
  readonly redirects: number;
  readonly cookieMode: CookieMode | null;
  private readonly learn: ((value: string) => void) | undefined;

  constructor(
    f: ClientFeatures = {},
    private readonly mask?: SecretMask,
  ) {
    this.redirects = f.redirects ?? DEFAULT_REDIRECTS;
    this.cookieMode = f.cookies === false ? null : f.cookies === 'keep' ? 'keep' : 'iteration';
    this.learn = mask ? (value) => mask.addCookieValue(value) : undefined;
  }

  /** Headers every request sends because of the features (Accept-Encoding, basic auth). */
  static defaultHeaders(f: ClientFeatures = {}, mask?: SecretMask): Record<string, string> {
    const out: Record<string, string> = {};
    if (f.compression) out['accept-encoding'] = ACCEPT_ENCODING;
    if (f.auth) out.authorization = authHeader(f.auth, mask);
    return out;
  }

  newJar(): CookieJar | null {
    return this.cookieMode ? new CookieJar(this.cookieMode, this.learn) : null;
  }

  /**
   * The headers and body of a request that uses form, multipart, auth or has cookies to send;
   * `headers` is the request's own object or the shared defaults (copied before a change).
   */
  extras(
    opts: RequestOptions,
    headers: Record<string, string>,
    own: boolean,
    body: string | Uint8Array | undefined,
    jar: CookieJar | null,
    url: ResolvedUrl,
  ): { headers: Record<string, string>; body: string | Uint8Array | undefined } {
    const h = own ? headers : { ...headers };
    if (opts.form !== undefined || opts.multipart !== undefined) {
      const built = buildBody(opts);
      body = built.body;
      if (built.contentType && !hasHeader(opts.headers, 'content-type')) h['content-type'] = built.contentType;
    }
    if (opts.auth) h.authorization = authHeader(opts.auth, this.mask);
    const cookie = jar?.header(new URL(url.href));
    if (cookie) {
      const mine = findHeader(h, 'cookie');
      if (mine) h[mine] = `${h[mine]}; ${cookie}`;
      else h.cookie = cookie;
    }
    return { headers: h, body };
  }
}

function authHeader(auth: BasicAuth, mask: SecretMask | undefined): string {
  const header = basicAuthHeader(auth);
  mask?.addHeaders({ authorization: header });
  mask?.addCookieValue(auth.password);
  return header;
}

function findHeader(headers: Record<string, string>, lower: string): string | undefined {
  for (const k in headers) if (k.toLowerCase() === lower) return k;
  return undefined;
}

/** Stores the response's Set-Cookie headers in the jar (raw undici headers, scanned by name length first). */
export function storeCookies(jar: CookieJar, raw: Buffer[], href: string): void {
  let url: URL | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === 10 && isName(raw[i], 'set-cookie')) jar.setFromHeader(raw[i + 1].toString('latin1'), (url ??= new URL(href)));
  }
}

/** Teaches `mask` the credentials of the default headers and of basic auth, before any client is made. */
export function learnCredentials(headers: Record<string, string> | undefined, features: ClientFeatures | undefined, mask: SecretMask): void {
  mask.addHeaders(headers);
  Features.defaultHeaders(features, mask);
}
