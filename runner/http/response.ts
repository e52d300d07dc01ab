import type { HttpError, Response, Timings } from '../../scenarios/types.js';

/** What ctx.http answers. `json()` parses lazily, once. */
export class HttpResponse implements Response {
  ok: boolean;
  private parsed: unknown;
  private hasParsed = false;

  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
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

  json<T = any>(): T {
    if (!this.hasParsed) {
      this.parsed = JSON.parse(this.body);
      this.hasParsed = true;
    }
    return this.parsed as T;
  }

  /** One header value (first of a repeated header), case-insensitive name. */
  header(name: string): string | undefined {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }
}
