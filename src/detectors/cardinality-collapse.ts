// F4: the panel's values collapsed onto few distinct values, or most entities now report the same value.
import type { Severity } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import { forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { VALUE, panelDayStat, type MetricFrame } from './stats/frame.js';
import { median, sortFirst } from './stats/robust.js';
import { formatNumber } from './stats/units.js';

export interface CardinalityCollapseOptions {
  /** Distinct share today below `ratio` × its baseline median. */
  ratio: number;
  /** Modal share today from which most entities report one value… */
  modalShare: number;
  /** …when the baseline modal share stayed below this. */
  baselineModalShare: number;
  minEntities: number;
  baselineDays: number;
}

// One day's values in the panel's order, and sorted (reused from day to day).
let dayBuf = new Float64Array(256);
let sortedBuf = new Float64Array(256);

/**
 * The panel on grid day i: entities with a value, distinct values, and the modal value with its count (of values
 * equally frequent, the one met first in the panel's order; zero as +0). Counted on the sorted values, so no map
 * per day.
 */
function dayCardinality(
  frame: MetricFrame,
  i: number,
): { n: number; distinct: number; modal: number; modalValue: number } {
  const { entities } = frame;
  if (dayBuf.length < entities.length) {
    dayBuf = new Float64Array(Math.max(entities.length, 2 * dayBuf.length));
    sortedBuf = new Float64Array(dayBuf.length);
  }
  let n = 0;
  for (let e = 0; e < entities.length; e++) {
    const s = entities[e]!;
    if (s.presence[i] === VALUE) dayBuf[n++] = s.values[i]!;
  }
  for (let k = 0; k < n; k++) sortedBuf[k] = dayBuf[k]!;
  sortFirst(sortedBuf, n);
  let distinct = 0;
  let modal = 0;
  let modalValue = NaN;
  let ties = 0;
  for (let j = 0; j < n; ) {
    let k = j + 1;
    while (k < n && sortedBuf[k] === sortedBuf[j]) k++;
    distinct++;
    if (k - j > modal) {
      modal = k - j;
      modalValue = sortedBuf[j]!;
      ties = 1;
    } else if (k - j === modal) ties++;
    j = k;
  }
  if (ties > 1)
    for (let k = 0; k < n; k++)
      if (countSorted(sortedBuf, n, dayBuf[k]!) === modal) {
        modalValue = dayBuf[k]!;
        break;
      }
  // A map keys −0 as +0.
  return { n, distinct, modal, modalValue: modalValue === 0 ? 0 : modalValue };
}

/** How many of the first n values of sorted equal v (−0 and +0 alike). */
function countSorted(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < n && sorted[end] === v) end++;
  return end - lo;
}

export const cardinalityCollapse: Detector<CardinalityCollapseOptions> = {
  id: 'cardinality-collapse',
  title: 'Values collapsed onto few distinct values',
  description:
    'Across the panel, compares today’s share of distinct values with its 28-day median (fires below 0.2×, with ' +
    'at least 20 entities) and flags a modal value shared by ≥ 80 % of entities when it used to be < 30 %. ' +
    'Everyone reporting the same number blocks; a collapse of distinct values warns.',
  class: 'frozen',
  stage: 'frozen',
  scope: 'metric',
  defaults: { ratio: 0.2, modalShare: 0.8, baselineModalShare: 0.3, minEntities: 20, baselineDays: 28 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      modalShare: { type: 'number', minimum: 0, maximum: 1 },
      baselineModalShare: { type: 'number', minimum: 0, maximum: 1 },
      minEntities: { type: 'integer', minimum: 2 },
      baselineDays: { type: 'integer', minimum: 3 },
    },
  },
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const today = panelDayStat(frame, 'cardinality', T, () => dayCardinality(frame, T));
    if (today.n < o.minEntities) return [];
    const distinctB: number[] = [];
    const modalB: number[] = [];
    for (let i = Math.max(0, T - o.baselineDays); i < T; i++) {
      const d = panelDayStat(frame, 'cardinality', i, () => dayCardinality(frame, i));
      if (d.n < o.minEntities) continue;
      distinctB.push(d.distinct / d.n);
      modalB.push(d.modal / d.n);
    }
    if (distinctB.length < 7) return [];
    const dShare = today.distinct / today.n;
    const mShare = today.modal / today.n;
    const baseD = median(distinctB);
    const baseM = median(modalB);
    const modal = mShare >= o.modalShare && baseM < o.baselineModalShare;
    const collapse = dShare < o.ratio * baseD;
    if (!modal && !collapse) return [];
    const severity: Severity = modal ? 'block' : 'warn';
    const entities = frame.entities
      .filter((s) => s.presence[T] === VALUE && (!modal || s.values[T] === today.modalValue))
      .map((s) => s.entity)
      .sort();
    return [
      {
        rule: 'cardinality-collapse',
        class: 'frozen',
        severity,
        source: input.source.name,
        metric: metric.name,
        entities,
        entityShare: round6(entities.length / today.n),
        onset: dayString(frame.endDay),
        evidence: {
          distinctShare: round6(dShare),
          baselineDistinctShare: round6(baseD),
          modalShare: round6(mShare),
          baselineModalShare: round6(baseM),
          modalValue: today.modalValue,
          entitiesChecked: today.n,
        },
        explanation: modal
          ? `${metric.name}: ${today.modal}/${today.n} entities report exactly ${formatNumber(today.modalValue)} on ${dayString(frame.endDay)} (usually ≤${formatNumber(100 * baseM)} % share one value). The upstream is filling in a constant.`
          : `${metric.name}: only ${today.distinct} distinct values across ${today.n} entities on ${dayString(frame.endDay)} (${formatNumber(100 * dShare)} % vs usually ${formatNumber(100 * baseD)} %). The upstream's values collapsed.`,
      },
    ];
  }),
};
