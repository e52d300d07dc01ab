/**
 * Reading undici's raw headers (name, value, name, value … as Buffers) without parsing them all:
 * the per-response lookups (content-encoding, location, set-cookie, a serverless worker header)
 * compare lengths first and allocate only for the header they want.
 */

/** Case-insensitive comparison of a raw header name with a lower-case name of the same length. */
export function isName(buf: Buffer, lower: string): boolean {
  for (let j = 0; j < lower.length; j++) if ((buf[j] | 0x20) !== lower.charCodeAt(j)) return false;
  return true;
}

/** The first value of header `lower` (a lower-case name), or undefined. */
export function rawHeader(raw: Buffer[] | null, lower: string, encoding: BufferEncoding = 'latin1'): string | undefined {
  if (!raw) return undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === lower.length && isName(raw[i], lower)) return raw[i + 1].toString(encoding);
  }
  return undefined;
}
