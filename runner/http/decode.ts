import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/** Content encodings decoded (Accept-Encoding when `compression: true`). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * The encoding named by the response's Content-Encoding (raw undici headers, scanned without
 * allocating for headers of other names), or undefined for an identity body.
 */
export function contentEncoding(raw: Buffer[]): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === 16 && isName(raw[i], 'content-encoding')) {
      const v = raw[i + 1].toString('latin1').trim().toLowerCase();
      return v === 'identity' || v === '' ? undefined : v;
    }
  }
  return undefined;
}

/** Case-insensitive comparison of a raw header name with a lower-case name of the same length. */
export function isName(buf: Buffer, lower: string): boolean {
  for (let j = 0; j < lower.length; j++) if ((buf[j] | 0x20) !== lower.charCodeAt(j)) return false;
  return true;
}

/** Decodes a body; throws on a corrupt body or an encoding rampart does not know. */
export function decodeBody(body: Buffer, encoding: string): Buffer {
  if (body.length === 0) return body;
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      // 'deflate' is zlib-wrapped by the RFC, raw in some servers: the zlib header tells
      return (body[0] & 0x0f) === 8 && ((body[0] << 8) | body[1]) % 31 === 0 ? inflateSync(body) : inflateRawSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      throw Object.assign(new Error(`unsupported Content-Encoding '${encoding}'`), { code: 'RAMPART_DECODE' });
  }
}
