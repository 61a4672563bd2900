// Spans of a change of meaning (unit or scale factor, representation): rows on the other unit, and waiting for a regime.
import { addDays, daysBetween, isoDay } from '../core/clock.js';
import type { Decision } from '../core/decision.js';
import { changeFactorOf } from '../core/finding-lifecycle.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { AdviceSpan } from './advice.js';
import {
  factorWords,
  findingEnd,
  measuredWords,
  spanDecision,
  spanEntities,
  type SpanContext,
} from './span-context.js';
import { clip } from './window.js';

/** The factor a change names: a scale finding's factor, or any change's numeric `factor` evidence. */
function factorOf(f: FindingRecord): number | undefined {
  const v = changeFactorOf(f) ?? f.evidence['factor'];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v !== 1 ? v : undefined;
}

/** The detector's interquartile range of the measured factor, when its evidence carries one. */
function factorRange(f: FindingRecord): [number, number] | undefined {
  const r = f.evidence['kappaIqr'];
  if (!Array.isArray(r) || r.length !== 2) return undefined;
  const [lo, hi] = r as readonly unknown[];
  return typeof lo === 'number' && typeof hi === 'number' && lo > 0 && hi >= lo ? [lo, hi] : undefined;
}

/** Decisions after which the old regime is not trained on at all: only the new one is. */
const NEW_REGIME_ONLY: ReadonlySet<Decision['kind']> = new Set(['retrained-on-new-regime', 'new-definition']);

function base(
  f: FindingRecord,
  ctx: SpanContext,
  entity: string,
): Omit<AdviceSpan, 'kind' | 'from' | 'to' | 'action' | 'weight' | 'reason'> {
  return {
    feature: ctx.feature,
    source: ctx.source,
    metric: ctx.metric,
    entity,
    finding: f.fingerprint,
    rule: f.rule,
    onset: f.onset.slice(0, 10),
  };
}

/**
 * Spans of one change finding: before a held change, rows are on the old unit (rescale by the factor, or drop when
 * it names none); a change that reverted leaves its own days on the odd unit (rescale by the inverse); and a change
 * with fewer than `newRegimeDays` days after it makes a retrain on its regime wait. A decision makes its span fit:
 * `rescaled-history` keeps the rows, a new-regime decision drops them on purpose.
 *
 * @example
 * changeSpans(panelScaleFinding, [], ctx)
 * // [{ kind: 'scale-change', from: '2026-03-01', to: '2026-03-13', action: 'rescale', factor: 0.001, weight: 'fix', … }]
 */
// eslint-disable-next-line max-lines-per-function -- one span builder per change kind (scale, regime, removal, redefinition) over shared dates and decisions; a split would pass them all along
export function changeSpans(
  f: FindingRecord,
  decision: Decision | undefined,
  ctx: SpanContext,
): AdviceSpan[] {
  const onset = f.onset.slice(0, 10);
  const factor = factorOf(f);
  const range = factorRange(f);
  const out: AdviceSpan[] = [];
  const measured = range
    ? ` (measured ${measuredWords(Math.sqrt(range[0] * range[1]))}, half the entities between ${measuredWords(range[0])} and ${measuredWords(range[1])})`
    : '';

  if (f.status === 'resolved' && f.resolution === 'reverted') {
    const odd = clip(ctx.window, onset, findingEnd(f, ctx.window));
    if (!odd) return [];
    for (const entity of spanEntities(f)) {
      const back = factor !== undefined ? 1 / factor : undefined;
      out.push({
        ...base(f, ctx, entity),
        kind: 'reverted-change',
        ...odd,
        action: back !== undefined ? 'rescale' : 'drop',
        ...(back !== undefined ? { factor: back } : {}),
        weight: 'fix',
        reason:
          back !== undefined
            ? `the values moved ${factorWords(factor!)} on ${onset} and came back on ${addDays(odd.to, 1)}: rescale these rows ${factorWords(back)} (or drop them)`
            : `the values changed on ${onset} and came back on ${addDays(odd.to, 1)}: drop these rows`,
      });
    }
    return out;
  }

  const before = clip(ctx.window, ctx.window.from, addDays(onset, -1));
  if (before) {
    for (const entity of spanEntities(f)) {
      const b = { ...base(f, ctx, entity), kind: 'scale-change' as const, ...before };
      if (decision?.kind === 'rescaled-history' || decision?.kind === 'switched-to-replacement') {
        out.push({
          ...b,
          action: 'ok',
          ...(decision.factor !== undefined ? { factor: decision.factor } : {}),
          weight: 'decided',
          decision: spanDecision(decision),
          reason: `${decision.kind === 'rescaled-history' ? `history rescaled${decision.factor !== undefined ? ` ${factorWords(decision.factor)}` : ''}` : 'switched to the replacement'} by ${decision.by} on ${decision.at.slice(0, 10)} (${decision.reason}): fit as it is in the feature store`,
        });
      } else if (decision && NEW_REGIME_ONLY.has(decision.kind)) {
        out.push({
          ...b,
          action: 'drop',
          weight: 'decided',
          decision: spanDecision(decision),
          reason: `${decision.kind} recorded by ${decision.by} on ${decision.at.slice(0, 10)}: train on the days since ${onset} only, drop these rows`,
        });
      } else if (factor !== undefined) {
        out.push({
          ...b,
          action: 'rescale',
          factor,
          ...(range ? { factorRange: range } : {}),
          weight: 'fix',
          reason: `the values moved ${factorWords(factor)} on ${onset}${measured}: rescale the rows before it ${factorWords(factor)}, or drop them; then record it with upwatch accept ${f.fingerprint.slice(0, 8)} --as rescaled-history`,
        });
      } else {
        out.push({
          ...b,
          action: 'drop',
          weight: 'fix',
          reason: `the values changed meaning on ${onset} (${f.rule}, no unit factor): the rows before it are not comparable, drop them`,
        });
      }
    }
  }

  const decidedKeep = decision?.kind === 'rescaled-history' || decision?.kind === 'switched-to-replacement';
  // Days of the new regime that exist: up to the window's end, or today when the window reaches past it.
  const today = isoDay(ctx.now);
  const since = daysBetween(onset, ctx.window.to < today ? ctx.window.to : today) + 1;
  if (!decidedKeep && since >= 1 && since < ctx.newRegimeDays) {
    const waitUntil = addDays(onset, ctx.newRegimeDays - 1);
    const after = clip(ctx.window, onset, ctx.window.to);
    if (after) {
      out.push({
        ...base(f, ctx, '*'),
        kind: 'new-regime',
        ...after,
        action: 'ok',
        weight: 'wait',
        waitUntil,
        reason: `only ${since} day${since === 1 ? '' : 's'} of the new regime since ${onset}; ${ctx.newRegimeDays} are needed to confirm it: wait until ${waitUntil}`,
        ...(decision ? { decision: spanDecision(decision) } : {}),
      });
    }
  }
  return out;
}
