import { describe, expect, it } from 'vitest';
import { fitBaseline } from './baseline.js';
import { metricFrame } from './frame.js';
import { historyOf } from '../../../test/helpers/detector-series.js';

describe('fitBaseline', () => {
  it('recovers weekday factors, trend and level of a clean seasonal series', () => {
    const week = [0.3, -0.1, -0.1, 0, 0, -0.1, 0];
    const values = Array.from({ length: 42 }, (_, i) => Math.round(Math.exp(6 + 0.01 * i + week[i % 7]!)));
    const frame = metricFrame(historyOf({ p1: values }));
    const m = fitBaseline(frame, frame.entities[0]!, 'count', 14, 41)!;
    expect(m.cold).toBe(false);
    expect(m.beta).toBeCloseTo(0.01, 2);
    for (let i = 14; i <= 41; i++) expect(Math.abs(m.y[i]! - m.expected(i))).toBeLessThan(0.05);
    expect(m.sigma).toBeGreaterThanOrEqual(0.05);
  });

  it('floors the scale with the Poisson term and goes cold below 14 days', () => {
    const frame = metricFrame(historyOf({ p1: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] }));
    const m = fitBaseline(frame, frame.entities[0]!, 'count', 0, 9)!;
    expect(m.cold).toBe(true);
    expect(m.sigma).toBe(0.5);
    const frame2 = metricFrame(historyOf({ p1: Array.from({ length: 30 }, () => 3) }));
    expect(fitBaseline(frame2, frame2.entities[0]!, 'count', 0, 29)!.sigma).toBeCloseTo(0.5, 6);
    const frame3 = metricFrame(historyOf({ p1: Array.from({ length: 30 }, () => 99) }));
    expect(fitBaseline(frame3, frame3.entities[0]!, 'count', 0, 29)!.sigma).toBeCloseTo(0.1, 6);
  });

  it('needs minDays values', () => {
    const frame = metricFrame(historyOf({ p1: [1, 2, 3] }));
    expect(fitBaseline(frame, frame.entities[0]!, 'count', 0, 2)).toBeUndefined();
  });
});
