// Spans of a frozen series: per entity, the run of one repeated value from the finding's onset to its last day.
import type { FindingRecord } from '../core/finding-record.js';
import type { AdviceSpan } from './advice.js';
import { frozenExtent } from './frozen-extent.js';
import { findingEnd, spanEntities, type SpanContext } from './span-context.js';
import { clip } from './window.js';

/**
 * Drop spans for a frozen finding, one per affected entity (the whole metric for a panel-wide freeze). The extent is
 * read from the entity's history when it has a value on the onset day, else taken from the finding's own days.
 * Whatever the finding's severity (a partial freeze may only warn for serving), repeated rows are not data to learn
 * from: every frozen span is a fix.
 *
 * @example
 * frozenSpans(frozenRunFinding, ctx)
 * // [{ kind: 'frozen', entity: 'p1', from: '2026-03-09', to: '2026-03-28', action: 'drop', weight: 'fix', … }]
 */
export function frozenSpans(f: FindingRecord, ctx: SpanContext): AdviceSpan[] {
  const onset = f.onset.slice(0, 10);
  const fallbackEnd = findingEnd(f, ctx.window);
  const out: AdviceSpan[] = [];
  const entities = spanEntities(f);
  const perEntity = entities[0] === '*' ? [...(ctx.history?.entities.keys() ?? [])] : entities;
  const spans = new Map<string, { from: string; to: string }>();
  for (const e of perEntity) {
    const series = ctx.history?.entities.get(e);
    const extent = series ? frozenExtent(series, onset) : undefined;
    const span = clip(ctx.window, extent?.from ?? onset, extent?.to ?? fallbackEnd);
    if (span) spans.set(e, span);
  }
  // A whole-metric freeze with no history to read stays one `*` span.
  if (perEntity.length === 0) {
    const span = clip(ctx.window, onset, fallbackEnd);
    if (span) spans.set('*', span);
  }
  for (const [entity, span] of spans) {
    out.push({
      kind: 'frozen',
      feature: ctx.feature,
      source: ctx.source,
      metric: ctx.metric,
      entity,
      ...span,
      action: 'drop',
      weight: 'fix',
      finding: f.fingerprint,
      rule: f.rule,
      onset,
      reason: `${entity === '*' ? 'every entity' : entity} repeated one value from ${span.from} to ${span.to} (${f.rule}${f.severity === 'block' ? '' : ', a warning'}): drop these rows`,
    });
  }
  return out;
}
