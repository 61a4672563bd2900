// What every span builder needs besides the finding: the feature's input, the window, the clock and the tunables.
import { addDays, isoDay } from '../core/clock.js';
import type { Decision } from '../core/decision.js';
import type { MetricHistory } from '../core/detector.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { SpanDecision } from './advice.js';
import type { TrainingWindow } from './window.js';

/** One input of one feature, seen through the window. */
export interface SpanContext {
  feature: string;
  source: string;
  metric: string;
  /** Provider of the source, for the built-in knowledge of vendor deprecations. */
  provider?: string;
  window: TrainingWindow;
  now: Date;
  /** The metric's history from before the window's start (frozen runs may begin earlier). */
  history?: MetricHistory;
  /** Days of a new regime a retrain needs before it can learn the new regime alone. */
  newRegimeDays: number;
  /** Days after the window's end the retrained model will serve. */
  servingDays: number;
}

/** The decision recorded for this episode of the finding, if any (the latest when several). */
export function decisionOf(f: FindingRecord, decisions: readonly Decision[]): Decision | undefined {
  let found: Decision | undefined;
  for (const d of decisions) if (d.fingerprint === f.fingerprint && d.episode === f.episode) found = d;
  return found;
}

/** A decision as a span shows it. */
export function spanDecision(d: Decision): SpanDecision {
  return {
    kind: d.kind,
    by: d.by,
    at: d.at,
    reason: d.reason,
    ...(d.factor !== undefined ? { factor: d.factor } : {}),
  };
}

/**
 * The last day a finding's situation lasted: the day before it resolved, or the window's end while it holds.
 *
 * @example
 * findingEnd({ status: 'resolved', resolvedAt: '2026-03-20T07:00:00Z' }, window) // '2026-03-19'
 */
export function findingEnd(
  f: Pick<FindingRecord, 'status' | 'resolvedAt' | 'lastSeen'>,
  window: TrainingWindow,
): string {
  if (f.status !== 'resolved') return window.to;
  const at = f.resolvedAt ?? f.lastSeen;
  return addDays(isoDay(at), -1);
}

/** The entities a span is about: `*` for the whole metric, else each affected entity. */
export function spanEntities(f: Pick<FindingRecord, 'entities' | 'entityShare'>): string[] {
  if (f.entities.length === 0 || (f.entityShare ?? 0) >= 1) return ['*'];
  return [...f.entities];
}

/** Format a factor for words: ×1000, ÷1000, ×1.5. */
export function factorWords(factor: number): string {
  if (factor >= 1) return `×${trim(factor)}`;
  const inv = 1 / factor;
  return Math.abs(inv - Math.round(inv)) < 1e-9 ? `÷${Math.round(inv)}` : `×${trim(factor)}`;
}

/**
 * A measured factor in words, three significant digits: ÷969, ×1.02.
 *
 * @example
 * measuredWords(0.00103161) // '÷969'
 */
export function measuredWords(factor: number): string {
  return factor >= 1 ? `×${Number(factor.toPrecision(3))}` : `÷${Number((1 / factor).toPrecision(3))}`;
}

function trim(n: number): string {
  return String(Number(n.toPrecision(6)));
}
