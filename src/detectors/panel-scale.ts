// S2: the whole panel of a metric moved by one factor on the same day — an upstream scale change.
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { quantileFit, type QuantileFit, type QuantilePairInput } from './stats/qq.js';
import { MAD_TO_SD, mad, median, quantile } from './stats/robust.js';
import { entityShift, residualAt, windowShift, type EntityShift } from './stats/shift.js';
import {
  PANEL_UNIT_FACTORS,
  formatFactor,
  formatNumber,
  isBinaryUnit,
  preferDecimal,
  snapToUnit,
} from './stats/units.js';

export interface PanelScaleOptions {
  /** Smallest panel factor considered, as |ln κ̂| ≥ ln(minFactor). */
  minFactor: number;
  /** Share of entities within `agreeTolerance` of the panel factor. */
  minAgree: number;
  agreeTolerance: number;
  /** Entities needed for a panel; smaller panels need every entity to agree. */
  minEntities: number;
  /** Snap tolerance in decades (max with 3·SE of the panel median). */
  toleranceDecades: number;
  /** Upper bound of the snap tolerance in decades (small panels give a loose SE). */
  maxToleranceDecades: number;
  /** Days a non-unit panel shift must last before it is reported (holiday spikes last one). */
  confirmDays: number;
  factors: number[];
  /** Entities needed for the quantile–quantile slope (S3); fewer and the slope is omitted. */
  qqMinEntities: number;
  /** |b − 1| below which the quantiles "moved alike" (S3). */
  qqAlike: number;
  /**
   * |b − 1| at or above which a unit-like panel factor is a shape change instead: warn, no factor named. Raised to
   * 1.8/√n on panels under 52 entities, where the slope itself is noisier.
   */
  qqMaxDeviation: number;
  lookback: number;
  baselineDays: number;
  minHistory: number;
}

/** The panel's current shift: onset, factor, agreement. Exported for level-shift and the benchmark. */
export interface PanelShift {
  onsetIndex: number;
  days: number;
  logFactor: number;
  se: number;
  agree: number;
  entities: { entity: string; logFactor: number; shift: EntityShift }[];
  n: number;
}

/** An entity agrees with the panel factor within max(tolerance, 2.5·its own SE over `days` days). */
export function agrees(
  e: PanelShift['entities'][number],
  logFactor: number,
  tolerance: number,
  days: number,
): boolean {
  const se = 1.2533 * e.shift.model.sigma * Math.sqrt(1 / Math.max(1, days) + 1 / e.shift.model.n);
  return Math.abs(e.logFactor - logFactor) <= Math.max(tolerance, 2.5 * se);
}

/** Estimate the panel shift ending today (S2). Undefined when fewer than 2 entities can be judged. */
export function panelShift(
  frame: Parameters<typeof entityShift>[0],
  kind: Parameters<typeof entityShift>[2],
  o: Pick<PanelScaleOptions, 'lookback' | 'baselineDays' | 'minHistory' | 'agreeTolerance'>,
): PanelShift | undefined {
  const T = frame.length - 1;
  const shifts: { shift: EntityShift; values: Float64Array }[] = [];
  for (const s of frame.entities) {
    const sh = entityShift(frame, s, kind, o);
    if (sh) shifts.push({ shift: sh, values: s.values });
  }
  if (shifts.length < 2) return undefined;
  const floorStart = Math.min(...shifts.map((x) => x.shift.baseEnd + 1));
  // Panel median residual per day; the onset is where today's shift began.
  const med: number[] = [];
  for (let i = floorStart; i <= T; i++) {
    const day: number[] = [];
    for (const { shift } of shifts) {
      const e = residualAt(shift, i);
      if (Number.isFinite(e)) day.push(e);
    }
    med[i - floorStart] = day.length > 0 ? median(day) : NaN;
  }
  const mT = med[T - floorStart]!;
  if (!Number.isFinite(mT)) return undefined;
  let onset = T;
  for (let i = T - 1; i >= floorStart; i--) {
    const m = med[i - floorStart]!;
    if (!Number.isFinite(m)) continue;
    if (Math.sign(m) !== Math.sign(mT) || Math.abs(m) < Math.abs(mT) / 3) break;
    onset = i;
  }
  const entities: PanelShift['entities'] = [];
  for (const { shift, values } of shifts) {
    const w = windowShift(shift, values, onset, T);
    if (w && w.medianValue > 0) entities.push({ entity: shift.entity, logFactor: w.logFactor, shift });
  }
  if (entities.length < 2) return undefined;
  const lfs = entities.map((e) => e.logFactor);
  const logFactor = median(lfs);
  const agree =
    entities.filter((e) => agrees(e, logFactor, o.agreeTolerance, T - onset + 1)).length / lfs.length;
  const se = (1.2533 * Math.max(MAD_TO_SD * mad(lfs), 0.05)) / Math.sqrt(lfs.length);
  return { onsetIndex: onset, days: T - onset + 1, logFactor, se, agree, entities, n: shifts.length };
}

/**
 * The S3 quantile fit of a panel shift: each changed day (onset…today) against the latest same weekday before the
 * onset, over the entities the shift was measured on. Undefined with too few entities (or signed values).
 */
export function panelQuantileFit(
  frame: { entities: readonly { entity: string; values: Float64Array }[]; length: number },
  p: Pick<PanelShift, 'onsetIndex' | 'entities'>,
  minEntities: number,
): QuantileFit | undefined {
  const names = new Set(p.entities.map((e) => e.entity));
  const rows = frame.entities.filter((s) => names.has(s.entity)).map((s) => s.values);
  const days: QuantilePairInput[] = [];
  for (let t = p.onsetIndex; t < frame.length; t++) {
    const ref = t - 7 * Math.ceil((t - p.onsetIndex + 1) / 7);
    if (ref < 0) continue;
    days.push({ ref: rows.map((v) => v[ref]!), now: rows.map((v) => v[t]!) });
  }
  return quantileFit(days, minEntities);
}

/** The S3 sentence for an explanation ("all quantiles moved alike (slope {b})"). */
function quantileSentence(fit: QuantileFit | undefined, alike: number, shape: number): string {
  if (!fit) return '';
  const b = formatNumber(Number(fit.slope.toFixed(2)));
  const dev = Math.abs(fit.slope - 1);
  if (dev < alike)
    return `All quantiles moved alike (slope ${b}, ${formatFactor(fit.factor)} from the 10th to the 90th percentile). `;
  if (dev < shape) return `The quantiles moved nearly alike (slope ${b}; 1 would be one factor for all). `;
  return (
    `The quantiles did not move alike (slope ${b}; 1 would be one factor for all): ` +
    `${fit.slope < 1 ? 'small entities moved more than large ones' : 'large entities moved more than small ones'}. `
  );
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export const panelScale: Detector<PanelScaleOptions> = {
  id: 'panel-scale',
  title: 'Whole panel rescaled on the same day',
  description:
    'Estimates one factor for all entities of a metric (median of per-entity log-ratios since the panel shift ' +
    'began) and fires when at least 60 % of entities agree on a factor of ×2 or more. Snapped to a unit factor ' +
    '(now including ×10, safe across many entities) it blocks as an upstream scale change; a non-unit panel shift ' +
    'lasting 3 days warns. A Theil–Sen fit of the cross-entity quantiles 0.1…0.9 against the same weekday before ' +
    'the onset (S3, panels of 10 or more) tells a unit change (slope ≈1: every quantile moved by one factor) from ' +
    'a change of shape: with |slope − 1| ≥ 0.25 (1.8/√n on smaller panels) a unit-like factor is not named and the finding warns. It absorbs ' +
    'the per-entity unit-scale and level-shift findings it explains. A ratio derived from two counts (`numerator` / ' +
    '`denominator`) is left to `rate-shift`: it has no unit of its own, and a scale change shows on its parts.',
  class: 'scale',
  stage: 'scale',
  scope: 'metric',
  defaults: {
    minFactor: 2,
    minAgree: 0.6,
    agreeTolerance: 0.35,
    minEntities: 10,
    toleranceDecades: 0.1,
    maxToleranceDecades: 0.3,
    confirmDays: 3,
    factors: [...PANEL_UNIT_FACTORS],
    qqMinEntities: 10,
    qqAlike: 0.1,
    qqMaxDeviation: 0.25,
    lookback: 7,
    baselineDays: 28,
    minHistory: 7,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minFactor: { type: 'number', exclusiveMinimum: 1 },
      minAgree: { type: 'number', minimum: 0, maximum: 1 },
      agreeTolerance: { type: 'number', exclusiveMinimum: 0 },
      minEntities: { type: 'integer', minimum: 2 },
      toleranceDecades: { type: 'number', minimum: 0 },
      maxToleranceDecades: { type: 'number', minimum: 0 },
      confirmDays: { type: 'integer', minimum: 1 },
      factors: { type: 'array', items: { type: 'number', exclusiveMinimum: 1 }, minItems: 1 },
      qqMinEntities: { type: 'integer', minimum: 3 },
      qqAlike: { type: 'number', exclusiveMinimum: 0 },
      qqMaxDeviation: { type: 'number', exclusiveMinimum: 0 },
      lookback: { type: 'integer', minimum: 1, maximum: 28 },
      baselineDays: { type: 'integer', minimum: 7 },
      minHistory: { type: 'integer', minimum: 3 },
    },
  },
  detect: forMetric(({ input, frame, metric, o }) => {
    // A ratio upwatch derives from two counts has no unit of its own: a unit change shows on the count that changed,
    // and a rate that doubles is a rate-shift, not a rescaling.
    if (metric.numerator !== undefined && metric.denominator !== undefined) return [];
    const p = panelShift(frame, metric.kind, o);
    if (!p) return [];
    if (Math.abs(p.logFactor) < Math.log(o.minFactor)) return [];
    const enough = p.n >= o.minEntities ? p.agree >= o.minAgree : p.n >= 3 && p.agree === 1;
    if (!enough) return [];
    const tol = Math.min(
      Math.max(o.toleranceDecades * Math.LN10, 3 * p.se),
      o.maxToleranceDecades * Math.LN10,
    );
    const raw = snapToUnit(p.logFactor, o.factors);
    const snap = preferDecimal(raw, p.logFactor, tol, isBinaryUnit(metric.unit));
    const unitLike = snap.distance <= tol;
    const qq = panelQuantileFit(frame, p, o.qqMinEntities);
    // S3 guard: a unit change multiplies every entity alike. Quantiles that moved by different factors are a change
    // of shape (or a partial migration) that happens to have a unit-like median: warn, and name no factor.
    // The slope's own noise shrinks as 1/√n: ≈0.06 sd on 100 entities (1-day fits on clean calibration panels:
    // 1st–99th percentile 0.87–1.14), so ≈0.2 on 10. The guard stays 3 sd clear of it on small panels.
    const guard = qq ? Math.max(o.qqMaxDeviation, 1.8 / Math.sqrt(qq.entities)) : Infinity;
    const shape = unitLike && qq !== undefined && Math.abs(qq.slope - 1) >= guard;
    const isUnit = unitLike && !shape;
    if (!isUnit && !shape && p.days < o.confirmDays) return [];
    const agreeing = p.entities.filter((e) => agrees(e, p.logFactor, o.agreeTolerance, p.days));
    // A unit change hits the entities it hits by the same factor; one whose own first days read ×550 inside a ×1000
    // panel is noisy, not unaffected. It is listed (so the gate blocks it) when it moved at least half the panel's
    // log-factor in the same direction; `entitiesAgreeing` still counts the strict agreement.
    const moved = isUnit
      ? p.entities.filter((e) => agreeing.includes(e) || e.logFactor / p.logFactor >= 0.5)
      : agreeing;
    const entities = moved.map((e) => e.entity).sort();
    const kappas = p.entities.map((e) => Math.exp(e.logFactor));
    const kappa = Math.exp(p.logFactor);
    const lo = quantile(kappas, 0.25);
    const hi = quantile(kappas, 0.75);
    const onset = dayString(frame.startDay + p.onsetIndex);
    const ex = agreeing[0]!;
    const exSeries = frame.entities.find((s) => s.entity === ex.entity)!;
    const last = ex.shift.lastNormal;
    const lastNormal =
      last && last.index < p.onsetIndex
        ? `${ex.entity}: last normal ${formatNumber(last.value)} (${dayString(frame.startDay + last.index)}), `
        : `${ex.entity}: `;
    const first = `first changed ${formatNumber(exSeries.values[p.onsetIndex]!)} (${onset}).`;
    const head =
      `${metric.name}: since ${onset} ≈${formatFactor(isUnit ? snap.factor : kappa)} (median ${formatNumber(kappa)}, ` +
      `IQR ${formatNumber(lo)}–${formatNumber(hi)}) on ${agreeing.length}/${p.n} entities (${entityList(entities)}). ` +
      quantileSentence(qq, o.qqAlike, guard);
    const explanation = isUnit
      ? `${head}The panel moved together by a unit factor: an upstream unit or representation change, not growth. ${lastNormal}${first}`
      : shape
        ? `${head}The median is near ${formatFactor(snap.factor)}, but a unit change would move every entity by it: a change of shape or a partial change, not a unit change. ${lastNormal}${first}`
        : `${head}The panel moved together for ${p.days} days, but not by a unit factor: a real upstream change or a redefinition. ${lastNormal}${first}`;
    const draft: FindingDraft = {
      rule: 'panel-scale',
      class: 'scale',
      severity: isUnit ? 'block' : 'warn',
      source: input.source.name,
      metric: metric.name,
      entities,
      entityShare: round6(entities.length / p.n),
      onset,
      evidence: {
        factor: isUnit ? snap.factor : null,
        kappa: round6(kappa),
        kappaIqr: [round6(lo), round6(hi)],
        seLogFactor: round6(p.se),
        agree: round6(p.agree),
        days: p.days,
        entitiesAgreeing: agreeing.length,
        entitiesChecked: p.n,
        lastNormalValue: last ? last.value : null,
        firstChangedValue: exSeries.values[p.onsetIndex]!,
        ...(qq
          ? {
              quantileSlope: round6(qq.slope),
              quantileFactor: round6(qq.factor),
              // The 9 pairs (x_q, y_q) at q = 0.1…0.9 as two aligned arrays (evidence values are flat).
              quantilesRef: qq.pairs.map(([x]) => round3(x)),
              quantilesChanged: qq.pairs.map(([, y]) => round3(y)),
            }
          : {}),
      },
      explanation,
    };
    return [draft];
  }),
};
