import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../core/detector.js';
import { svgChart } from './chart.js';

function point(day: string, value: number): SeriesPoint {
  return {
    periodEnd: `${day}T08:00:00.000Z`,
    day,
    value,
    firstValue: value,
    jsonType: 'int',
    firstSeen: day,
    lastSeen: day,
  };
}

const history = {
  source: 's',
  metric: 'page_engaged_users',
  // Values until 2026-03-04; the metric was removed on 2026-03-05 and sent nothing since.
  entities: new Map([
    ['a', ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'].map((d, i) => point(d, 10 + i))],
  ]),
};

describe('svgChart with a range', () => {
  it('lays the series on every day of the range, so the onset after the last value stays on the chart', () => {
    expect(svgChart(history, { onset: '2026-03-05' })).not.toContain('stroke-dasharray');
    const svg = svgChart(history, { onset: '2026-03-05', range: { from: '2026-03-01', to: '2026-03-10' } })!;
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>2026-03-10</text>');
    // Ten days on 308 px (44 … 352): the onset (day 5) at 44 + 4 × 308 / 9.
    expect(svg).toContain(`x1="${(44 + (4 * 308) / 9).toFixed(1)}"`);
  });

  it('draws nothing when the range holds fewer than two values', () => {
    expect(
      svgChart(history, { onset: '2026-03-05', range: { from: '2026-03-04', to: '2026-03-09' } }),
    ).toBeUndefined();
  });
});
