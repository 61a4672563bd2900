// S1: one series moved by a unit factor (×60, ×100, ×1000, ×1024, …) against its expected level.
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { entitiesToday, entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { quantile, median } from './stats/robust.js';
import { entityShift, runMedianValue, type EntityShift } from './stats/shift.js';
import {
  SERIES_UNIT_FACTORS,
  formatFactor,
  formatNumber,
  isBinaryUnit,
  preferDecimal,
  snapToUnit,
} from './stats/units.js';

export interface UnitScaleOptions {
  /** |Z| needed once the change has lasted `confirmDays`. */
  zConfirm: number;
  /** |Z| that fires on the first changed day (fast path). */
  zFast: number;
  confirmDays: number;
  /** Snap tolerance in decades (max with 3·SE). */
  toleranceDecades: number;
  /** Upper bound of the snap tolerance in decades (3·SE alone lets a ×20 burst pass as ×60). */
  maxToleranceDecades: number;
  /** Unit factors tried per series (×10 is panel-only, see panel-scale). */
  factors: number[];
  /** Evaluation window: the baseline ends this many days before today at most. */
  lookback: number;
  baselineDays: number;
  /** Days of history needed before a series is judged (σ̂ = 0.5 below 14). */
  minHistory: number;
  /** Share of entities from which the finding blocks at once (panel-wide). */
  escalateShare: number;
  /** Days a per-entity change must last before it blocks (viral bursts last at most 3): warn until then. */
  blockDays: number;
}

/** One entity that moved by a unit factor. */
export interface UnitHit {
  shift: EntityShift;
  factor: number;
  distance: number;
}

/** The per-entity unit test, exported for panel-scale, the benchmark and tests. */
export function unitHit(
  shift: EntityShift,
  values: Float64Array,
  o: UnitScaleOptions,
  binary = false,
): UnitHit | undefined {
  if (!significant(shift, values, o)) return undefined;
  const tol = Math.min(
    Math.max(o.toleranceDecades * Math.LN10, 3 * shift.se),
    o.maxToleranceDecades * Math.LN10,
  );
  const snap = preferDecimal(snapToUnit(shift.logFactor, o.factors), shift.logFactor, tol, binary);
  if (snap.distance > tol) return undefined;
  return { shift, factor: snap.factor, distance: snap.distance };
}

/** A shift large and certain enough to be judged: |Z| over the confirm or the fast threshold, a positive level. */
function significant(shift: EntityShift, values: Float64Array, o: UnitScaleOptions): boolean {
  const az = Math.abs(shift.z);
  if (!((shift.k >= o.confirmDays && az >= o.zConfirm) || az >= o.zFast)) return false;
  if (Math.sign(shift.logFactor) !== Math.sign(shift.delta)) return false;
  return runMedianValue(shift, values) > 0;
}

/**
 * Entities that moved with a group of at least 3 agreeing on a unit factor, on the same day (±1), significantly and at
 * least half-way there in log (÷ or × alike), but whose own first days were too noisy to snap (a page whose ×1000
 * read ×470 because its first two days were weak). One series cannot tell; the group it moved with can.
 */
function joiners(
  group: readonly UnitHit[],
  shifts: readonly { shift: EntityShift; values: Float64Array }[],
  hit: ReadonlySet<string>,
  o: UnitScaleOptions,
): UnitHit[] {
  if (group.length < 3) return [];
  const factor = group[0]!.factor;
  const lnF = Math.log(factor);
  const onset = median(group.map((h) => h.shift.onsetIndex));
  const out: UnitHit[] = [];
  for (const { shift, values } of shifts) {
    if (hit.has(shift.entity) || Math.abs(shift.onsetIndex - onset) > 1) continue;
    const share = shift.logFactor / lnF;
    if (share < 0.5 || share > 1.5 || !significant(shift, values, o)) continue;
    out.push({ shift, factor, distance: Math.abs(shift.logFactor - lnF) });
  }
  return out;
}

/**
 * On the first changed day, the unit factor that cannot be ruled out beside the named one: the runner-up when at
 * least a third of the entities snapped to it, or, for one entity, the next catalog factor when the read lies
 * within 0.15 (ln) of the midpoint. One day of overdispersed counts can read ×75 for a ×100 change (×60 and ×100
 * are 0.51 apart in ln); the finding then says so instead of sounding certain.
 */
function ambiguity(
  factor: number,
  byFactor: ReadonlyMap<number, UnitHit[]>,
  total: number,
  group: readonly UnitHit[],
  catalog: readonly number[],
  binary: boolean,
): number | undefined {
  const up = factor > 1;
  const runnerUp = [...byFactor.entries()]
    .filter(([f]) => f > 1 === up && Math.abs(Math.log(f / factor)) >= 0.1)
    .sort((a, b) => b[1].length - a[1].length)[0];
  if (runnerUp && runnerUp[1].length * 3 >= total) return runnerUp[0];
  if (group.length !== 1) return undefined;
  const a = Math.abs(group[0]!.shift.logFactor);
  const own = Math.abs(a - Math.log(up ? factor : 1 / factor));
  let best: number | undefined;
  let bestDistance = Infinity;
  for (const u of catalog) {
    const d = Math.abs(a - Math.log(u));
    // ×1000 and ×1024 are too close for one day to matter (preferDecimal settles them).
    if (Math.abs(Math.log(u) - Math.log(up ? factor : 1 / factor)) < 0.1 || d >= bestDistance) continue;
    best = u;
    bestDistance = d;
  }
  // Within 0.15 of the midpoint: the two distances differ by less than 0.3.
  if (best === undefined || bestDistance - own >= 0.3) return undefined;
  if (best === 1024 && !binary && catalog.includes(1000)) best = 1000;
  return up ? best : 1 / best;
}

export const unitScale: Detector<UnitScaleOptions> = {
  id: 'unit-scale',
  title: 'Series rescaled by a unit factor',
  description:
    'Compares each series with its expected level (weekday factors, clipped Theil–Sen trend, robust scale with a ' +
    'Poisson noise floor) and flags a robust log-ratio that is both significant (|Z| ≥ 6 over 3 days, or ≥ 8 on ' +
    'the first day) and close to a unit factor (×60, ×100, ×1000, ×1024, ×3600, ×86400, ×10⁶ or a reciprocal). ' +
    'Such a jump is a unit or representation change, not growth. It blocks at once when half the entities moved, ' +
    'and for fewer entities once the change has lasted 4 days (viral bursts last at most 3); it warns before. ' +
    'On the first changed day it also names a second factor it cannot yet rule out (×60 or ×100) when the reads split.',
  class: 'scale',
  stage: 'scale',
  scope: 'metric',
  defaults: {
    zConfirm: 6,
    zFast: 8,
    confirmDays: 3,
    toleranceDecades: 0.1,
    maxToleranceDecades: 0.3,
    factors: [...SERIES_UNIT_FACTORS],
    lookback: 7,
    baselineDays: 28,
    minHistory: 7,
    escalateShare: 0.5,
    blockDays: 4,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      zConfirm: { type: 'number', minimum: 1 },
      zFast: { type: 'number', minimum: 1 },
      confirmDays: { type: 'integer', minimum: 1 },
      toleranceDecades: { type: 'number', minimum: 0 },
      maxToleranceDecades: { type: 'number', minimum: 0 },
      factors: { type: 'array', items: { type: 'number', exclusiveMinimum: 1 }, minItems: 1 },
      lookback: { type: 'integer', minimum: 1, maximum: 28 },
      baselineDays: { type: 'integer', minimum: 7 },
      minHistory: { type: 'integer', minimum: 3 },
      escalateShare: { type: 'number', minimum: 0, maximum: 1 },
      blockDays: { type: 'integer', minimum: 1 },
    },
  },
  // eslint-disable-next-line max-lines-per-function -- one statistical test read top to bottom: log-ratio, factor snap, persistence, evidence, explanation
  detect: forMetric(({ input, frame, metric, o }) => {
    const hits: UnitHit[] = [];
    const shifts: { shift: EntityShift; values: Float64Array }[] = [];
    for (const s of frame.entities) {
      const shift = entityShift(frame, s, metric.kind, o);
      if (!shift) continue;
      shifts.push({ shift, values: s.values });
      const hit = unitHit(shift, s.values, o, isBinaryUnit(metric.unit));
      if (hit) hits.push(hit);
    }
    if (hits.length === 0) return [];
    // Report the factor most entities agree on.
    const byFactor = new Map<number, UnitHit[]>();
    for (const h of hits) byFactor.set(h.factor, [...(byFactor.get(h.factor) ?? []), h]);
    const agreed = [...byFactor.values()].sort((a, b) => b.length - a.length)[0]!;
    const joined = joiners(agreed, shifts, new Set(hits.map((h) => h.shift.entity)), o);
    hits.push(...joined);
    const group = [...agreed, ...joined];
    const factor = group[0]!.factor;
    const n = Math.max(1, entitiesToday(frame));
    const kappas = group.map((h) => Math.exp(h.shift.logFactor));
    const kappa = median(kappas);
    const lo = quantile(kappas, 0.25);
    const hi = quantile(kappas, 0.75);
    const entities = hits.map((h) => h.shift.entity).sort();
    const onsetIndex = Math.min(...group.map((h) => h.shift.onsetIndex));
    const example = group.reduce((a, b) => (Math.abs(b.shift.z) > Math.abs(a.shift.z) ? b : a));
    const series = frame.entities.find((s) => s.entity === example.shift.entity)!;
    const d1 = example.shift.onsetIndex;
    const v1 = series.values[d1]!;
    const last = example.shift.lastNormal;
    const zs = group.map((h) => Math.abs(h.shift.z));
    const lasting = Math.max(...group.map((h) => h.shift.k));
    const alternative =
      lasting <= 1
        ? ambiguity(factor, byFactor, hits.length, group, o.factors, isBinaryUnit(metric.unit))
        : undefined;
    // Panel-wide (at least 3 entities and half the panel) blocks at once; fewer entities once the change lasts.
    const panelWide = group.length >= 3 && group.length / n >= o.escalateShare;
    const severity = panelWide || lasting >= o.blockDays ? 'block' : 'warn';
    const explanation =
      `${metric.name}: since ${dayString(frame.startDay + onsetIndex)} ≈${formatFactor(factor)} ` +
      `(median ${formatNumber(kappa)}, IQR ${formatNumber(lo)}–${formatNumber(hi)}) on ${group.length}/${n} ` +
      `entities (${entityList(group.map((h) => h.shift.entity).sort())}); |Z| ≥ ${formatNumber(Math.min(...zs))}. ` +
      (joined.length > 0
        ? `${joined.length} of them too noisy to name the factor alone moved with the rest on the same day. `
        : '') +
      (alternative !== undefined
        ? `On one day of data ${formatFactor(alternative)} is not excluded (the reads lie between ` +
          `${formatFactor(factor)} and ${formatFactor(alternative)}); the next days will tell. `
        : '') +
      `Unit or representation change, not growth. ` +
      (last
        ? `${example.shift.entity}: last normal ${formatNumber(last.value)} (${dayString(frame.startDay + last.index)}), `
        : `${example.shift.entity}: `) +
      `first changed ${formatNumber(v1)} (${dayString(frame.startDay + d1)}).`;
    const draft: FindingDraft = {
      rule: 'unit-scale',
      class: 'scale',
      severity,
      source: input.source.name,
      metric: metric.name,
      entities,
      entityShare: round6(entities.length / n),
      onset: dayString(frame.startDay + onsetIndex),
      evidence: {
        factor,
        kappa: round6(kappa),
        kappaIqr: [round6(lo), round6(hi)],
        z: round6(example.shift.z),
        minAbsZ: round6(Math.min(...zs)),
        daysConfirmed: example.shift.k,
        sigma: round6(example.shift.model.sigma),
        baselineDays: example.shift.model.n,
        coldStart: example.shift.model.cold,
        lastNormalValue: last ? last.value : null,
        firstChangedValue: v1,
        entitiesChanged: group.length,
        entitiesJoined: joined.length,
        factorAlternative: alternative ?? null,
        entitiesChecked: n,
      },
      explanation,
    };
    return [draft];
  }),
};
