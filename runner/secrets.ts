/** Request headers whose values are credentials. */
export const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** Parts of a credential worth masking on their own ('Bearer TOKEN' → TOKEN); shorter ones would mask noise. */
const MIN_PART = 6;

/** Distinct cookie values learnt per thread (docs/authoring.md, Cookies). */
const MAX_COOKIE_VALUES = 1000;

/**
 * The values that must never leave rampart: `--secret` env values and the values of
 * credential headers, learnt as the scenario uses them. `values` is shared with the reporters
 * (they mask with it), so a value learnt late still masks the final reports.
 */
export class SecretMask {
  readonly values: string[] = [];
  private readonly cookieValues = new Set<string>();
  /** called with each value the first time it is learnt */
  onAdd: ((value: string) => void) | null = null;

  constructor(initial: Iterable<string> = []) {
    for (const v of initial) this.add(v);
  }

  add(value: string | undefined): void {
    if (!value || this.values.includes(value)) return;
    // longest first, so that a value containing another is masked whole
    this.values.push(value);
    this.values.sort((a, b) => b.length - a.length);
    this.onAdd?.(value);
  }

  /** Learns the credential headers of a request: the whole value, its token, each cookie value. */
  addHeaders(headers: Record<string, string | undefined> | undefined): void {
    if (!headers) return;
    for (const name of Object.keys(headers)) {
      if (!SECRET_HEADERS.has(name.toLowerCase())) continue;
      const value = String(headers[name] ?? '').trim();
      if (!value) continue;
      this.add(value);
      const parts = name.toLowerCase() === 'cookie' ? value.split(';').map((c) => c.slice(c.indexOf('=') + 1).trim()) : value.split(/\s+/).slice(1);
      for (const part of parts) if (part.length >= MIN_PART) this.add(part);
    }
  }

  /**
   * Learns a cookie value (or a basic-auth password). Values shorter than 6 characters are not
   * masked: '1' or 'yes' would mask every digit and word of the reports.
   */
  addCookieValue(value: string | undefined): void {
    if (!value || value.length < MIN_PART || this.cookieValues.has(value)) return;
    // a fresh session per iteration would grow the list without end, and every output is masked with all of it
    if (this.cookieValues.size >= MAX_COOKIE_VALUES) return;
    this.cookieValues.add(value);
    this.add(value);
  }

  mask(text: string): string {
    return maskSecrets(text, this.values);
  }

  maskDeep<T>(data: T): T {
    return maskDeep(data, this.values);
  }
}

/** Replaces every occurrence of each secret by `***`. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

/** A deep copy of plain data (a Summary, a Snapshot, a message) with secrets masked; `hdr` fields are kept. */
export function maskDeep<T>(data: T, secrets: readonly string[] = []): T {
  if (!secrets.some(Boolean)) return data;
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key === 'hdr' ? value : maskSecrets(value, secrets);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskSecrets(k, secrets), walk(v, k)]));
    }
    return value;
  };
  return walk(data) as T;
}
