// S5: a moderate, panel-wide level shift (×0.7, ×1.3…) found by a two-sided CUSUM on the panel median residual (§3.3).
import type { Detector } from '../core/detector.js';
import { metricInput, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { MAD_TO_SD, mad, median } from './stats/robust.js';
import { entityShift, type EntityShift } from './stats/shift.js';
import { formatFactor, formatNumber } from './stats/units.js';

export interface LevelShiftOptions {
  /** CUSUM reference value k and decision interval h, in units of the panel median's own noise. */
  k: number;
  h: number;
  /** Smallest shift reported, as a factor (|ln κ| ≥ ln minFactor). */
  minFactor: number;
  /** Entities needed for a panel median. */
  minEntities: number;
  lookback: number;
  baselineDays: number;
  minHistory: number;
}

export const levelShift: Detector<LevelShiftOptions> = {
  id: 'level-shift',
  title: 'Panel-wide level shift',
  description:
    'Standardises each entity against its expected level, takes the panel median per day and runs a two-sided ' +
    'CUSUM (k 0.5, h 5) in units of that median’s own baseline noise: a moderate shift that moves the whole panel ' +
    'at once (×0.7, ×1.3) is a real upstream change or a redefinition. Warns only; larger and unit-like shifts ' +
    'belong to panel-scale and unit-scale.',
  class: 'scale',
  stage: 'scale',
  scope: 'metric',
  defaults: { k: 0.5, h: 5, minFactor: 1.15, minEntities: 20, lookback: 7, baselineDays: 28, minHistory: 14 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      k: { type: 'number', minimum: 0 },
      h: { type: 'number', exclusiveMinimum: 0 },
      minFactor: { type: 'number', exclusiveMinimum: 1 },
      minEntities: { type: 'integer', minimum: 3 },
      lookback: { type: 'integer', minimum: 1, maximum: 28 },
      baselineDays: { type: 'integer', minimum: 7 },
      minHistory: { type: 'integer', minimum: 7 },
    },
  },
  detect(input) {
    const m = metricInput(input);
    if (!m) return [];
    const { frame, metric } = m;
    const o = input.options;
    const T = frame.length - 1;
    const shifts: EntityShift[] = [];
    for (const s of frame.entities) {
      // Same analysis options as unit-scale and panel-scale, so the memoised baselines are shared.
      const sh = entityShift(frame, s, metric.kind, {
        lookback: o.lookback,
        baselineDays: o.baselineDays,
        minHistory: 7,
      });
      if (sh && sh.baseEnd === T - o.lookback && !sh.model.cold) shifts.push(sh);
    }
    if (shifts.length < o.minEntities) return [];
    const baseEnd = T - o.lookback;
    const from = Math.max(0, baseEnd - o.baselineDays + 1);
    const med = new Float64Array(T + 1).fill(NaN);
    const raw = new Float64Array(T + 1).fill(NaN);
    for (let i = from; i <= T; i++) {
      const zs: number[] = [];
      const es: number[] = [];
      for (const sh of shifts) {
        const y = sh.model.y[i]!;
        if (!Number.isFinite(y)) continue;
        const e = y - sh.model.expected(i);
        zs.push(e / sh.model.sigma);
        es.push(e);
      }
      if (zs.length >= o.minEntities / 2) {
        med[i] = median(zs);
        raw[i] = median(es);
      }
    }
    const base: number[] = [];
    for (let i = from; i <= baseEnd; i++) if (Number.isFinite(med[i]!)) base.push(med[i]!);
    if (base.length < o.minHistory) return [];
    const center = median(base);
    // In-sample residuals understate out-of-sample noise (the baseline was fitted to them, the window is
    // extrapolated): floor at the sampling sd of a median of n unit normals and inflate by a quarter.
    const noise = 1.25 * Math.max(MAD_TO_SD * mad(base), 1.2533 / Math.sqrt(shifts.length), 0.02);
    let up = 0;
    let down = 0;
    let upStart = baseEnd + 1;
    let downStart = baseEnd + 1;
    for (let i = baseEnd + 1; i <= T; i++) {
      const u = (med[i]! - center) / noise;
      if (!Number.isFinite(u)) continue;
      if (up === 0) upStart = i;
      if (down === 0) downStart = i;
      up = Math.max(0, up + u - o.k);
      down = Math.max(0, down - u - o.k);
    }
    const dir = up >= o.h ? 1 : down >= o.h ? -1 : 0;
    if (dir === 0) return [];
    // Onset: the start of the run of days on the shifted side (|u| > k) ending today, within the CUSUM stretch.
    let onset = T;
    for (let i = T - 1; i >= (dir > 0 ? upStart : downStart); i--) {
      const u = (med[i]! - center) / noise;
      if (!Number.isFinite(u)) continue;
      if (dir * u <= o.k) break;
      onset = i;
    }
    const since: number[] = [];
    for (let i = onset; i <= T; i++) if (Number.isFinite(raw[i]!)) since.push(raw[i]!);
    const logFactor = median(since);
    if (!(Math.abs(logFactor) >= Math.log(o.minFactor)) || Math.sign(logFactor) !== dir) return [];
    const kappa = Math.exp(logFactor);
    const cusum = dir > 0 ? up : down;
    const entities = shifts.map((s) => s.entity).sort();
    return [
      {
        rule: 'level-shift',
        class: 'scale',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities,
        entityShare: 1,
        onset: dayString(frame.startDay + onset),
        evidence: {
          factor: null,
          kappa: round6(kappa),
          cusum: round6(cusum),
          h: o.h,
          days: T - onset + 1,
          entitiesChecked: shifts.length,
        },
        explanation:
          `${metric.name}: since ${dayString(frame.startDay + onset)} the whole panel sits ≈${formatFactor(kappa)} off its ` +
          `expected level (median over ${shifts.length} entities; CUSUM ${formatNumber(cusum)} ≥ ${o.h}). Not a unit factor: ` +
          `a real upstream change or a redefinition.`,
      },
    ];
  },
};
