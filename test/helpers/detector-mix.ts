// Builders of synthetic categorical histories (counts per category and day) for detector tests and the benchmark.
import { addDays } from '../../src/core/clock.js';
import type { MetricHistory, SeriesPoint } from '../../src/core/detector.js';
import { gamma, poisson, type Rand } from '../../src/core/random.js';
import { START_DAY } from './detector-series.js';

/** How one entity's mix of categories behaves day by day. */
export interface MixSpec {
  days: number;
  /** Mean count per day over all categories. */
  level: number;
  /** Share of each category (normalised). */
  shares: Readonly<Record<string, number>>;
  /**
   * Day-to-day wobble of the shares: each day's shares are drawn from a Dirichlet with this concentration around
   * `shares` (smaller = more wobble). Undefined: the shares are fixed and only sampling noise remains (multinomial).
   */
  concentration?: number;
  /** From day `from` on, the shares become `shares` (a mix shift, a category appearing or vanishing). */
  change?: { from: number; shares: Readonly<Record<string, number>> };
}

function normalised(shares: Readonly<Record<string, number>>): [string, number][] {
  const total = Object.values(shares).reduce((s, v) => s + v, 0);
  return Object.entries(shares).map(([k, v]) => [k, v / total]);
}

/**
 * Daily counts per category: independent Poisson counts around `level × share` (given their total, a multinomial),
 * with Dirichlet wobble of the shares when `concentration` is set.
 *
 * @example
 * mixSeries(seeded(1), { days: 42, level: 500, shares: { a: 0.6, b: 0.3, other: 0.1 } })[0] // { a: 297, b: 152, other: 48 }
 */
export function mixSeries(r: Rand, spec: MixSpec): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (let t = 0; t < spec.days; t++) {
    const shares = normalised(spec.change && t >= spec.change.from ? spec.change.shares : spec.shares);
    let day = shares;
    if (spec.concentration !== undefined) {
      const g = shares.map(
        ([k, s]) => [k, s > 0 ? gamma(r, spec.concentration! * s) : 0] as [string, number],
      );
      const sum = g.reduce((s, [, v]) => s + v, 0);
      day = g.map(([k, v]) => [k, sum > 0 ? v / sum : 0]);
    }
    const counts: Record<string, number> = {};
    for (const [k, s] of day) {
      const n = poisson(r, spec.level * s);
      if (n > 0) counts[k] = n;
    }
    out.push(counts);
  }
  return out;
}

/**
 * A categorical metric's history from per-entity daily counts: each point's value is the day's total and its
 * breakdown the counts.
 *
 * @example
 * const h = mixHistory({ global: mixSeries(seeded(1), { days: 42, level: 500, shares: { a: 1, b: 1 } }) });
 */
export function mixHistory(
  series: Record<string, readonly Record<string, number>[]>,
  options: { metric?: string; source?: string; start?: string } = {},
): MetricHistory {
  const start = options.start ?? START_DAY;
  const entities = new Map<string, SeriesPoint[]>();
  for (const [entity, days] of Object.entries(series)) {
    entities.set(
      entity,
      days.map((breakdown, i) => {
        const day = addDays(start, i);
        const next = addDays(day, 1);
        const value = Object.values(breakdown).reduce((s, v) => s + v, 0);
        return {
          periodEnd: `${next}T00:00:00.000Z`,
          day,
          value,
          firstValue: value,
          jsonType: 'object',
          firstSeen: `${next}T06:00:00.000Z`,
          lastSeen: `${next}T06:00:00.000Z`,
          breakdown,
        };
      }),
    );
  }
  return { source: options.source ?? 'src', metric: options.metric ?? 'm', entities };
}
