import type { HttpError, Response, Timings } from '../../scenarios/types.js';
import { rawHeader } from './raw-headers.js';
import { headersObject } from './exchange.js';

/** What ctx.http answers. `json()` parses lazily, once. */
export class HttpResponse implements Response {
  ok: boolean;
  worker?: string;
  /** the exact body bytes (responseType 'binary') */
  bytes?: Uint8Array;
  private parsed: unknown;
  private hasParsed = false;
  private parsedHeaders: Record<string, string | string[] | undefined> | undefined;

  constructor(
    readonly status: number,
    private readonly rawHeaders: Buffer[] | null,
    readonly body: string,
    readonly timings: Timings,
    readonly error: HttpError | undefined,
    readonly url: string,
    readonly method: string,
    readonly name: string,
    readonly attempt: number,
    failed: boolean,
  ) {
    this.ok = !failed;
  }

  /** parsed on first use: most iterations never read a header */
  get headers(): Record<string, string | string[] | undefined> {
    return (this.parsedHeaders ??= headersObject(this.rawHeaders));
  }

  json<T = any>(): T {
    if (!this.hasParsed) {
      this.parsed = JSON.parse(this.body);
      this.hasParsed = true;
    }
    return this.parsed as T;
  }

  /**
   * One header value (first of a repeated header), case-insensitive name. Read straight off
   * the raw headers until something asks for them all: the serverless runtime looks for a
   * worker header on every response, which must not cost a parse of every header.
   */
  header(name: string): string | undefined {
    if (this.parsedHeaders) {
      const v = this.parsedHeaders[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    }
    return rawHeader(this.rawHeaders, name.toLowerCase());
  }
}
