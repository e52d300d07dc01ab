// Seeded randomness. Every draw the simulator makes comes from here (never Math.random),
// so a run is repeatable from its seed.

import { mulberry32 } from '../shared/random.js';

export { mulberry32 };

/**
 * Independent streams per purpose, each derived from the seed. Separate streams keep
 * e.g. the n-th cold-start draw the same even when timing changes the order in which
 * cold starts and executions interleave.
 */
export class RandomStreams {
  readonly coldStart: () => number;
  readonly exec: () => number;
  readonly failure: () => number;
  readonly ids: () => number;
  /** openai mode: output lengths (drawn after the others so their streams stay as they were) */
  readonly tokens: () => number;

  constructor(seed: number) {
    const base = mulberry32(seed);
    const sub = () => mulberry32(Math.floor(base() * 4294967296));
    this.coldStart = sub();
    this.exec = sub();
    this.failure = sub();
    this.ids = sub();
    this.tokens = sub();
  }
}

/** Uniform draw in [min, max] (inclusive of both ends in practice). */
export function drawRange(rng: () => number, range: readonly [number, number]): number {
  const [min, max] = range;
  return min === max ? min : min + rng() * (max - min);
}

/** Lowercase base-36 token of `length` chars, e.g. for worker ids. */
export function token(rng: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(rng() * 36).toString(36);
  return out;
}

/** UUID-shaped id with RunPod's `-u1` suffix, e.g. for job ids. */
export function jobId(rng: () => number): string {
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(rng() * 16).toString(16);
    return s;
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}-u1`;
}
