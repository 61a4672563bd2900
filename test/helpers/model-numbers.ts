// Every number of a fitted baseline model, for tests that check two fits are the same to the bit.
import type { SeriesModel } from '../../src/detectors/stats/baseline.js';

/**
 * The model's fields, its transformed values, and its expected value and trend at each of `length` grid indices.
 *
 * @example
 * expect(modelNumbers(carried, grid.length)).toEqual(modelNumbers(fresh, grid.length));
 */
export function modelNumbers(m: SeriesModel, length: number): Record<string, unknown> {
  return {
    from: m.from,
    to: m.to,
    n: m.n,
    cold: m.cold,
    weekday: [...m.weekday],
    beta: m.beta,
    level: m.level,
    center: m.center,
    sigma: m.sigma,
    medianValue: m.medianValue,
    structuralZeros: m.structuralZeros,
    transform: [m.transform.name, m.transform.constant],
    y: [...m.y],
    expected: Array.from({ length }, (_, i) => m.expected(i)),
    trend: Array.from({ length }, (_, i) => m.trend(i)),
  };
}
