// A LazyMap reads like a Map of its keys and makes a value only when it is read, once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LazyMap } from './lazy-map.js';

describe('LazyMap', () => {
  it('reads like the Map of the same keys and values, making each value once', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 12 }), fc.string(), (keys, other) => {
        const made: string[] = [];
        const lazy = new LazyMap(keys, (i, k) => {
          made.push(k);
          return { i, k };
        });
        const plain = new Map(keys.map((k, i) => [k, { i, k }]));
        expect(lazy.size).toBe(plain.size);
        expect([...lazy.keys()]).toEqual([...plain.keys()]);
        expect(lazy.has(other)).toBe(plain.has(other));
        expect(made).toEqual([]);
        expect(lazy.get(other)).toEqual(plain.get(other));
        expect([...lazy]).toEqual([...plain]);
        expect([...lazy.values()]).toEqual([...plain.values()]);
        expect([...lazy.entries()]).toEqual([...plain.entries()]);
        const seen: [string, unknown][] = [];
        lazy.forEach((v, k, m) => {
          expect(m).toBe(lazy);
          seen.push([k, v]);
        });
        expect(seen).toEqual([...plain]);
        // Made once each, and the same object on every read.
        expect([...made].sort()).toEqual([...keys].sort());
        for (const k of keys) expect(lazy.get(k)).toBe(lazy.get(k));
      }),
    );
  });

  it('makes only what is read, and a map over the same keys makes its own values', () => {
    const lazy = new LazyMap(['a', 'b', 'c'], (i) => [i]);
    expect(lazy.get('b')).toEqual([1]);
    expect(['a', 'b', 'c'].map((k) => lazy.isMade(k))).toEqual([false, true, false]);
    const twice = lazy.withSameKeys((i, k) => `${k}${2 * i}`);
    expect([...twice]).toEqual([
      ['a', 'a0'],
      ['b', 'b2'],
      ['c', 'c4'],
    ]);
    expect(lazy.isMade('a')).toBe(false);
    expect(Object.prototype.toString.call(lazy)).toBe('[object LazyMap]');
  });
});
