import type { Dataset } from '../../scenarios/types.js';

/**
 * A dataset's rows as two SharedArrayBuffers: the rows' JSON, one after the other, as UTF-8,
 * and each row's start offset. Worker threads receive the buffers, not a copy (structured
 * clone shares a SharedArrayBuffer), and decode one row when the scenario asks for it.
 */
export interface SharedRowsBuffers {
  name: string;
  length: number;
  /** the rows' JSON, UTF-8 */
  bytes: SharedArrayBuffer;
  /** length + 1 byte offsets (float64: exact beyond 4 GB) */
  offsets: SharedArrayBuffer;
}

/** Read-only rows over shared buffers: each access decodes a fresh copy of the row. */
class SharedRows<T> {
  readonly name: string;
  readonly length: number;
  private readonly bytes: Buffer;
  private readonly offsets: Float64Array;

  constructor(b: SharedRowsBuffers) {
    this.name = b.name;
    this.length = b.length;
    this.bytes = Buffer.from(b.bytes);
    this.offsets = new Float64Array(b.offsets);
  }

  at(index: number): T | undefined {
    const i = Math.trunc(index) < 0 ? this.length + Math.trunc(index) : Math.trunc(index);
    if (!(i >= 0 && i < this.length)) return undefined;
    return JSON.parse(this.bytes.toString('utf8', this.offsets[i], this.offsets[i + 1])) as T;
  }

  pick(n: number): T {
    if (this.length === 0) throw new RangeError(`dataset '${this.name}' has no rows`);
    const i = ((Math.trunc(n) % this.length) + this.length) % this.length;
    return this.at(i) as T;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as T;
  }
}

const INDEX = /^(0|[1-9]\d*)$/;

/** The rows as a Dataset; `rows[i]` works as in k6's SharedArray; writes are refused. */
export function rowsView<T>(b: SharedRowsBuffers): Dataset<T> {
  const rows = new SharedRows<T>(b);
  const view = new Proxy(rows, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && INDEX.test(prop)) return target.at(Number(prop));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set() {
      throw new TypeError(`dataset '${b.name}' is read-only (it is shared by every VU and thread)`);
    },
    defineProperty() {
      throw new TypeError(`dataset '${b.name}' is read-only (it is shared by every VU and thread)`);
    },
  });
  return view as unknown as Dataset<T>;
}
