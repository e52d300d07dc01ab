import type { RequestOptions } from '../../scenarios/types.js';
import type { SecretMask } from '../secrets.js';
import type { VuRef } from './client.js';
import type { Features } from './features.js';
import type { ResolvedUrl } from './url-cache.js';

const JSON_TYPE = { 'content-type': 'application/json' };

/** A request's headers and body. */
export interface RequestParts {
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** Builds each request's headers and body from the thread's defaults, built once. */
export class RequestBuilder {
  /** the default request headers; copied only when a request adds its own */
  private readonly baseHeaders: Record<string, string>;
  private readonly jsonHeaders: Record<string, string>;

  constructor(
    private readonly features: Features,
    private readonly mask: SecretMask | undefined,
    defaults: Record<string, string>,
  ) {
    this.baseHeaders = defaults;
    this.jsonHeaders = { ...defaults, ...JSON_TYPE };
  }

  /** The request's headers and body: defaults, JSON, then forms, files, auth and cookies when asked for. */
  parts(opts: RequestOptions, full: ResolvedUrl, vu: VuRef): RequestParts {
    let headers = opts.headers ? { ...this.baseHeaders, ...opts.headers } : this.baseHeaders;
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      if (!opts.headers) headers = this.jsonHeaders;
      else if (!Object.keys(opts.headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = JSON_TYPE['content-type'];
    }
    const jar = vu.jar;
    jar?.sync(vu.iteration);
    if (opts.form !== undefined || opts.multipart !== undefined || opts.auth !== undefined || jar?.size) {
      ({ headers, body } = this.features.extras(opts, headers, opts.headers !== undefined, body, jar ?? null, full));
    }
    if (opts.headers) this.mask?.addHeaders(opts.headers);
    return { headers, body };
  }
}
