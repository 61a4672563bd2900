// category-vanished: a category that arrived almost every baseline day has stopped arriving, against its expected count.
import type { Detector, SeriesPoint } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import {
  CATEGORY_WINDOW_SCHEMA,
  categoryWindows,
  needsCategorical,
  pctOf,
  type CategoryWindowOptions,
} from './category-windows.js';
import { entityList, round6 } from './common.js';
import { addDays } from '../core/clock.js';

export interface CategoryVanishedOptions extends CategoryWindowOptions {
  /** Smallest count the category's baseline share predicts over the days it has been missing. */
  minExpected: number;
  /** Largest chance that the days missing are a run of ordinary absent days (from its baseline presence). */
  maxChance: number;
}

interface Gone {
  entity: string;
  missingDays: number;
  expected: number;
  baselineShare: number;
  presentDays: number;
  baselineDays: number;
  lastDay: string;
  chance: number;
}

/** Trailing days (with counts) on which `category` had none, their total count, and its last day with a count. */
function trailingAbsence(
  pts: readonly SeriesPoint[],
  category: string,
): { days: number; total: number; lastDay?: string } {
  let days = 0;
  let total = 0;
  for (let i = pts.length - 1; i >= 0; i--) {
    const b = pts[i]!.breakdown;
    if (!b) continue;
    if ((b[category] ?? 0) > 0) return { days, total, lastDay: pts[i]!.day };
    days++;
    total += Object.values(b).reduce((s, v) => s + (v > 0 ? v : 0), 0);
  }
  return { days, total };
}

export const categoryVanished: Detector<CategoryVanishedOptions> = {
  id: 'category-vanished',
  title: 'Category stopped arriving in a categorical metric',
  description:
    'For a `categorical` metric, flags a category that had counts in the 28 baseline days and has had none for the ' +
    'last days, when both say it is gone rather than quiet: its baseline share predicts at least 20 rows over the ' +
    'days missing, and the chance of that many ordinary absent days in a row (its baseline days without a count, ' +
    'plus one half, over the baseline days plus one, to the power of the days missing) is at most 0.001. A category ' +
    'present every one of 28 days is flagged after 2 days missing; one missing on a quarter of days takes 5. The ' +
    'catch-all `categories.other` is never flagged (its vanishing is good news). One finding per category; warns.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: { recentDays: 7, baselineDays: 28, minBaselineDays: 14, minExpected: 20, maxChance: 0.001 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...CATEGORY_WINDOW_SCHEMA,
      minExpected: { type: 'number', exclusiveMinimum: 0 },
      maxChance: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    },
  },
  appliesTo: needsCategorical,
  detect(input) {
    const { metric, history } = input;
    if (!metric || !history || metric.kind !== 'categorical') return [];
    const o = input.options;
    const w = categoryWindows(history, o);
    if (!w) return [];
    const other = metric.categories?.other;
    const byCategory = new Map<string, Gone[]>();
    for (const e of w.entities) {
      const pts = history.entities.get(e.entity) ?? [];
      for (const [category, count] of e.baseline.counts) {
        if (category === other) continue;
        const absence = trailingAbsence(pts, category);
        if (absence.days === 0 || absence.lastDay === undefined) continue;
        const share = count / e.baseline.total;
        const expected = share * absence.total;
        const present = e.baselineDays.filter((d) => (d.get(category) ?? 0) > 0).length;
        const perDay = (e.baselineDays.length - present + 0.5) / (e.baselineDays.length + 1);
        const chance = perDay ** absence.days;
        if (expected < o.minExpected || chance > o.maxChance) continue;
        const list = byCategory.get(category) ?? [];
        list.push({
          entity: e.entity,
          missingDays: absence.days,
          expected,
          baselineShare: share,
          presentDays: present,
          baselineDays: e.baselineDays.length,
          lastDay: absence.lastDay,
          chance,
        });
        byCategory.set(category, list);
      }
    }
    const out: FindingDraft[] = [];
    for (const [category, gone] of [...byCategory].sort((a, b) => a[0].localeCompare(b[0]))) {
      gone.sort((a, b) => b.expected - a.expected || a.entity.localeCompare(b.entity));
      const top = gone[0]!;
      const entities = gone.map((g) => g.entity).sort();
      const onset = addDays(gone.map((g) => g.lastDay).sort()[0]!, 1);
      out.push({
        rule: 'category-vanished',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities,
        entityShare: round6(entities.length / Math.max(1, history.entities.size)),
        onset,
        subject: `category:${category}`,
        title: `${metric.name}: category "${category}" stopped arriving`,
        evidence: {
          category,
          missingDays: top.missingDays,
          expectedCount: round6(top.expected),
          baselineShare: round6(top.baselineShare),
          baselinePresentDays: top.presentDays,
          baselineDays: top.baselineDays,
          lastSeen: top.lastDay,
          chance: round6(top.chance),
          entitiesWithoutCategory: gone.length,
        },
        explanation:
          `${metric.name} has had no "${category}" for ${top.missingDays} day${top.missingDays === 1 ? '' : 's'} at ` +
          `${entityList(entities)} (last on ${top.lastDay}): it took ${pctOf(top.baselineShare)} of ${top.entity}'s total ` +
          `and arrived on ${top.presentDays} of ${top.baselineDays} baseline days, so about ${Math.round(top.expected)} ` +
          `rows were expected since. A tagger that no longer emits it, a renamed code or a filter upstream would do this.`,
      });
    }
    return out;
  },
};
