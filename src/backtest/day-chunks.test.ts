import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { dayNumber } from '../detectors/stats/days.js';
import { planChunks } from './day-chunks.js';
import { HistorySet } from './history-set.js';

const START = '2026-01-05';

/** Entity e delivers a row on days [from_e, to_e]. */
function spansSet(spans: readonly [number, number][]): HistorySet {
  const set = new HistorySet();
  spans.forEach(([from, to], e) => {
    for (let t = from; t <= to; t++)
      set.add({ date: addDays(START, t), source: 's', metric: 'm', entity: `e${e}`, value: t });
  });
  set.finish();
  return set;
}

describe('planChunks', () => {
  it('splits the days into consecutive, non-empty chunks covering them, at most one a day', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 60 }))
            .map(([a, n]) => [a, a + n]),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        (spans, count, warmup) => {
          const set = spansSet(spans as [number, number][]);
          const first = set.minDay + warmup;
          const chunks = planChunks(set, first, set.maxDay, count);
          if (first > set.maxDay) {
            expect(chunks).toEqual([]);
            return;
          }
          expect(chunks.length).toBe(Math.min(count, set.maxDay - first + 1));
          expect(chunks[0]!.from).toBe(first);
          expect(chunks[chunks.length - 1]!.to).toBe(set.maxDay);
          chunks.forEach((c, i) => {
            expect(c.to).toBeGreaterThanOrEqual(c.from);
            if (i > 0) expect(c.from).toBe(chunks[i - 1]!.to + 1);
          });
        },
      ),
    );
  });

  it('balances the work (series read, window), not the days: a panel that doubles halfway splits late', () => {
    // 10 entities on days 0..179, 10 more from day 90: days after 90 read twice the series.
    const set = spansSet([
      ...Array.from({ length: 10 }, (): [number, number] => [0, 179]),
      ...Array.from({ length: 10 }, (): [number, number] => [90, 179]),
    ]);
    const [a, b] = planChunks(set, set.minDay, set.maxDay, 2);
    // Series read (plus one) 11 a day before day 90, 21 after, each day's weight 3 + window / 120: half the work
    // is done on day 115 (by days alone it would be day 89; by series alone, day 111).
    expect(a).toEqual({ from: dayNumber(START), to: dayNumber(addDays(START, 115)) });
    expect(b!.from).toBe(a!.to + 1);
  });
});
