// Small builders of synthetic series and histories for detector tests: seasonal, growing, bursty, frozen, rescaled.
import type { MetricContract, MetricKind, SourceContract } from '../../src/core/contract.js';
import type { MetricHistory, SeriesPoint } from '../../src/core/detector.js';
import type { PollRecord } from '../../src/core/observation.js';
import { addDays } from '../../src/core/clock.js';
import { parseTemplate } from '../../src/core/secret.js';
import { negBinomial, normal, type Rand } from '../../src/core/random.js';

/** How a synthetic count series behaves. */
export interface SeriesSpec {
  days: number;
  /** Mean per day at day 0. */
  level: number;
  /** Weekly amplitude in log units (0.15 ≈ ±15 %). */
  weekdayAmp?: number;
  /** Growth per day in log units (0.004 ≈ 0.4 %/day). */
  growth?: number;
  /** AR(1) log-noise sd and coefficient. */
  noise?: number;
  phi?: number;
  /** Gamma–Poisson shape (smaller = more overdispersed). */
  shape?: number;
}

/**
 * A seasonal, growing, noisy count series.
 *
 * @example
 * const v = countSeries(seeded(1), { days: 60, level: 200, weekdayAmp: 0.2, growth: 0.004 });
 */
export function countSeries(r: Rand, s: SeriesSpec): number[] {
  const out: number[] = [];
  let ar = 0;
  const phase = r() * 7;
  for (let t = 0; t < s.days; t++) {
    ar = (s.phi ?? 0.5) * ar + (s.noise ?? 0.15) * normal(r);
    const mu =
      s.level *
      Math.exp((s.growth ?? 0) * t + (s.weekdayAmp ?? 0.15) * Math.sin((2 * Math.PI * (t + phase)) / 7) + ar);
    out.push(negBinomial(r, mu, s.shape ?? 10));
  }
  return out;
}

/** Values from `from` on repeat the value at `from − 1` (stuck at last), a constant, or zero. */
export function freeze(
  values: readonly number[],
  from: number,
  mode: 'last' | 'zero' | number = 'last',
): number[] {
  const held = mode === 'last' ? values[from - 1]! : mode === 'zero' ? 0 : mode;
  return values.map((v, i) => (i >= from ? held : v));
}

/** Values from `from` on multiplied by `factor` (rounded when `round`). */
export function rescale(values: readonly number[], from: number, factor: number, round = false): number[] {
  return values.map((v, i) => (i >= from ? (round ? Math.round(v * factor) : v * factor) : v));
}

/** A burst: `len` days from `at` multiplied by `factor`, then back to normal. */
export function burst(values: readonly number[], at: number, len: number, factor: number): number[] {
  return values.map((v, i) => (i >= at && i < at + len ? Math.round(v * factor) : v));
}

/** Start day of builder histories (a Monday). */
export const START_DAY = '2026-01-05';

/** A series point for a day, with first-seen the next morning. */
export function pointOf(day: string, value: number | null, firstValue: number | null = value): SeriesPoint {
  const next = addDays(day, 1);
  return {
    periodEnd: `${next}T00:00:00.000Z`,
    day,
    value,
    firstValue,
    jsonType: value === null ? 'null' : Number.isInteger(value) ? 'int' : 'float',
    firstSeen: `${next}T06:00:00.000Z`,
    lastSeen: `${next}T06:00:00.000Z`,
  };
}

/**
 * A metric history from per-entity value arrays (null = upstream null, undefined = missing day).
 *
 * @example
 * const h = historyOf({ p1: [1, 2, 3], p2: [4, null, 6] });
 */
export function historyOf(
  series: Record<string, readonly (number | null | undefined)[]>,
  options: { metric?: string; source?: string; start?: string } = {},
): MetricHistory {
  const start = options.start ?? START_DAY;
  const entities = new Map<string, SeriesPoint[]>();
  for (const [entity, values] of Object.entries(series)) {
    const points: SeriesPoint[] = [];
    values.forEach((v, i) => {
      if (v !== undefined) points.push(pointOf(addDays(start, i), v));
    });
    entities.set(entity, points);
  }
  return { source: options.source ?? 'src', metric: options.metric ?? 'm', entities };
}

/** The day after the last day of an n-day builder history at 07:00 UTC: "now" for a poll that just ran. */
export function nowAfter(days: number, start = START_DAY): Date {
  return new Date(`${addDays(start, days)}T07:00:00.000Z`);
}

/** A metric contract with defaults. */
export function metricOf(
  name = 'm',
  kind: MetricKind = 'count',
  extra: Partial<MetricContract> = {},
): MetricContract {
  return {
    name,
    period: 'day',
    kind,
    checks: {},
    location: { file: 'contracts/test.yaml', line: 1, col: 1 },
    ...extra,
  };
}

/** A source contract (http-json) with the given metrics. */
export function sourceOf(metrics: MetricContract[], extra: Partial<SourceContract> = {}): SourceContract {
  return {
    name: 'src',
    owners: [],
    provider: 'http-json',
    connection: {
      kind: 'http-json',
      url: parseTemplate('http://127.0.0.1/'),
      headers: {},
      entities: [],
      select: { records: 'data', time: 'date' },
      lookbackDays: 3,
    },
    schedule: '0 7 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: [],
    metrics,
    checks: {},
    location: { file: 'contracts/test.yaml', line: 1, col: 1 },
    ...extra,
  };
}

/** A successful poll record at `at`. */
export function pollOf(id: number, at: string, extra: Partial<PollRecord> = {}): PollRecord {
  return {
    id,
    source: 'src',
    startedAt: at,
    finishedAt: at,
    outcome: 'ok',
    observationCount: 1,
    requests: [],
    metricOutcomes: [],
    ...extra,
  };
}
