import { describe, expect, it } from 'vitest';
import { MemoSlot } from './memo-slot.js';

describe('MemoSlot', () => {
  it('remembers a value per object, as a WeakMap keyed by it would', () => {
    const slot = new MemoSlot<object, number>('test');
    const a = {};
    const b = {};
    expect(slot.get(a)).toBeUndefined();
    expect(slot.set(a, 1)).toBe(1);
    expect(slot.get(a)).toBe(1);
    expect(slot.get(b)).toBeUndefined();
    slot.set(a, 2);
    expect(slot.get(a)).toBe(2);
  });

  it('is invisible to the object: no key, no JSON, and a spread copy starts without it', () => {
    const slot = new MemoSlot<{ n: number }, string>('test');
    const h = { n: 1 };
    slot.set(h, 'grid');
    expect(Object.keys(h)).toEqual(['n']);
    expect(JSON.stringify(h)).toBe('{"n":1}');
    expect(slot.get({ ...h })).toBeUndefined();
  });

  it('keeps separate values for separate slots on one object', () => {
    const one = new MemoSlot<object, string>('same name');
    const two = new MemoSlot<object, string>('same name');
    const o = {};
    one.set(o, 'a');
    two.set(o, 'b');
    expect([one.get(o), two.get(o)]).toEqual(['a', 'b']);
  });

  it('remembers values for frozen objects too', () => {
    const slot = new MemoSlot<object, number>('test');
    const frozen = Object.freeze({ n: 1 });
    expect(slot.set(frozen, 7)).toBe(7);
    expect(slot.get(frozen)).toBe(7);
  });
});

describe('MemoSlot.forget', () => {
  it('lets the value go, on extensible and frozen objects alike', () => {
    const slot = new MemoSlot<object, number>('test');
    const open = {};
    const frozen = Object.freeze({});
    slot.set(open, 1);
    slot.set(frozen, 2);
    slot.forget(open);
    slot.forget(frozen);
    expect([slot.get(open), slot.get(frozen)]).toEqual([undefined, undefined]);
    expect(Object.getOwnPropertySymbols(open)).toEqual([]);
  });
});
