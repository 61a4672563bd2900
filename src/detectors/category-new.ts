// category-new: a category the contract does not know (or the baseline never had) now takes a real share of the mix.
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import {
  CATEGORY_WINDOW_SCHEMA,
  categoryWindows,
  needsCategorical,
  pctOf,
  type CategoryWindowOptions,
} from './category-windows.js';
import { entityList, round6 } from './common.js';

export interface CategoryNewOptions extends CategoryWindowOptions {
  /** Smallest share of the recent window's total a new category must take (one stray row is not an alarm). */
  minShare: number;
  /** Smallest count a new category must reach in the recent window. */
  minCount: number;
}

interface Sighting {
  entity: string;
  count: number;
  total: number;
  firstSeen: string;
}

export const categoryNew: Detector<CategoryNewOptions> = {
  id: 'category-new',
  title: 'New category in a categorical metric',
  description:
    'For a `categorical` metric (counts per category), flags a category that is not among the contract’s ' +
    '`categories.known` (or, when none are declared, had no count in the 28 baseline days) and now takes at least ' +
    '2 % of an entity’s total over the last 7 days, with at least 20 rows, so one stray row is not an alarm. The ' +
    'catch-all `categories.other` label is never new. A new intent, a new product line or a renamed code is what ' +
    'this catches: consumers that map categories to features drop or misfile it. One finding per new category; ' +
    'warns; the evidence gives its count, share and first day.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: { recentDays: 7, baselineDays: 28, minBaselineDays: 14, minShare: 0.02, minCount: 20 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...CATEGORY_WINDOW_SCHEMA,
      minShare: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      minCount: { type: 'integer', minimum: 1 },
    },
  },
  appliesTo: needsCategorical,
  detect(input) {
    const { metric, history } = input;
    if (!metric || !history || metric.kind !== 'categorical') return [];
    const o = input.options;
    const w = categoryWindows(history, o);
    if (!w) return [];
    const declared = metric.categories?.known ?? [];
    const other = metric.categories?.other;
    const byCategory = new Map<string, Sighting[]>();
    for (const e of w.entities) {
      const known = new Set(declared.length > 0 ? declared : e.baseline.counts.keys());
      if (other !== undefined) known.add(other);
      for (const [category, count] of e.recent.counts) {
        if (known.has(category)) continue;
        if (count < o.minCount || count / e.recent.total < o.minShare) continue;
        const list = byCategory.get(category) ?? [];
        list.push({ entity: e.entity, count, total: e.recent.total, firstSeen: e.firstSeen.get(category)! });
        byCategory.set(category, list);
      }
    }
    const out: FindingDraft[] = [];
    for (const [category, sightings] of [...byCategory].sort((a, b) => a[0].localeCompare(b[0]))) {
      sightings.sort((a, b) => b.count / b.total - a.count / a.total || a.entity.localeCompare(b.entity));
      const top = sightings[0]!;
      const onset = sightings.map((s) => s.firstSeen).sort()[0]!;
      const entities = sightings.map((s) => s.entity).sort();
      const basis =
        declared.length > 0
          ? `is not among the ${declared.length} categories the contract knows (${entityList(declared, 4)})`
          : `had no count in the ${o.baselineDays} days before`;
      out.push({
        rule: 'category-new',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities,
        entityShare: round6(entities.length / Math.max(1, history.entities.size)),
        onset,
        subject: `category:${category}`,
        title: `${metric.name}: new category "${category}"`,
        evidence: {
          category,
          recentCount: top.count,
          recentTotal: top.total,
          recentShare: round6(top.count / top.total),
          firstSeen: onset,
          knownCategories: declared,
          minShare: o.minShare,
          entitiesWithCategory: sightings.length,
        },
        explanation:
          `${metric.name} carries a new category "${category}" since ${onset}: it ${basis}, and took ` +
          `${pctOf(top.count / top.total)} of ${top.entity}'s total over the last ${o.recentDays} days ` +
          `(${top.count} of ${top.total})${sightings.length > 1 ? `, and a real share in ${sightings.length - 1} more (${entityList(entities)})` : ''}. ` +
          `Consumers that map categories to features drop or misfile it: add it to categories.known once they handle it.`,
      });
    }
    return out;
  },
};
