// Spans of a metric that is gone or going: rows after the removal are missing (switch to the replacement), and a
// removal announced for the serving period kills the feature in production on a known day.
import { addDays } from '../core/clock.js';
import type { Decision } from '../core/decision.js';
import type { FindingRecord } from '../core/finding-record.js';
import { knownDeprecation } from '../knowledge/lookup.js';
import type { AdviceSpan } from './advice.js';
import { findingEnd, spanDecision, type SpanContext } from './span-context.js';
import { clip } from './window.js';

/** Rules that say a metric is gone (or will be on its effective day). */
export const REMOVAL_RULES: ReadonlySet<string> = new Set([
  'metric-invalid',
  'version-gone',
  'metric-missing-from-data',
  'announced-deprecation',
]);

/** What upwatch knows about how a replacement relates to the metric it replaces. */
function replacementOf(f: FindingRecord, ctx: SpanContext): { replacement?: string; relation: string } {
  const known = ctx.provider ? knownDeprecation(ctx.provider, ctx.metric, ctx.now) : undefined;
  const replacement = f.replacement ?? known?.replacement;
  if (replacement === undefined)
    return { relation: 'no replacement is known: drop the input or find another signal' };
  const note = known?.replacement === replacement ? known.note : undefined;
  return {
    replacement,
    relation: note
      ? `${note}${/[.!?]$/.test(note) ? '' : '.'} Compare the two on days both exist before switching.`
      : `no documented relation between ${ctx.metric} and ${replacement}: compare the two on days both exist before switching, and do not join them as one series`,
  };
}

/**
 * Spans of one deprecation finding: `removed` from its effective day (or onset) to the window's end, whose rows are
 * missing, not zero; `sunset` when the removal takes effect after the window but inside the serving period.
 *
 * @example
 * removalSpans(metricInvalidFinding, undefined, ctx)
 * // [{ kind: 'removed', from: '2026-03-10', to: '2026-03-28', action: 'drop', replacement: 'page_media_view', … }]
 */
export function removalSpans(
  f: FindingRecord,
  decision: Decision | undefined,
  ctx: SpanContext,
): AdviceSpan[] {
  const effective = (f.effectiveDate ?? f.onset).slice(0, 10);
  // Resolved without a decision: the metric came back (or the announcement went away), so the span ends there.
  const cameBack = f.status === 'resolved' && f.resolution !== 'decided';
  const base = {
    feature: ctx.feature,
    source: ctx.source,
    metric: ctx.metric,
    entity: '*',
    finding: f.fingerprint,
    rule: f.rule,
    onset: f.onset.slice(0, 10),
    effectiveDate: effective,
  };
  const { replacement, relation } = replacementOf(f, ctx);
  const repl = { ...(replacement !== undefined ? { replacement } : {}), relation };
  if (effective > ctx.window.to) {
    if (cameBack) return [];
    const servingEnd = addDays(ctx.window.to, ctx.servingDays);
    if (effective > servingEnd) return [];
    return [
      {
        ...base,
        kind: 'sunset',
        from: effective,
        to: effective,
        action: 'ok',
        weight: 'note',
        ...repl,
        reason: `${ctx.metric} is announced to be removed on ${effective}, inside the ${ctx.servingDays} days this model will serve: feature ${ctx.feature} will die in production that day${replacement ? `; retrain on ${replacement} instead` : ''}`,
      },
    ];
  }
  if (!REMOVAL_RULES.has(f.rule)) return [];
  const gone = clip(ctx.window, effective, cameBack ? findingEnd(f, ctx.window) : ctx.window.to);
  if (!gone) return [];
  const decided = decision !== undefined;
  return [
    {
      ...base,
      kind: 'removed',
      ...gone,
      action: 'drop',
      weight: decided ? 'decided' : 'fix',
      ...repl,
      ...(decision ? { decision: spanDecision(decision) } : {}),
      reason: decided
        ? `${ctx.metric} is gone since ${effective}; ${decision.kind} recorded by ${decision.by} on ${decision.at.slice(0, 10)} (${decision.reason}): its rows are missing, not zero`
        : `${ctx.metric} is gone since ${effective}: its rows are missing, not zero; ${replacement ? `switch to ${replacement}` : 'drop the input'}`,
    },
  ];
}
