import type { SharedRowsBuffers } from './shared-rows.js';

const CHUNK = 16 << 20;

/**
 * Collects rows' JSON as UTF-8 into chunks, then copies them into one SharedArrayBuffer. No
 * row is kept as a string or an object on the way, so loading a 100 MB file costs its bytes
 * twice at the peak (chunks and the shared copy), not a heap of parsed objects.
 */
export class RowWriter {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private total = 0;
  private readonly starts: number[] = [];

  add(text: string): void {
    const size = Buffer.byteLength(text);
    this.reserve(size);
    this.current.write(text, this.used, 'utf8');
    this.advance(size);
  }

  addBytes(src: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    src.copy(this.current, this.used, start, end);
    this.advance(end - start);
  }

  finish(name: string): SharedRowsBuffers {
    this.chunks.push(this.current.subarray(0, this.used));
    const bytes = new SharedArrayBuffer(this.total);
    const view = Buffer.from(bytes);
    let at = 0;
    for (const chunk of this.chunks) at += chunk.copy(view, at);
    const offsets = new Float64Array(new SharedArrayBuffer(8 * (this.starts.length + 1)));
    offsets.set(this.starts);
    offsets[this.starts.length] = this.total;
    return { name, length: this.starts.length, bytes, offsets: offsets.buffer as SharedArrayBuffer };
  }

  private reserve(size: number): void {
    if (this.used + size <= this.current.length) return;
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(Math.max(CHUNK, size));
    this.used = 0;
  }

  private advance(size: number): void {
    this.starts.push(this.total);
    this.used += size;
    this.total += size;
  }
}

/** Rows the user's loader returned; a row JSON cannot carry is an error naming its index. */
export function encodeRows(name: string, rows: unknown): SharedRowsBuffers {
  if (!Array.isArray(rows)) throw new TypeError(`dataset '${name}': the rows must be an array, got ${rows === null ? 'null' : typeof rows}`);
  const out = new RowWriter();
  for (let i = 0; i < rows.length; i++) {
    const text = JSON.stringify(rows[i]);
    if (text === undefined) throw new TypeError(`dataset '${name}': row ${i} is ${typeof rows[i]}, not JSON data`);
    out.add(text);
  }
  return out.finish(name);
}

const [SPACE, TAB, LF, CR] = [0x20, 0x09, 0x0a, 0x0d];
const [QUOTE, BACKSLASH, COMMA] = [0x22, 0x5c, 0x2c];
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x5b, 0x5d, 0x7b, 0x7d];

/**
 * A JSON file holding an array, read into shared memory and split into its elements there,
 * without parsing the whole file into objects: a byte scan finds each element (JSON's
 * structural characters are ASCII, never part of a multi-byte UTF-8 sequence), each element
 * is parsed alone to check it, and the elements are moved down over the whitespace between
 * them. The file's bytes are the only copy. Throws an Error saying where the file is wrong.
 */
export function encodeJsonArray(name: string, bytes: SharedArrayBuffer): SharedRowsBuffers {
  const file = Buffer.from(bytes);
  const n = file.length;
  const ws = (c: number) => c === SPACE || c === TAB || c === LF || c === CR;
  let i = file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? 3 : 0; // BOM
  while (i < n && ws(file[i])) i++;
  if (file[i] !== OPEN_ARRAY) throw new Error('must hold a JSON array of rows (for another shape, pass a function that returns the rows)');
  i++;
  while (i < n && ws(file[i])) i++;
  const starts: number[] = [];
  let written = 0;
  if (file[i] === CLOSE_ARRAY) i++;
  else {
    for (let row = 0; ; row++) {
      const start = i;
      let depth = 0;
      let inString = false;
      for (; i < n; i++) {
        const c = file[i];
        if (inString) {
          if (c === BACKSLASH) i++;
          else if (c === QUOTE) inString = false;
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
        else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
          if (depth-- === 0) break;
        } else if (c === COMMA && depth === 0) break;
      }
      let end = i;
      while (end > start && ws(file[end - 1])) end--;
      try {
        JSON.parse(file.toString('utf8', start, end));
      } catch (err) {
        throw new Error(`is not JSON: row ${row}: ${(err as Error).message}`);
      }
      starts.push(written);
      file.copyWithin(written, start, end); // `written` is never past `start`: moving down in place is safe
      written += end - start;
      if (file[i] === COMMA) {
        i++;
        while (i < n && ws(file[i])) i++;
        continue;
      }
      if (file[i] === CLOSE_ARRAY) {
        i++;
        break;
      }
      throw new Error(`is not JSON: the array is not closed after row ${row}`);
    }
  }
  while (i < n && ws(file[i])) i++;
  if (i < n) throw new Error('is not JSON: something follows the array');
  const offsets = new Float64Array(new SharedArrayBuffer(8 * (starts.length + 1)));
  offsets.set(starts);
  offsets[starts.length] = written;
  // much indentation: a smaller copy rather than keeping the slack for the whole run
  const kept = written < 0.75 * n ? copyOf(file, written) : bytes;
  return { name, length: starts.length, bytes: kept, offsets: offsets.buffer as SharedArrayBuffer };
}

function copyOf(file: Buffer, size: number): SharedArrayBuffer {
  const out = new SharedArrayBuffer(size);
  file.copy(Buffer.from(out), 0, 0, size);
  return out;
}
