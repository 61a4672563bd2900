// dayHistory builds a metric's grid from the backtest's columns; it must be the grid metricFrame builds from points.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { metricFrame } from '../detectors/stats/frame.js';
import { dayNumber } from '../detectors/stats/days.js';
import { HistorySet } from './history-set.js';
import { dayHistory } from './replay.js';

const START = '2026-01-05';
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 500 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
);

describe('dayHistory', () => {
  it('builds the same grid as metricFrame over the same points, on every replayed day', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 140 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 150 }),
        (series, at) => {
          const set = new HistorySet();
          series.forEach((vals, e) =>
            vals.forEach((v, t) => {
              if (v !== undefined)
                set.add({ date: addDays(START, t), source: 's', metric: 'm', entity: `e${e}`, value: v });
            }),
          );
          set.finish();
          const entities = set.sources.get('s')?.get('m');
          if (!entities) return;
          const d = dayNumber(START) + at;
          const h = dayHistory(set, 's', 'm', entities, d);
          const fresh = { ...h, entities: new Map(h.entities) };
          const a = metricFrame(h);
          const b = metricFrame(fresh);
          expect(a).not.toBe(b);
          expect({ ...a, entities: a.entities.map((s) => ({ ...s, points: [...s.points] })) }).toEqual({
            ...b,
            entities: b.entities.map((s) => ({ ...s, points: [...s.points] })),
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
