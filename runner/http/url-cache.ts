/** A request URL resolved against the scenario's target. */
export interface ResolvedUrl {
  origin: string;
  /** path and query, as sent */
  path: string;
  pathname: string;
  href: string;
}

const MAX_CACHED = 1000;

/**
 * Resolves request URLs against the target, caching the common case (the same URL string,
 * no `query` option) so the hot path parses each URL once.
 */
export class UrlResolver {
  private readonly cache = new Map<string, ResolvedUrl>();

  constructor(private readonly target: string | undefined) {}

  resolve(url: string, query?: Record<string, string | number | boolean>): ResolvedUrl {
    if (!query) {
      const hit = this.cache.get(url);
      if (hit) return hit;
    }
    let full: URL;
    try {
      full = this.target ? new URL(url, this.target) : new URL(url);
    } catch {
      throw new TypeError(`ctx.http: '${url}' is not a URL${this.target ? '' : " (relative paths need the scenario's target)"}`);
    }
    if (query) for (const [k, v] of Object.entries(query)) full.searchParams.append(k, String(v));
    const resolved = { origin: full.origin, path: full.pathname + full.search, pathname: full.pathname, href: full.href };
    if (!query) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear(); // a scenario with endless distinct URLs gains nothing from caching
      this.cache.set(url, resolved);
    }
    return resolved;
  }
}
