import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { excursions } from './excursions.js';

const START = '2026-02-01';
const WINDOW = { from: '2026-03-01', to: '2026-03-28' };
const DAYS = 56; // 2026-02-01 .. 2026-03-28

/** A weekly-seasonal series (±20 %) at `level`, with `edit` applied per day index. */
function series(level: number, edit: (i: number, v: number) => number = (_i, v) => v) {
  return Array.from({ length: DAYS }, (_, i) => {
    const v = level * (1 + 0.2 * Math.sin((2 * Math.PI * i) / 7));
    return { day: addDays(START, i), value: edit(i, v) };
  });
}
const idx = (day: string) => Math.round((Date.parse(day) - Date.parse(START)) / 86_400_000);
const between = (a: string, b: string, f: number) => (i: number, v: number) =>
  i >= idx(a) && i <= idx(b) ? v * f : v;

describe('excursions', () => {
  it.each([
    [
      'a 3-day burst ×5 that came back',
      series(1000, between('2026-03-10', '2026-03-12', 5)),
      [{ from: '2026-03-10', to: '2026-03-12' }],
    ],
    [
      'a 2-day dip ÷4 that came back',
      series(1000, between('2026-03-20', '2026-03-21', 0.25)),
      [{ from: '2026-03-20', to: '2026-03-21' }],
    ],
    [
      'a burst still going at the window end (maybe a break)',
      series(1000, between('2026-03-26', '2026-03-28', 5)),
      [],
    ],
    [
      'a level change ×5 for three weeks (not an excursion)',
      series(1000, between('2026-03-05', '2026-03-25', 5)),
      [],
    ],
    ['a burst before the window', series(1000, between('2026-02-10', '2026-02-12', 5)), []],
    ['a burst ×2 (ordinary movement)', series(1000, between('2026-03-10', '2026-03-12', 2)), []],
    ['small counts', series(6, between('2026-03-10', '2026-03-12', 5)), []],
    ['a clean seasonal series', series(1000), []],
  ])('%s', (_name, s, expected) => {
    expect(excursions(s, WINDOW).map(({ from, to }) => ({ from, to }))).toEqual(expected);
  });

  it('names the peak', () => {
    expect(excursions(series(1000, between('2026-03-10', '2026-03-10', 8)), WINDOW)[0]!.peak).toBeGreaterThan(
      6,
    );
  });

  it('never flags weekly seasonality with growth and noise', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 100_000 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: -0.01, max: 0.02, noNaN: true }),
        fc.array(fc.double({ min: -0.15, max: 0.15, noNaN: true }), { minLength: DAYS, maxLength: DAYS }),
        (level, season, growth, noise) => {
          const s = Array.from({ length: DAYS }, (_, i) => ({
            day: addDays(START, i),
            value:
              level * (1 + season * Math.sin((2 * Math.PI * i) / 7)) * Math.exp(growth * i) * (1 + noise[i]!),
          }));
          expect(excursions(s, WINDOW)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
