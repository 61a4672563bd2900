// Stale taxonomies in the advice: a categorical input whose categories no longer cover the data is checked before a retrain.
import type { Decision } from '../core/decision.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { AdviceSpan } from './advice.js';
import { findingEnd, spanDecision, spanEntities, type SpanContext } from './span-context.js';
import { clip } from './window.js';

/** What each categorical finding means for a retrain, and whether it must be looked at first. */
const TAXONOMY: Record<string, { investigate: boolean; why: string }> = {
  'category-new': {
    investigate: true,
    why: 'a category the contract does not know is arriving: add it to categories.known and to what the feature does with it before retraining',
  },
  'category-other-rising': {
    investigate: true,
    why: 'the catch-all takes a growing share: the categories no longer cover the data; extend the taxonomy (the tagger and categories.known) before retraining, or the model learns the stale mix',
  },
  'category-vanished': {
    investigate: true,
    why: 'a known category stopped arriving: find out whether it was renamed or merged before retraining',
  },
  'category-mix-shift': {
    investigate: false,
    why: 'the mix of categories moved: the window mixes the old and the new mix',
  },
};

/** True when the finding is about a categorical metric's taxonomy. */
export function isTaxonomyFinding(f: Pick<FindingRecord, 'rule'>): boolean {
  return f.rule in TAXONOMY;
}

/**
 * Spans of a categorical finding on a feature's input: `investigate` (new category, rising catch-all, vanished
 * category) until the finding resolves or a decision is recorded (`upwatch accept … --as new-definition` once the
 * categories are extended), a note for a mix shift alone.
 *
 * @example
 * taxonomySpans(otherRising, undefined, ctx)[0].weight // 'investigate'
 */
export function taxonomySpans(
  f: FindingRecord,
  decision: Decision | undefined,
  ctx: SpanContext,
): AdviceSpan[] {
  const t = TAXONOMY[f.rule];
  const onset = f.onset.slice(0, 10);
  const span = clip(ctx.window, onset, findingEnd(f, ctx.window));
  if (!t || !span) return [];
  const title = f.title ?? f.explanation.split(/(?<=\.)\s/)[0] ?? f.rule;
  return spanEntities(f).map((entity) => ({
    kind: 'taxonomy' as const,
    feature: ctx.feature,
    source: ctx.source,
    metric: ctx.metric,
    entity,
    ...span,
    action: 'ok' as const,
    weight: decision ? ('decided' as const) : t.investigate ? ('investigate' as const) : ('note' as const),
    finding: f.fingerprint,
    rule: f.rule,
    onset,
    reason: `${title} (${f.rule}): ${t.why}`,
    ...(decision ? { decision: spanDecision(decision) } : {}),
  }));
}
