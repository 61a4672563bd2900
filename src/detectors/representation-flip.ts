// S4: the representation flipped — fraction ↔ percent, or integer ↔ decimal — across the panel.
import type { Severity } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import { entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { VALUE, panelDayStat, type MetricFrame } from './stats/frame.js';
import { quantiles } from './stats/robust.js';
import { formatNumber } from './stats/units.js';

export interface RepresentationFlipOptions {
  baselineDays: number;
  /** Days of baseline needed. */
  minHistory: number;
  /** Non-zero values needed in the baseline. */
  minValues: number;
  /** Integer share of the baseline (non-zero values) that makes a series "integer". */
  integerShare: number;
  /** Integer share today below which an integer series turned decimal. */
  decimalShare: number;
  /** Longest flipped stretch searched for the onset. */
  lookback: number;
}

/**
 * Values summarised for the flip tests. The median and the 99th percentile are computed on first use: a count is
 * judged by its integer share alone, so the sorts of a day's or a baseline's values are only paid for fractions
 * and for the evidence of a finding.
 */
class Summary {
  #quantiles: number[] | undefined;
  constructor(
    readonly intShare: number,
    private readonly collect: () => ArrayLike<number>,
  ) {}

  get median(): number {
    return (this.#quantiles ??= quantiles(this.collect(), [0.5, 0.99]))[0]!;
  }

  get p99(): number {
    return (this.#quantiles ??= quantiles(this.collect(), [0.5, 0.99]))[1]!;
  }
}

/** One day of the panel: its values and their summary. */
class DayStats extends Summary {
  constructor(
    readonly values: Float64Array,
    /** Non-zero values, and how many of them are whole. */
    readonly nonZero: number,
    readonly ints: number,
  ) {
    super(nonZero > 0 ? ints / nonZero : NaN, () => values);
  }
}

function dayStats(frame: MetricFrame, i: number): DayStats | undefined {
  const counts = countDay(frame, i);
  if (counts[0] === 0) return undefined;
  // The values in the panel's order, in an array of their own size (kept while the day is remembered).
  const values = new Float64Array(counts[0]!);
  valuesOfDay(frame, i, values);
  return new DayStats(values, counts[1]!, counts[2]!);
}

/**
 * Values on grid day i, non-zero values, and whole ones among those. The loops sit in functions whose code after
 * the loop needs no type feedback: V8 compiles a long loop mid-call, and code after it that had not run then sends
 * every later call back to the interpreter.
 */
function countDay(frame: MetricFrame, i: number): Int32Array {
  const counts = new Int32Array(3);
  const { entities } = frame;
  for (let e = 0; e < entities.length; e++) {
    const s = entities[e]!;
    if (s.presence[i] !== VALUE) continue;
    counts[0]!++;
    const v = s.values[i]!;
    if (v !== 0) {
      counts[1]!++;
      if (Number.isInteger(v)) counts[2]!++;
    }
  }
  return counts;
}

/** The values on grid day i, in the panel's order, into `values`. */
function valuesOfDay(frame: MetricFrame, i: number, values: Float64Array): void {
  const { entities } = frame;
  let k = 0;
  for (let e = 0; e < entities.length; e++) {
    const s = entities[e]!;
    if (s.presence[i] === VALUE) values[k++] = s.values[i]!;
  }
}

type Flip = 'fraction-to-percent' | 'percent-to-fraction' | 'integer-to-decimal' | 'decimal-to-integer';

export const representationFlip: Detector<RepresentationFlipOptions> = {
  id: 'representation-flip',
  title: 'Representation flipped (fraction ↔ percent, integer ↔ decimal)',
  description:
    'Compares the panel’s values with the 28 days before: a metric whose 99th percentile stayed ≤ 1 and whose ' +
    'median is now above 1 switched from fraction to percent (and the reverse); both block. A metric that was ' +
    'integer (≥ 99 % of non-zero values) and is now mostly decimal (< 50 %), or the reverse, warns.',
  class: 'scale',
  stage: 'scale',
  scope: 'metric',
  defaults: {
    baselineDays: 28,
    minHistory: 7,
    minValues: 20,
    integerShare: 0.99,
    decimalShare: 0.5,
    lookback: 14,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      baselineDays: { type: 'integer', minimum: 3 },
      minHistory: { type: 'integer', minimum: 1 },
      minValues: { type: 'integer', minimum: 1 },
      integerShare: { type: 'number', minimum: 0, maximum: 1 },
      decimalShare: { type: 'number', minimum: 0, maximum: 1 },
      lookback: { type: 'integer', minimum: 1 },
    },
  },
  // eslint-disable-next-line max-lines-per-function -- one statistical test read top to bottom: fraction/percent and integer/decimal flips, evidence, explanation
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const days: (DayStats | undefined)[] = [];
    for (let i = Math.max(0, T - o.lookback - o.baselineDays); i <= T; i++)
      days[i] = panelDayStat(frame, 'representation', i, () => dayStats(frame, i));
    const today = days[T];
    if (!today) return [];
    const nowFlip = (d: DayStats | undefined, base: Summary): Flip | undefined => {
      if (!d) return undefined;
      const fractionLike = metric.kind !== 'count';
      if (fractionLike && base.p99 <= 1 && base.p99 > 0 && d.median > 1) return 'fraction-to-percent';
      if (fractionLike && base.median > 1 && base.p99 <= 100 && d.p99 <= 1 && Math.max(...d.values) > 0)
        return 'percent-to-fraction';
      if (base.intShare >= o.integerShare && d.intShare < o.decimalShare) return 'integer-to-decimal';
      if (base.intShare < o.decimalShare && d.intShare >= o.integerShare) return 'decimal-to-integer';
      return undefined;
    };
    // Walk back over the flipped stretch; the baseline is the window before it.
    const baselineBefore = (end: number): Summary | undefined => {
      const from = Math.max(0, end - o.baselineDays + 1);
      let nonZero = 0;
      let ints = 0;
      let nDays = 0;
      for (let i = from; i <= end; i++) {
        const d = days[i];
        if (!d) continue;
        nDays++;
        nonZero += d.nonZero;
        ints += d.ints;
      }
      if (nDays < o.minHistory || nonZero < o.minValues) return undefined;
      return new Summary(ints / nonZero, () => {
        const vals: number[] = [];
        for (let i = from; i <= end; i++) {
          const d = days[i];
          if (d) for (const v of d.values) vals.push(v);
        }
        return vals;
      });
    };
    // Cheap precheck: today must look flipped against the oldest or the newest candidate baseline.
    const newest = baselineBefore(T - 1);
    const oldest = baselineBefore(Math.max(0, T - o.lookback - 1));
    if (!(newest && nowFlip(today, newest)) && !(oldest && nowFlip(today, oldest))) return [];
    // The onset is the earliest day c from which every day is flipped against the baseline before c.
    let found: { onset: number; flip: Flip; base: Summary } | undefined;
    for (let c = Math.max(1, T - o.lookback); c <= T && !found; c++) {
      const b = baselineBefore(c - 1);
      if (!b) continue;
      const f = nowFlip(today, b);
      if (!f) continue;
      let all = true;
      for (let i = c; i < T && all; i++) if (days[i] && nowFlip(days[i], b) !== f) all = false;
      if (all) found = { onset: c, flip: f, base: b };
    }
    if (!found) return [];
    const { onset, flip, base } = found;
    const hard = flip === 'fraction-to-percent' || flip === 'percent-to-fraction';
    const severity: Severity = hard ? 'block' : 'warn';
    const Ti = T;
    const affected = frame.entities
      .filter((s) => s.presence[Ti] === VALUE)
      .filter((s) => {
        const v = s.values[Ti]!;
        if (flip === 'fraction-to-percent') return v > 1;
        if (flip === 'percent-to-fraction') return v <= 1;
        if (flip === 'integer-to-decimal') return !Number.isInteger(v);
        return Number.isInteger(v);
      })
      .map((s) => s.entity)
      .sort();
    const words: Record<Flip, string> = {
      'fraction-to-percent': `was a fraction (99th percentile ${formatNumber(base.p99)}) and now reads as a percent (median ${formatNumber(today.median)})`,
      'percent-to-fraction': `was a percent (median ${formatNumber(base.median)}) and now reads as a fraction (99th percentile ${formatNumber(today.p99)})`,
      'integer-to-decimal': `was integer (${formatNumber(100 * base.intShare)} % of values) and is now decimal (${formatNumber(100 * today.intShare)} % integer)`,
      'decimal-to-integer': `was decimal (${formatNumber(100 * base.intShare)} % integer) and is now integer (${formatNumber(100 * today.intShare)} %)`,
    };
    return [
      {
        rule: 'representation-flip',
        class: 'scale',
        severity,
        source: input.source.name,
        metric: metric.name,
        entities: affected,
        entityShare: round6(affected.length / today.values.length),
        onset: dayString(frame.startDay + onset),
        evidence: {
          flip,
          factor: flip === 'fraction-to-percent' ? 100 : flip === 'percent-to-fraction' ? 0.01 : null,
          baselineP99: round6(base.p99),
          baselineMedian: round6(base.median),
          baselineIntegerShare: round6(base.intShare),
          todayMedian: round6(today.median),
          todayP99: round6(today.p99),
          todayIntegerShare: Number.isFinite(today.intShare) ? round6(today.intShare) : null,
        },
        explanation:
          `${metric.name}: since ${dayString(frame.startDay + onset)} the panel ${words[flip]}` +
          ` on ${affected.length}/${today.values.length} entities (${entityList(affected)}). A representation change upstream, not a real change.`,
      },
    ];
  }),
};
