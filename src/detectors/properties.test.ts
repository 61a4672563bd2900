import { describe, it } from 'vitest';
import fc from 'fast-check';
import { runDetectors } from './run.js';
import {
  burst,
  countSeries,
  historyOf,
  metricOf,
  nowAfter,
  pollOf,
  sourceOf,
} from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';

// Every registered detector together, over whole panels: genuine seasonality, growth and viral bursts are normal.
describe('all detectors', () => {
  it('property: seasonal, growing and bursty panels never raise a block-severity finding', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 25 }),
        fc.double({ min: -0.008, max: 0.008, noNaN: true }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.array(
          fc.record({
            e: fc.nat(),
            at: fc.integer({ min: 30, max: 69 }),
            len: fc.integer({ min: 1, max: 3 }),
            f: fc.double({ min: 2, max: 10, noNaN: true }),
          }),
          { maxLength: 4 },
        ),
        (seed, n, growth, weekdayAmp, bursts) => {
          const r = seeded(seed);
          const series: Record<string, number[]> = {};
          for (let e = 0; e < n; e++) {
            let v = countSeries(seeded(seed + e * 7919), {
              days: 70,
              level: Math.exp(1 + 7 * r()),
              weekdayAmp,
              growth,
            });
            for (const b of bursts) if (b.e % n === e) v = burst(v, b.at, b.len, b.f);
            series[`p${e}`] = v;
          }
          const found = runDetectors({
            source: sourceOf([metricOf('m', 'count')]),
            histories: new Map([['m', historyOf(series)]]),
            polls: [pollOf(1, nowAfter(70).toISOString())],
            docChanges: [],
            now: nowAfter(70),
          });
          return found.every((f) => f.severity !== 'block');
        },
      ),
      { numRuns: 40 },
    );
  });
});
