// S4: one metric must stay at most another of its source (unique ≤ total, engaged ≤ reach), per entity and day.
import type { MetricContract, Severity, SourceContract } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import { entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { metricFrame, VALUE, type EntitySeries } from './stats/frame.js';
import { median } from './stats/robust.js';
import { formatFactor, formatNumber, PANEL_UNIT_FACTORS, preferDecimal, snapToUnit } from './stats/units.js';

export interface InvariantBrokenOptions {
  /** Metric of the same source this one must stay at most, per entity and day (e.g. `page_impressions`). */
  atMost?: string;
  /** Without `atMost`, check `X_unique ≤ X` when the source declares both as counts with one period. */
  inferUnique: boolean;
  /** Relative slack: a day violates only when value > bound·(1 + tolerance) (rounding, attribution windows). */
  tolerance: number;
  /** Days (ending at the newest day) an entity's violations are counted over. */
  confirmDays: number;
  /** Share of an entity's compared days in the window that must violate (and at least ⌈minShare·confirmDays⌉). */
  minShare: number;
  /** Block when, on each of the last `blockDays` days, at least `blockShare` of the compared entities violate. */
  blockDays: number;
  blockShare: number;
  /** Days before the onset the baseline ratio is taken from. */
  baselineDays: number;
}

/** What one metric must stay at most, and whether the pair was inferred from Meta's `_unique` naming. */
export interface InvariantPair {
  bound: string;
  inferred: boolean;
}

const UNIQUE_SUFFIX = '_unique';

/**
 * The metric `metric` must stay at most: its `atMost` option, else `X` for a count `X_unique` when the source declares
 * `X` as a count with the same period (Meta: unique reach never exceeds total impressions).
 *
 * @example
 * invariantPair(source, page_impressions_unique, { inferUnique: true }) // { bound: 'page_impressions', inferred: true }
 */
export function invariantPair(
  source: SourceContract,
  metric: MetricContract,
  options: Pick<InvariantBrokenOptions, 'atMost' | 'inferUnique'>,
): InvariantPair | undefined {
  if (options.atMost !== undefined) {
    return options.atMost === metric.name ? undefined : { bound: options.atMost, inferred: false };
  }
  if (!options.inferUnique || metric.kind !== 'count' || !metric.name.endsWith(UNIQUE_SUFFIX))
    return undefined;
  const base = metric.name.slice(0, -UNIQUE_SUFFIX.length);
  const total = source.metrics.find((m) => m.name === base);
  if (!total || total.kind !== 'count' || total.period !== metric.period) return undefined;
  return { bound: base, inferred: true };
}

/** Per entity: each grid day of the metric's frame, compared with the bound on the same day. */
interface Pairing {
  series: EntitySeries;
  /** Bound value per grid day of the metric (NaN when the bound is missing or null). */
  bound: Float64Array;
}

/** One side moved when its own level changed by this much (log) more than the other side's. */
const MOVED = Math.log(1.5);

/** 0 = not comparable (either side missing or null), 1 = holds, 2 = violated. */
const NONE = 0;
const HOLDS = 1;
const BROKEN = 2;

export const invariantBroken: Detector<InvariantBrokenOptions> = {
  id: 'invariant-broken',
  title: 'Invariant broken (unique ≤ total, engaged ≤ reach)',
  description:
    'Checks, per entity and day, that a metric stays at most another metric of the same source: declared with ' +
    '`checks: { invariant-broken: { options: { atMost: page_impressions } } }`, and inferred for a count `X_unique` ' +
    'when the source declares the count `X` with the same period (unique reach never exceeds total impressions). ' +
    'A day violates when value > bound·(1 + tolerance) (1 % absorbs rounding and attribution windows); a day where ' +
    'either side is missing or null is not compared (that is the null and volume checks’ job). An entity is ' +
    'flagged when it violates on its newest compared day and on at least 60 % of its compared days among the last ' +
    '3 (so 2 of 3): one crossing can be a late restatement, two in three days are not. The evidence gives the median ' +
    'ratio over the violating days against its median in the 28 days before the onset, and names the unit factor ' +
    'when the ratio jumped by one (×10, ×60, ×100, ×1000…, within 0.1 decade): one side changed unit. Blocks when at ' +
    'least half the compared entities violate on each of the last 2 days; warns otherwise.',
  class: 'scale',
  stage: 'scale',
  scope: 'metric',
  defaults: {
    inferUnique: true,
    tolerance: 0.01,
    confirmDays: 3,
    minShare: 0.6,
    blockDays: 2,
    blockShare: 0.5,
    baselineDays: 28,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      atMost: { type: 'string', minLength: 1 },
      inferUnique: { type: 'boolean' },
      tolerance: { type: 'number', minimum: 0, maximum: 1 },
      confirmDays: { type: 'integer', minimum: 1, maximum: 28 },
      minShare: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      blockDays: { type: 'integer', minimum: 1, maximum: 28 },
      blockShare: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      baselineDays: { type: 'integer', minimum: 3 },
    },
  },
  // eslint-disable-next-line max-lines-per-function -- one statistical test read top to bottom: pair the series, baseline, test, evidence, explanation
  detect: forMetric(({ input, frame, metric, o }) => {
    const pair = invariantPair(input.source, metric, o);
    if (!pair) return [];
    const boundHistory = input.metricHistories?.get(pair.bound);
    if (!boundHistory) return [];
    const bf = metricFrame(boundHistory);
    if (bf.length === 0) return [];
    const T = frame.length - 1;
    const offset = frame.startDay - bf.startDay;
    const boundRows = new Map(bf.entities.map((s) => [s.entity, s]));
    const pairings: Pairing[] = [];
    for (const series of frame.entities) {
      const b = boundRows.get(series.entity);
      if (!b) continue;
      const bound = new Float64Array(frame.length).fill(NaN);
      for (let i = 0; i < frame.length; i++) {
        const j = i + offset;
        if (j >= 0 && j < bf.length && b.presence[j] === VALUE) bound[i] = b.values[j]!;
      }
      pairings.push({ series, bound });
    }
    if (pairings.length === 0) return [];
    const stateOf = (p: Pairing, i: number): number => {
      if (p.series.presence[i] !== VALUE || Number.isNaN(p.bound[i]!)) return NONE;
      return p.series.values[i]! > p.bound[i]! * (1 + o.tolerance) ? BROKEN : HOLDS;
    };

    // Which entities violate persistently in the confirmation window.
    const from = Math.max(0, T - o.confirmDays + 1);
    const needed = Math.max(1, Math.ceil(o.minShare * o.confirmDays - 1e-9));
    let compared = 0;
    const flagged: { p: Pairing; since: number; newest: number }[] = [];
    for (const p of pairings) {
      let checked = 0;
      let broken = 0;
      let newest = -1;
      for (let i = from; i <= T; i++) {
        const st = stateOf(p, i);
        if (st === NONE) continue;
        checked++;
        newest = i;
        if (st === BROKEN) broken++;
      }
      if (checked === 0) continue;
      compared++;
      if (stateOf(p, newest) !== BROKEN || broken < needed || broken / checked < o.minShare) continue;
      // Onset of this entity: the start of its current violating stretch (days without a comparison are skipped).
      let since = newest;
      for (let i = newest - 1; i >= 0; i--) {
        const st = stateOf(p, i);
        if (st === NONE) continue;
        if (st !== BROKEN) break;
        since = i;
      }
      flagged.push({ p, since, newest });
    }
    if (flagged.length === 0) return [];

    // Severity: most compared entities violate on each of the last blockDays days.
    let block = true;
    for (let i = T; i > T - o.blockDays && block; i--) {
      if (i < 0) {
        block = false;
        break;
      }
      let n = 0;
      let bad = 0;
      for (const p of pairings) {
        const st = stateOf(p, i);
        if (st === NONE) continue;
        n++;
        if (st === BROKEN) bad++;
      }
      if (n === 0 || bad / n < o.blockShare) block = false;
    }
    const severity: Severity = block ? 'block' : 'warn';

    // Evidence: ratios over the violating stretch and over the baseline before the onset, level moves of each side.
    const onset = Math.min(...flagged.map((f) => f.since));
    const nowRatios: number[] = [];
    const baseRatios: number[] = [];
    const moveSelf: number[] = [];
    const moveBound: number[] = [];
    let violatingDays = 0;
    for (const f of flagged) {
      const selfNow: number[] = [];
      const boundNow: number[] = [];
      const selfBase: number[] = [];
      const boundBase: number[] = [];
      for (let i = f.since; i <= f.newest; i++) {
        if (stateOf(f.p, i) !== BROKEN) continue;
        violatingDays++;
        const s = f.p.series.values[i]!;
        const b = f.p.bound[i]!;
        nowRatios.push(s / b);
        selfNow.push(Math.log(s));
        boundNow.push(Math.log(b));
      }
      for (let i = Math.max(0, onset - o.baselineDays); i < onset; i++) {
        if (stateOf(f.p, i) === NONE) continue;
        const s = f.p.series.values[i]!;
        const b = f.p.bound[i]!;
        baseRatios.push(s / b);
        selfBase.push(Math.log(s));
        boundBase.push(Math.log(b));
      }
      moveSelf.push(median(selfNow) - median(selfBase));
      moveBound.push(median(boundNow) - median(boundBase));
    }
    const ratioNow = median(nowRatios);
    const ratioBase = baseRatios.length >= 3 ? median(baseRatios) : NaN;
    const jump = ratioNow / ratioBase;
    const tolerance = 0.1 * Math.LN10;
    let factor: number | undefined;
    if (Number.isFinite(jump) && jump > 0) {
      const lj = Math.log(jump);
      const snap = preferDecimal(snapToUnit(lj, PANEL_UNIT_FACTORS), lj, tolerance, false);
      if (snap.distance <= tolerance) factor = snap.factor;
    }
    // Which side moved: the one whose own level changed by ×1.5 more than the other's.
    const mSelf = median(moveSelf);
    const mBound = median(moveBound);
    let moved: string | undefined;
    if (Number.isFinite(mSelf) && Number.isFinite(mBound)) {
      if (Math.abs(mSelf) - Math.abs(mBound) >= MOVED) moved = metric.name;
      else if (Math.abs(mBound) - Math.abs(mSelf) >= MOVED) moved = pair.bound;
    }

    const example = [...flagged].sort(
      (a, b) => b.newest - a.newest || a.p.series.entity.localeCompare(b.p.series.entity),
    )[0]!;
    const ex = { value: example.p.series.values[example.newest]!, bound: example.p.bound[example.newest]! };
    const entities = flagged.map((f) => f.p.series.entity).sort();
    const onsetDay = dayString(frame.startDay + onset);
    const exampleDay = dayString(frame.startDay + example.newest);
    const why = pair.inferred ? ' (inferred from the names: a unique count never exceeds its total)' : '';
    const ratioText = Number.isFinite(ratioNow)
      ? `median ratio ${formatNumber(ratioNow)}` +
        (Number.isFinite(ratioBase)
          ? ` against ${formatNumber(ratioBase)} in the ${o.baselineDays} days before`
          : '')
      : `${pair.bound} was 0 on those days`;
    const cause =
      factor !== undefined
        ? `The ratio jumped ${formatFactor(factor)} since ${onsetDay}: ${moved ? `${moved} is` : 'one of the two metrics is'} now in a different unit.`
        : moved
          ? `${moved} moved (${formatFactor(Math.exp(moved === metric.name ? mSelf : mBound))}) while the other held: a definition or attribution change upstream, not a real change.`
          : 'A definition or attribution change upstream, not a real change.';
    return [
      {
        rule: 'invariant-broken',
        class: 'scale',
        severity,
        source: input.source.name,
        metric: metric.name,
        entities,
        entityShare: round6(entities.length / Math.max(1, compared)),
        onset: onsetDay,
        evidence: {
          atMost: pair.bound,
          inferred: pair.inferred,
          tolerance: o.tolerance,
          violatingEntityDays: violatingDays,
          entitiesViolating: entities.length,
          entitiesCompared: compared,
          ratio: Number.isFinite(ratioNow) ? round6(ratioNow) : null,
          baselineRatio: Number.isFinite(ratioBase) ? round6(ratioBase) : null,
          factor: factor ?? null,
          moved: moved ?? null,
          exampleEntity: example.p.series.entity,
          exampleDay,
          exampleValue: ex.value,
          exampleBound: ex.bound,
        },
        explanation:
          `${metric.name} must stay at most ${pair.bound}${why}, but exceeds it on ${entities.length}/${compared} ` +
          `entities since ${onsetDay} (${entityList(entities)}): ${violatingDays} entity-days more than ` +
          `${formatNumber(100 * o.tolerance)} % above, ${ratioText}. E.g. ${example.p.series.entity} on ${exampleDay}: ` +
          `${formatNumber(ex.value)} against ${formatNumber(ex.bound)}. ${cause}`,
      },
    ];
  }),
};
