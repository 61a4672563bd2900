import { describe, expect, it } from 'vitest';
import { isUpwatchError } from '../core/errors.js';
import { frozenExtent } from './frozen-extent.js';
import { clip, defaultWindow, parseWindow, windowDays } from './window.js';

describe('parseWindow', () => {
  it.each([
    ['2026-03-01..2026-03-28', { from: '2026-03-01', to: '2026-03-28' }],
    [' 2026-03-01 .. 2026-03-01 ', { from: '2026-03-01', to: '2026-03-01' }],
  ])('%s', (text, expected) => expect(parseWindow(text)).toEqual(expected));

  it.each([
    '2026-03-01',
    '2026-03-28..2026-03-01',
    '2026-02-30..2026-03-01',
    'march..april',
    '2026-3-1..2026-3-2',
  ])('rejects %s as a usage error', (text) => {
    let err: unknown;
    try {
      parseWindow(text);
    } catch (e) {
      err = e;
    }
    expect(isUpwatchError(err, 'USAGE')).toBe(true);
  });
});

describe('the default window', () => {
  it('is the 28 days ending today', () => {
    const w = defaultWindow(new Date('2026-03-28T23:59:00Z'));
    expect(w).toEqual({ from: '2026-03-01', to: '2026-03-28' });
    expect(windowDays(w)).toBe(28);
  });
});

describe('clip', () => {
  const w = { from: '2026-03-01', to: '2026-03-28' };
  it.each([
    ['2026-02-01', '2026-03-05', { from: '2026-03-01', to: '2026-03-05' }],
    ['2026-03-10', '2026-04-05', { from: '2026-03-10', to: '2026-03-28' }],
    ['2026-02-01', '2026-02-28', undefined],
  ])('[%s, %s]', (a, b, expected) => expect(clip(w, a, b)).toEqual(expected));
});

describe('frozenExtent', () => {
  const p = (day: string, value: number | null) => ({ day: `2026-03-${day}`, value });
  const s = [p('01', 5), p('02', 7), p('03', 7), p('04', 7), p('05', 9)];
  it.each([
    ['a run that ended', s, '2026-03-03', { from: '2026-03-03', to: '2026-03-04' }],
    ['a run still going', [...s.slice(0, 4)], '2026-03-02', { from: '2026-03-02', to: '2026-03-04' }],
    ['no value on the onset day', s, '2026-03-06', undefined],
    ['a null on the onset day', [p('01', null), p('02', null)], '2026-03-01', undefined],
  ])('%s', (_name, series, onset, expected) => expect(frozenExtent(series, onset)).toEqual(expected));
});
