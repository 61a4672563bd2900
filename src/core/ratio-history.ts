// The history of a ratio computed from two counts: per entity and day, numerator / denominator, with the counts kept.
import type { MetricHistory, SeriesPoint } from './detector.js';
import { MemoSlot } from './memo-slot.js';

/** One day of a derived ratio with the counts it came from (`value` = successes / trials). */
export interface RatioPoint extends SeriesPoint {
  successes: number;
  trials: number;
}

/**
 * Join a numerator's and a denominator's histories on (entity, day) into the history of their ratio. A day where
 * either count is missing or null, or the denominator is not positive, has no rate and is left out. Times come from
 * the later of the two points (the ratio is known once both are).
 *
 * @example
 * ratioHistory('claims', 'loss_rate', claimsHistory, policiesHistory).entities.get('low')?.[0]
 * // { day: '2026-03-01', value: 0.0075, successes: 3, trials: 400, … }
 */
export function ratioHistory(
  source: string,
  metric: string,
  numerator: MetricHistory,
  denominator: MetricHistory,
): MetricHistory {
  // Several detectors read one ratio in a pass (rate-shift, band-convergence): join the two histories once.
  const byDenominator = joined.get(numerator) ?? joined.set(numerator, []);
  const at = byDenominator.findIndex((j) => j.denominator === denominator);
  const cached = byDenominator[at]?.history;
  if (cached && cached.source === source && cached.metric === metric) return cached;
  const history = join(source, metric, numerator, denominator);
  byDenominator[at >= 0 ? at : byDenominator.length] = { denominator, history };
  return history;
}

/** Joined ratio histories by numerator, then denominator history (histories are immutable once built). */
const joined = new MemoSlot<MetricHistory, { denominator: MetricHistory; history: MetricHistory }[]>(
  'upwatch.ratios',
);

function join(
  source: string,
  metric: string,
  numerator: MetricHistory,
  denominator: MetricHistory,
): MetricHistory {
  const entities = new Map<string, RatioPoint[]>();
  for (const [entity, dens] of denominator.entities) {
    const nums = new Map((numerator.entities.get(entity) ?? []).map((p) => [p.day, p]));
    const out: RatioPoint[] = [];
    for (const d of dens) {
      const n = nums.get(d.day);
      if (!n || n.value === null || d.value === null || d.value <= 0) continue;
      const value = n.value / d.value;
      const first =
        n.firstValue !== null && d.firstValue !== null && d.firstValue > 0
          ? n.firstValue / d.firstValue
          : value;
      out.push({
        periodEnd: d.periodEnd > n.periodEnd ? d.periodEnd : n.periodEnd,
        day: d.day,
        value,
        firstValue: first,
        jsonType: 'float',
        firstSeen: d.firstSeen > n.firstSeen ? d.firstSeen : n.firstSeen,
        lastSeen: d.lastSeen > n.lastSeen ? d.lastSeen : n.lastSeen,
        successes: n.value,
        trials: d.value,
      });
    }
    if (out.length > 0) entities.set(entity, out);
  }
  return { source, metric, entities };
}
