// S5: a moderate, panel-wide level shift (×0.7, ×1.3…) found by a two-sided CUSUM on the panel median residual.
import type { Detector } from '../core/detector.js';
import { forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { MAD_TO_SD, mad, median } from './stats/robust.js';
import { room } from './stats/scratch.js';
import { binarySegmentation } from './stats/segment.js';
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
  /** Onset localisation: days of the panel-median series segmented, fewest days per segment, split penalty. */
  segmentDays: number;
  segmentMinSize: number;
  /** Smallest l1 cost reduction of a split, in units of the panel median's noise (see stats/segment.ts). */
  segmentPenalty: number;
  /** The step across the onset (3 days before vs 3 after, starting ≤2 d late) must reach this share of the shift. */
  abruptShare: number;
  lookback: number;
  baselineDays: number;
  minHistory: number;
}

// Every entity's standardised residual of every day the detector reads, day by day (grown as needed).
let panelBuf = new Float64Array(4096);

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
  defaults: {
    k: 0.5,
    h: 5,
    minFactor: 1.15,
    minEntities: 20,
    segmentDays: 28,
    segmentMinSize: 3,
    segmentPenalty: 10,
    abruptShare: 0.5,
    lookback: 7,
    baselineDays: 28,
    minHistory: 14,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      k: { type: 'number', minimum: 0 },
      h: { type: 'number', exclusiveMinimum: 0 },
      minFactor: { type: 'number', exclusiveMinimum: 1 },
      minEntities: { type: 'integer', minimum: 3 },
      segmentDays: { type: 'integer', minimum: 7 },
      segmentMinSize: { type: 'integer', minimum: 1 },
      segmentPenalty: { type: 'number', minimum: 0 },
      abruptShare: { type: 'number', minimum: 0, maximum: 1 },
      lookback: { type: 'integer', minimum: 1, maximum: 28 },
      baselineDays: { type: 'integer', minimum: 7 },
      minHistory: { type: 'integer', minimum: 7 },
    },
  },
  // eslint-disable-next-line max-lines-per-function -- one statistical test read top to bottom: segment, compare, snap, evidence, explanation
  detect: forMetric(({ input, frame, metric, o, T }) => {
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
    /** The panel median of the raw residuals on day i (a log factor); NaN with too few. */
    // One buffer for every day's residuals (the median copies what it reads).
    const es = new Float64Array(shifts.length);
    const rawMedian = (i: number): number => {
      let n = 0;
      for (const sh of shifts) {
        const y = sh.model.y[i]!;
        if (Number.isFinite(y)) es[n++] = y - sh.model.expected(i);
      }
      return n >= o.minEntities / 2 ? median(es, n) : NaN;
    };
    // The raw medians are only needed once a shift is found (its factor), so they are computed then. The
    // standardised ones are laid day by day first, each entity's model read once for all the days (reading every
    // model again for each day was most of this detector's time); a day's median reads the same values in the same
    // order as a loop over the shifts would.
    const days = T - from + 1;
    const n = shifts.length;
    panelBuf = room(panelBuf, days * n);
    const counts = new Int32Array(days);
    for (let k = 0; k < n; k++) {
      const model = shifts[k]!.model;
      for (let i = from; i <= T; i++) {
        const y = model.y[i]!;
        if (!Number.isFinite(y)) {
          panelBuf[(i - from) * n + k] = NaN;
          continue;
        }
        counts[i - from]!++;
        panelBuf[(i - from) * n + k] = (y - model.expected(i)) / model.sigma;
      }
    }
    for (let i = from; i <= T; i++)
      med[i] =
        counts[i - from]! >= o.minEntities / 2
          ? median(panelBuf.subarray((i - from) * n, (i - from + 1) * n))
          : NaN;
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
    // Run onset: the start of the run of days on the shifted side (|u| > k) ending today, within the CUSUM stretch.
    let runOnset = T;
    for (let i = T - 1; i >= (dir > 0 ? upStart : downStart); i--) {
      const u = (med[i]! - center) / noise;
      if (!Number.isFinite(u)) continue;
      if (dir * u <= o.k) break;
      runOnset = i;
    }
    const u = Array.from(med, (m) => (m - center) / noise);
    const loc = locateOnset(u, T, dir, runOnset, o);
    if (loc.abrupt === false) return [];
    const onset = loc.onset;
    const since: number[] = [];
    for (let i = onset; i <= T; i++) {
      const r = rawMedian(i);
      if (Number.isFinite(r)) since.push(r);
    }
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
          onsetMethod: loc.method,
          onsetCostReduction: loc.gain === undefined ? null : round6(loc.gain),
          onsetCostShare: loc.share === undefined ? null : round6(loc.share),
          onsetStep: loc.step === undefined ? null : round6(loc.step),
        },
        explanation:
          `${metric.name}: since ${dayString(frame.startDay + onset)} the whole panel sits ≈${formatFactor(kappa)} off its ` +
          `expected level (median over ${shifts.length} entities; CUSUM ${formatNumber(cusum)} ≥ ${o.h}). ` +
          onsetSentence(loc, o.segmentDays) +
          `Not a unit factor: a real upstream change or a redefinition.`,
      },
    ];
  }),
};

/** Where the shift began and how sure: from segmentation, or from the run rule when segmentation cannot say. */
export interface OnsetLocation {
  /** Grid index of the first shifted day. */
  onset: number;
  /** 'segmentation': l1 binary segmentation of the last segmentDays; 'run': the run of shifted days (too recent). */
  method: 'segmentation' | 'run';
  /** Cost reduction of the split at the onset, in noise units (segmentation only). */
  gain?: number;
  /** That reduction as a share of the window's one-segment cost, 0…1. */
  share?: number;
  /** Step across the onset (3 days before vs the best of 3-day windows starting 0–2 days after), noise units. */
  step?: number;
  /** Whether the step reached abruptShare of the shift; undefined when it could not be judged (under 3 days). */
  abrupt?: boolean;
}

/**
 * Localise the onset of a panel shift in direction `dir`: binary segmentation with an l1
 * cost over the last `segmentDays` of the standardised panel median `u` (grid-indexed, NaN where missing), segments
 * of at least `segmentMinSize` days. The onset is the first day of the trailing run of segments on the shifted side
 * (median beyond k). With no split above the penalty, the best single split is used when it separates an unshifted
 * left from a shifted right: the CUSUM already established that a change happened, so only its place is in
 * question. A shift younger than `segmentMinSize` days cannot form a segment: the run rule's onset stands.
 *
 * @example
 * locateOnset(u, T, 1, runOnset, levelShift.defaults) // { onset: 52, method: 'segmentation', gain: 31.2, … }
 */
export function locateOnset(
  u: readonly number[],
  T: number,
  dir: 1 | -1,
  runOnset: number,
  o: Pick<LevelShiftOptions, 'k' | 'segmentDays' | 'segmentMinSize' | 'segmentPenalty' | 'abruptShare'>,
): OnsetLocation {
  const fallback: OnsetLocation = { onset: runOnset, method: 'run' };
  if (T - runOnset + 1 < o.segmentMinSize) return fallback;
  const idx: number[] = [];
  const xs: number[] = [];
  for (let i = Math.max(0, T - o.segmentDays + 1); i <= T; i++) {
    if (Number.isFinite(u[i]!)) {
      idx.push(i);
      xs.push(u[i]!);
    }
  }
  const seg = binarySegmentation(xs, { minSize: o.segmentMinSize, penalty: o.segmentPenalty });
  const shifted = (m: number) => dir * m > o.k;
  let start: number | undefined;
  let gain: number | undefined;
  if (seg.splits.length > 0) {
    let j = seg.segments.length - 1;
    if (!shifted(seg.segments[j]!.median)) return fallback;
    while (j > 0 && shifted(seg.segments[j - 1]!.median)) j--;
    if (j === 0) return fallback;
    start = seg.segments[j]!.start;
    gain = seg.splits.find((s) => s.index === start)?.gain;
  } else if (seg.best) {
    const left = median(xs.slice(0, seg.best.index));
    const right = median(xs.slice(seg.best.index));
    if (!shifted(right) || shifted(left)) return fallback;
    start = seg.best.index;
    gain = seg.best.gain;
  }
  if (start === undefined || gain === undefined) return fallback;
  // A final segment held at the minimum length can start on a pre-shift day: drop leading days that sit closer
  // to the old level than to the new one.
  const oldLevel = median(xs.slice(0, start));
  const newLevel = median(xs.slice(start));
  while (start < xs.length - 1 && dir * (xs[start]! - oldLevel) < 0.5 * dir * (newLevel - oldLevel)) start++;
  // Abrupt: 3 days before the onset vs 3 days after it, the latter starting up to 2 days late. A shift with fewer
  // than 3 days since its onset cannot be judged yet.
  const before = median(xs.slice(Math.max(0, start - 3), start));
  let step = -Infinity;
  for (let g = 0; g <= 2 && start + g < xs.length; g++)
    step = Math.max(step, dir * (median(xs.slice(start + g, start + g + 3)) - before));
  const shift = dir * (median(xs.slice(start)) - median(xs.slice(0, start)));
  return {
    onset: idx[start]!,
    method: 'segmentation',
    gain,
    share: seg.totalCost > 0 ? gain / seg.totalCost : 0,
    step,
    ...(xs.length - start >= 3 ? { abrupt: step >= o.abruptShare * shift } : {}),
  };
}

function onsetSentence(loc: OnsetLocation, days: number): string {
  if (loc.method === 'run') return 'Onset from the run of shifted days (too recent to segment). ';
  return (
    `Onset by segmentation: the split there removes ${formatNumber(Number((100 * loc.share!).toFixed(0)))} % of ` +
    `the ${days}-day variation (cost ${formatNumber(Number(loc.gain!.toFixed(1)))})` +
    (loc.abrupt ? ', and the level stepped within 2 days. ' : '. ')
  );
}
