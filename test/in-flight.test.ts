import { describe, expect, it } from 'vitest';
import { type Abortable, InFlight } from '../runner/http/in-flight.js';

const member = (log: string[], name: string, list?: InFlight): Abortable => {
  const m: Abortable = {
    prevInFlight: null,
    nextInFlight: null,
    abort: (reason) => {
      log.push(`${name}:${String(reason)}`);
      list?.delete(m); // a retry's back-off leaves the list while it is aborted
    },
  };
  return m;
};

describe('the requests in flight (runner/http/in-flight.ts)', () => {
  it('adds, deletes from the head, middle and tail, and ignores a member it does not hold', () => {
    const list = new InFlight();
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => member(log, n));
    for (const m of [a, b, c, d]) list.add(m);
    expect(list.size).toBe(4);
    list.delete(b); // middle
    list.delete(d); // head (the newest)
    list.delete(a); // tail
    list.delete(a); // twice: no effect
    list.delete(member(log, 'stranger'));
    expect(list.size).toBe(1);
    list.abortAll('stop');
    expect(log).toEqual(['c:stop']);
  });

  it('aborts every member once, also those that leave the list while aborted', () => {
    const list = new InFlight();
    const log: string[] = [];
    const members = Array.from({ length: 5 }, (_, i) => member(log, `m${i}`, list));
    for (const m of members) list.add(m);
    list.abortAll('hard stop');
    expect(log.sort()).toEqual(members.map((_, i) => `m${i}:hard stop`));
    expect(list.size).toBe(0);
    list.add(members[0]);
    expect(list.size).toBe(1);
  });
});
