/** Content types of the files rampart writes, by extension; S3 serves objects with them. */
const BY_EXTENSION: Record<string, string> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  xml: 'application/xml',
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  hgrm: 'text/plain; charset=utf-8',
  hdrlog: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The content type for a file name or key, or undefined when its extension is not known. */
export function contentTypeFor(name: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? BY_EXTENSION[base.slice(dot + 1).toLowerCase()] : undefined;
}
