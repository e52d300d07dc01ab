import { randomBytes } from 'node:crypto';
import type { BasicAuth, FileData, RequestOptions } from '../../scenarios/types.js';

/** Marks a file() value across copies of the authoring API (the scenario bundle has its own). */
export const FILE_BRAND = Symbol.for('rampart.file');

export function isFileData(value: unknown): value is FileData {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FILE_BRAND] === true;
}

export interface BuiltBody {
  body: string | Uint8Array | undefined;
  /** the content type the body implies, when the user set none */
  contentType?: string;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The body of `form` (urlencoded) or `multipart` (form-data, files from file()); only called when one is set. */
export function buildBody(opts: RequestOptions): BuiltBody {
  if (opts.form) {
    const params = new URLSearchParams();
    for (const k of Object.keys(opts.form)) params.append(k, String(opts.form[k]));
    return { body: params.toString(), contentType: FORM_TYPE };
  }
  const fields = opts.multipart!;
  const boundary = `----rampart${randomBytes(12).toString('hex')}`;
  const parts: Uint8Array[] = [];
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"`;
    if (isFileData(value)) {
      head += `; filename="${quote(value.filename)}"\r\nContent-Type: ${value.contentType}\r\n\r\n`;
      parts.push(Buffer.from(head), value.bytes, CRLF);
    } else {
      parts.push(Buffer.from(`${head}\r\n\r\n${String(value)}\r\n`));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const CRLF = Buffer.from('\r\n');

/** RFC 7578: names and filenames are quoted strings; a quote or a line break in them is escaped. */
function quote(s: string): string {
  return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The Authorization header of HTTP basic authentication. */
export function basicAuthHeader(auth: BasicAuth): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

/** True when `headers` names a header (case-insensitive). */
export function hasHeader(headers: Record<string, string> | undefined, lower: string): boolean {
  if (!headers) return false;
  for (const k in headers) if (k.toLowerCase() === lower) return true;
  return false;
}
