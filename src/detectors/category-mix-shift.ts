// category-mix-shift: the recent mix of categories differs from the baseline mix (a G-test allowing for day-to-day variation).
import type { Detector } from '../core/detector.js';
import {
  CATEGORY_WINDOW_SCHEMA,
  categoryWindows,
  needsCategorical,
  pctOf,
  type CategoryWindowOptions,
  type EntityMix,
} from './category-windows.js';
import { entityList, round6 } from './common.js';
import { chiSquareUpperTail, fUpperTail } from './stats/chi-square.js';
import { dayString } from './stats/days.js';

export interface CategoryMixShiftOptions extends CategoryWindowOptions {
  /** False-alarm rate per metric and evaluation on a healthy mix (Bonferroni over the metric's entities). */
  alpha: number;
  /** Smallest total variation distance between the two mixes worth a finding (half the sum of share changes). */
  minShift: number;
}

/** What the test made of one entity's mix. */
export interface MixTest {
  /** G statistic of the 2 × K table (baseline window vs recent window). */
  g: number;
  df: number;
  /** Day-to-day overdispersion of the baseline days (Pearson χ² per degree of freedom, at least 1). */
  dispersion: number;
  pValue: number;
  /** Total variation distance between the baseline and recent shares. */
  shift: number;
  /** Categories by absolute share change, largest first. */
  movers: { category: string; before: number; after: number }[];
}

const xlogx = (o: number, e: number) => (o > 0 ? o * Math.log(o / e) : 0);

/**
 * G-test of an entity's recent mix against its baseline mix. G = 2 Σ O ln(O / E) over the 2 × K table is divided
 * by the overdispersion of the baseline days (each day's Pearson χ² against the pooled baseline shares, summed, per
 * degree of freedom): a quasi-multinomial test, so a mix that wobbles day to day beyond sampling noise is judged
 * against its own wobble. The p-value is the χ²(K − 1) upper tail of G when the days vary no more than sampling
 * allows, else the F(K − 1, (days − 1)(K − 1)) upper tail of G / ((K − 1) × dispersion).
 *
 * @example
 * mixTest(entityMix).pValue // 3e-12 when a fifth of "informational" moved to "video"
 */
export function mixTest(e: EntityMix): MixTest {
  const categories = [...new Set([...e.baseline.counts.keys(), ...e.recent.counts.keys()])].sort();
  const N = e.baseline.total;
  const R = e.recent.total;
  const T = N + R;
  let g = 0;
  const movers: MixTest['movers'] = [];
  let shift = 0;
  for (const c of categories) {
    const b = e.baseline.counts.get(c) ?? 0;
    const r = e.recent.counts.get(c) ?? 0;
    const col = b + r;
    g += xlogx(b, (col * N) / T) + xlogx(r, (col * R) / T);
    const before = N > 0 ? b / N : 0;
    const after = R > 0 ? r / R : 0;
    shift += Math.abs(after - before) / 2;
    movers.push({ category: c, before, after });
  }
  g *= 2;
  const df = categories.length - 1;
  let chi2 = 0;
  let days = 0;
  for (const d of e.baselineDays) {
    const n = [...d.values()].reduce((s, v) => s + v, 0);
    if (n <= 0) continue;
    days++;
    for (const c of categories) {
      const p = (e.baseline.counts.get(c) ?? 0) / N;
      if (p <= 0) continue;
      chi2 += ((d.get(c) ?? 0) - n * p) ** 2 / (n * p);
    }
  }
  const dispDf = (days - 1) * df;
  const estimate = dispDf > 0 ? chi2 / dispDf : 1;
  const phi = Math.max(1, estimate);
  // An estimated dispersion is itself noisy: G / (df × dispersion) is then F-distributed, not χ² / df.
  const pValue =
    df <= 0 ? 1 : estimate > 1 ? fUpperTail(g / (df * phi), df, dispDf) : chiSquareUpperTail(g, df);
  movers.sort(
    (a, b) =>
      Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || a.category.localeCompare(b.category),
  );
  return { g, df, dispersion: phi, pValue, shift, movers };
}

export const categoryMixShift: Detector<CategoryMixShiftOptions> = {
  id: 'category-mix-shift',
  title: 'Mix of categories shifted',
  description:
    'For a `categorical` metric, compares each entity’s mix over the last 7 days with its mix over the 28 days ' +
    'before by a G-test (likelihood-ratio χ² of the 2 × K table, K − 1 degrees of freedom). When the baseline days ' +
    'vary more than sampling allows (each day’s Pearson χ² against the pooled baseline shares), G is divided by that ' +
    'overdispersion and read as an F statistic, so a mix that wobbles day to day is judged against its own wobble. ' +
    '**False-alarm rate: at most `alpha` per metric and evaluation on a healthy mix** (default 0.0001: about one ' +
    'false alarm in 27 years of daily checks of one metric); each entity is tested at alpha divided by the number of ' +
    'entities judged (Bonferroni). The test suite checks the calibration on 2,000 simulated ' +
    'healthy mixes per setting with fixed seeds (`src/detectors/category-mix-shift.test.ts`, effect floor off): 2 ' +
    'alarms (0.10 %) at 0.001 and 4.2 % at 0.05 for pure sampling noise, 3 alarms (0.15 %) at 0.001 and 5.2 % at ' +
    '0.05 for mixes whose shares wobble day to day; the test fails above 6 alarms at 0.001 or outside 3–7 % at 0.05. ' +
    'A shift must also move at least 3 % of the mix (total variation distance), so a huge ' +
    'volume does not make a trivial drift an alarm. Warns; the evidence names the categories that moved most.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: { recentDays: 7, baselineDays: 28, minBaselineDays: 14, alpha: 0.0001, minShift: 0.03 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...CATEGORY_WINDOW_SCHEMA,
      alpha: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 },
      minShift: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  appliesTo: needsCategorical,
  detect(input) {
    const { metric, history } = input;
    if (!metric || !history || metric.kind !== 'categorical') return [];
    const o = input.options;
    const w = categoryWindows(history, o);
    if (!w || w.entities.length === 0) return [];
    const level = o.alpha / w.entities.length;
    const shifted: { entity: string; test: MixTest }[] = [];
    for (const e of w.entities) {
      const test = mixTest(e);
      if (test.pValue < level && test.shift >= o.minShift) shifted.push({ entity: e.entity, test });
    }
    if (shifted.length === 0) return [];
    shifted.sort((a, b) => b.test.shift - a.test.shift || a.entity.localeCompare(b.entity));
    const { entity, test } = shifted[0]!;
    const entities = shifted.map((s) => s.entity).sort();
    const moved = test.movers
      .slice(0, 3)
      .filter((m) => m.after !== m.before)
      .map((m) => `${m.category} ${pctOf(m.before)} → ${pctOf(m.after)}`);
    return [
      {
        rule: 'category-mix-shift',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities,
        entityShare: round6(entities.length / Math.max(1, history.entities.size)),
        onset: dayString(w.recentFrom),
        subject: 'category-mix',
        title: `${metric.name}: mix of categories shifted`,
        evidence: {
          g: round6(test.g),
          df: test.df,
          dispersion: round6(test.dispersion),
          pValue: Number(test.pValue.toPrecision(3)),
          alpha: o.alpha,
          testLevel: Number(level.toPrecision(3)),
          shift: round6(test.shift),
          movers: test.movers.slice(0, 3).map((m) => m.category),
          entitiesShifted: shifted.length,
        },
        explanation:
          `The mix of ${metric.name} shifted at ${entityList(entities)}: at ${entity}, ${moved.join(', ')} over the last ` +
          `${o.recentDays} days against the ${o.baselineDays} before, ${pctOf(test.shift)} of the mix moved. ` +
          `G = ${round6(test.g)} on ${test.df} degrees of freedom${test.dispersion > 1 ? `, allowing for baseline days that vary ${round6(test.dispersion)}× more than sampling does,` : ''} ` +
          `gives p ${test.pValue > 0 ? `= ${Number(test.pValue.toPrecision(2))}` : '< 1e-300'}, below the ${Number(level.toPrecision(2))} ` +
          `a healthy mix reaches by chance once in ${Math.round(1 / o.alpha)} checks. Features built on these categories now see ` +
          `another population: check what changed upstream (a new source of traffic, a retagging) before retraining.`,
      },
    ];
  },
};
