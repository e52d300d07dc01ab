import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { rawHeader } from './raw-headers.js';

/** Content encodings decoded (Accept-Encoding when `compression: true`). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * The encoding named by the response's Content-Encoding (raw undici headers, scanned without
 * allocating for headers of other names), or undefined for an identity body.
 */
export function contentEncoding(raw: Buffer[]): string | undefined {
  const v = rawHeader(raw, 'content-encoding')?.trim().toLowerCase();
  return v === 'identity' || v === '' ? undefined : v;
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
