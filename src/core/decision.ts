// Decisions: what the consumers did about a change of an upstream's meaning, recorded by a person (`upwatch accept`).

/**
 * `rescaled-history`: the consumers rescaled history by the named factor from the onset.
 * `switched-to-replacement`: they moved to the replacement metric.
 * `retrained-on-new-regime`: the model was retrained on data since the onset only.
 * `new-definition`: the new series is declared a new definition (old history is not comparable).
 */
export const DECISION_KINDS = [
  'rescaled-history',
  'switched-to-replacement',
  'retrained-on-new-regime',
  'new-definition',
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** True when `s` is one of DECISION_KINDS. */
export function isDecisionKind(s: string): s is DecisionKind {
  return (DECISION_KINDS as readonly string[]).includes(s);
}

/**
 * One recorded decision about one episode of a change finding.
 *
 * @example
 * { id: 1, fingerprint: '3f1c9a…', episode: 1, source: 'meta', metric: 'page_reach', rule: 'panel-scale',
 *   kind: 'rescaled-history', factor: 0.001, onset: '2026-03-14', reason: 'rescaled in the feature store',
 *   by: 'ana', at: '2026-04-20T09:00:00.000Z' }
 */
export interface Decision {
  id: number;
  fingerprint: string;
  episode: number;
  source: string;
  metric?: string;
  /** Rule of the finding decided on (e.g. `panel-scale`). */
  rule: string;
  kind: DecisionKind;
  /** The factor the consumers applied (rescaled-history), or the finding's factor. */
  factor?: number;
  /** First bad period of the finding (ISO date). */
  onset: string;
  reason: string;
  by: string;
  at: string;
}
