// Deterministic per-entity metric series: log-normal sizes, weekly seasonality, growth, AR(1) log-noise, count noise.
import type { MetricPeriod } from '../core/contract.js';
import { rngFor } from './rng.js';
import type { ScenarioEvent, SimMetric, SimPages } from './scenario.js';

/** A served value: a number, or a breakdown object of non-zero keys. */
export type SimValue = number | Record<string, number>;

/** What a series model needs. Data events use data days (the day a value covers, day 0 = `startDate`). */
export interface SeriesModelOptions {
  seed: number;
  /** Keeps the Graph pages and the partner entities on different random streams. */
  namespace: string;
  entityCount: number;
  sizes: Pick<SimPages, 'sizeSigma' | 'growth'>;
  metrics: readonly SimMetric[];
  events: readonly ScenarioEvent[];
  startDate: string;
  /** First data day available (negative: history before the start). */
  firstDay: number;
  /** Last data day that may ever be generated (a bound, not an availability rule). */
  lastDay: number;
}

const DEFAULT_PERIODS: readonly MetricPeriod[] = ['day', 'week', 'days_28'];
const PERIOD_DAYS: Partial<Record<MetricPeriod, number>> = { day: 1, week: 7, days_28: 28 };

function dayOfWeek(startDate: string, day: number): number {
  return new Date(Date.parse(`${startDate}T00:00:00Z`) + day * 86_400_000).getUTCDay();
}

/**
 * The simulated values of every (entity, metric, day). Values depend only on the seed and the scenario, never on
 * which requests came first, so a re-poll restates nothing unless an event says so.
 *
 * @example
 * const m = new SeriesModel({ seed: 7, namespace: 'graph', entityCount: 3, sizes, metrics, events: [],
 *   startDate: '2024-01-01', firstDay: -30, lastDay: 400 });
 * m.value(0, 'page_media_view', 10, 'day') // e.g. 1873, the same on every call
 */
export class SeriesModel {
  readonly #o: SeriesModelOptions;
  readonly #metrics: Map<string, SimMetric>;
  readonly #latent = new Map<string, Float64Array>();
  readonly #raw = new Map<string, (SimValue | undefined)[]>();
  readonly #sizes = new Map<number, number>();

  constructor(options: SeriesModelOptions) {
    this.#o = options;
    this.#metrics = new Map(options.metrics.map((m) => [m.name, m]));
    for (const m of options.metrics) {
      for (const dep of [m.of, m.numerator, m.denominator]) {
        if (dep !== undefined && !this.#metrics.has(dep)) {
          throw new Error(`simulated metric ${m.name} refers to unknown metric ${dep}`);
        }
      }
    }
  }

  /** The metric definition, if the model serves it. */
  metric(name: string): SimMetric | undefined {
    return this.#metrics.get(name);
  }

  /** Periods a metric is served for. */
  periods(name: string): readonly MetricPeriod[] {
    const m = this.#metrics.get(name);
    if (m === undefined) return [];
    return m.periods ?? (m.kind === 'cumulative' || m.kind === 'ratio' ? ['day'] : DEFAULT_PERIODS);
  }

  /** Size of entity `e` (median 1, log-normal). */
  size(e: number): number {
    let s = this.#sizes.get(e);
    if (s === undefined) {
      s = Math.exp(this.#o.sizes.sizeSigma * rngFor(this.#o.seed, this.#o.namespace, 'size', e).normal());
      this.#sizes.set(e, s);
    }
    return s;
  }

  /**
   * The value served for entity `e`, metric, data day and period, after scripted events (freeze, unit change).
   * Undefined when out of range or when the metric is not served for that period.
   */
  value(e: number, metric: string, day: number, period: MetricPeriod = 'day'): SimValue | undefined {
    if (!this.periods(metric).includes(period)) return undefined;
    const span = PERIOD_DAYS[period];
    if (span === undefined) return undefined;
    if (span === 1) return this.#served(e, metric, day);
    const m = this.#metrics.get(metric)!;
    let total: SimValue | undefined;
    for (let d = day - span + 1; d <= day; d++) {
      const v = this.#served(e, metric, d);
      if (v === undefined) return undefined;
      total = total === undefined ? v : addValues(total, v);
    }
    // Uniques over a window are fewer than the sum of daily uniques (people come back).
    return m.kind === 'unique' && typeof total === 'number' ? Math.round(total * 0.8) : total;
  }

  #served(e: number, metric: string, day: number): SimValue | undefined {
    if (day < this.#o.firstDay || day > this.#o.lastDay) return undefined;
    let factor = 1;
    for (const ev of this.#o.events) {
      if (ev.kind === 'freeze' && ev.metric === metric && ev.pages.includes(e) && day >= ev.day) {
        if (ev.untilDay === undefined || day < ev.untilDay) {
          return (ev.mode ?? 'last') === 'zero' ? 0 : this.#served(e, metric, ev.day - 1);
        }
      }
      if (
        ev.kind === 'unit-change' &&
        ev.metric === metric &&
        day >= ev.day &&
        (ev.pages?.includes(e) ?? true)
      ) {
        factor *= ev.factor;
      }
    }
    const raw = this.#rawValue(e, metric, day);
    if (raw === undefined || factor === 1) return raw;
    return scaleValue(raw, factor);
  }

  #rawValue(e: number, metric: string, day: number): SimValue | undefined {
    const key = `${e}|${metric}`;
    let cache = this.#raw.get(key);
    if (cache === undefined) {
      cache = [];
      this.#raw.set(key, cache);
    }
    const i = day - this.#o.firstDay;
    const hit = cache[i];
    if (hit !== undefined) return hit;
    const v = this.#computeRaw(e, metric, day);
    cache[i] = v;
    return v;
  }

  #computeRaw(e: number, metric: string, day: number): SimValue | undefined {
    const m = this.#metrics.get(metric);
    if (m === undefined) return undefined;
    const r = rngFor(this.#o.seed, this.#o.namespace, 'count', e, metric, day);
    const shape = m.shape ?? 30;
    switch (m.kind) {
      case 'count':
        return r.poissonGamma(Math.exp(this.#latentAt(e, m, day)), shape);
      case 'unique': {
        const total = this.#rawValue(e, m.of!, day);
        const draw = r.poissonGamma(Math.exp(this.#latentAt(e, m, day)), shape);
        return typeof total === 'number' ? Math.min(total, draw) : draw;
      }
      case 'cumulative': {
        // Fill forward from the last cached day, so a long history costs one pass (no deep recursion).
        const cache = this.#raw.get(`${e}|${metric}`)!;
        let d = day - 1;
        while (d >= this.#o.firstDay && typeof cache[d - this.#o.firstDay] !== 'number') d--;
        let sum =
          d < this.#o.firstDay
            ? Math.round((m.base ?? 1000) * this.size(e))
            : (cache[d - this.#o.firstDay] as number);
        for (let k = d + 1; k <= day; k++) {
          const add = this.#rawValue(e, m.of!, k);
          if (typeof add === 'number') sum += add;
          if (k < day) cache[k - this.#o.firstDay] = sum;
        }
        return sum;
      }
      case 'ratio': {
        const num = this.#rawValue(e, m.numerator!, day);
        const den = this.#rawValue(e, m.denominator!, day);
        if (typeof num !== 'number' || typeof den !== 'number') return undefined;
        return den === 0 ? 0 : Math.round((num / den) * 1e6) / 1e6;
      }
      case 'breakdown': {
        const level = Math.exp(this.#latentAt(e, m, day));
        const out: Record<string, number> = {};
        for (const [k, share] of Object.entries(m.breakdown ?? {})) {
          const n = r.poissonGamma(level * share, shape);
          if (n > 0) out[k] = n;
        }
        return out;
      }
    }
  }

  /** Log of the expected level of metric `m` for entity `e` on `day` (before count noise). */
  #latentAt(e: number, m: SimMetric, day: number): number {
    const key = `${e}|${m.name}`;
    let arr = this.#latent.get(key);
    if (arr === undefined) {
      arr = this.#buildLatent(e, m);
      this.#latent.set(key, arr);
    }
    return arr[day - this.#o.firstDay] ?? Number.NaN;
  }

  #buildLatent(e: number, m: SimMetric): Float64Array {
    const { firstDay, lastDay, seed, namespace, startDate } = this.#o;
    const n = lastDay - firstDay + 1;
    const out = new Float64Array(n);
    const isDriver = m.of === undefined;
    const ar = m.ar ?? (isDriver ? { phi: 0.5, sigma: 0.12 } : { phi: 0.3, sigma: 0.08 });
    const pr = rngFor(seed, namespace, 'entity', e, m.name);
    const growth =
      this.#o.sizes.growth.mean + this.#o.sizes.growth.sd * rngFor(seed, namespace, 'growth', e).normal();
    const amplitude = (m.weekly ?? 0.15) * (0.6 + 0.8 * pr.uniform());
    const phase = pr.uniform() * 7;
    const parent = m.of === undefined ? undefined : this.#metrics.get(m.of);
    const logBase = Math.log((m.base ?? 100) * this.size(e));
    let a = 0;
    for (let i = 0; i < n; i++) {
      const day = firstDay + i;
      a = ar.phi * a + ar.sigma * rngFor(seed, namespace, 'ar', e, m.name, day).normal();
      let level: number;
      if (parent === undefined) {
        const dow = dayOfWeek(startDate, day);
        level =
          logBase +
          growth * day +
          amplitude * Math.cos((2 * Math.PI * (dow - phase)) / 7) +
          Math.log(this.#burst(e, day));
      } else {
        level = this.#latentAt(e, parent, day) + Math.log(m.ratio ?? 1);
      }
      out[i] = level + a;
    }
    return out;
  }

  #burst(e: number, day: number): number {
    let f = 1;
    for (const ev of this.#o.events) {
      if (ev.kind === 'viral-burst' && ev.page === e && day >= ev.day && day < ev.day + ev.days)
        f *= ev.factor;
    }
    return f;
  }
}

function addValues(a: SimValue, b: SimValue): SimValue {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const out: Record<string, number> = typeof a === 'number' ? {} : { ...a };
  if (typeof b !== 'number') for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function scaleValue(v: SimValue, factor: number): SimValue {
  const round = (x: number): number => Math.round(x * factor * 1e6) / 1e6;
  if (typeof v === 'number') return round(v);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]));
}
