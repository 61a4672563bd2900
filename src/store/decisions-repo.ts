// Decisions in the store: record what people decided about a change, read them back per metric or recent first.
import type { Decision } from '../core/decision.js';
import { prepared, type RepoStore } from './findings-repo.js';
import { DECISION_COLUMNS, decisionFromRow, decisionValues, type DecisionRow } from './rows.js';

/**
 * Store one decision and return it with its id.
 *
 * @example
 * insertDecision(store, { fingerprint, episode: 1, source: 'meta', metric: 'page_reach', rule: 'panel-scale',
 *   kind: 'rescaled-history', factor: 0.001, onset: '2026-03-14', reason: 'rescaled', by: 'ana', at: now });
 */
export function insertDecision(store: RepoStore, d: Omit<Decision, 'id'>): Decision {
  const info = prepared(
    store,
    `INSERT INTO decisions (${DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...decisionValues(d));
  return { ...d, id: Number(info.lastInsertRowid) };
}

/**
 * Every decision about one metric of a source (or about the source as a whole when `metric` is omitted: only
 * source-wide decisions), oldest first: what a retrain reasons from.
 *
 * @example
 * decisionsFor(store, { source: 'meta', metric: 'page_reach' })
 * // [{ kind: 'rescaled-history', factor: 0.001, onset: '2026-03-14', by: 'ana', … }]
 */
export function decisionsFor(store: RepoStore, subject: { source: string; metric?: string }): Decision[] {
  const rows =
    subject.metric === undefined
      ? prepared(
          store,
          `SELECT * FROM decisions WHERE source = ? AND metric IS NULL ORDER BY decided_at, id`,
        ).all(subject.source)
      : prepared(
          store,
          `SELECT * FROM decisions WHERE source = ? AND metric = ? ORDER BY decided_at, id`,
        ).all(subject.source, subject.metric);
  return (rows as DecisionRow[]).map(decisionFromRow);
}

/**
 * The latest decision recorded on a fingerprint, undefined when none (the lifecycle asks before reopening it).
 *
 * @example
 * latestDecision(store, '3f1c9a…')?.kind // 'rescaled-history'
 */
export function latestDecision(store: RepoStore, fingerprint: string): Decision | undefined {
  const row = prepared(
    store,
    `SELECT * FROM decisions WHERE fingerprint = ? ORDER BY decided_at DESC, id DESC LIMIT 1`,
  ).get(fingerprint) as DecisionRow | undefined;
  return row ? decisionFromRow(row) : undefined;
}

/**
 * Decisions recorded at or after `since` (ISO instant), newest first.
 *
 * @example
 * recentDecisions(store, '2026-03-01T00:00:00.000Z').map((d) => d.kind) // ['rescaled-history']
 */
export function recentDecisions(store: RepoStore, since: string): Decision[] {
  const rows = prepared(
    store,
    `SELECT * FROM decisions WHERE decided_at >= ? ORDER BY decided_at DESC, id DESC`,
  ).all(since) as DecisionRow[];
  return rows.map(decisionFromRow);
}

/**
 * The latest decision about one episode of a finding, if any.
 *
 * @example
 * decisionOf(store, '3f1c9a…', 1)?.kind // 'rescaled-history'
 */
export function decisionOf(store: RepoStore, fingerprint: string, episode: number): Decision | undefined {
  const row = prepared(
    store,
    `SELECT * FROM decisions WHERE fingerprint = ? AND episode = ? ORDER BY id DESC LIMIT 1`,
  ).get(fingerprint, episode) as DecisionRow | undefined;
  return row ? decisionFromRow(row) : undefined;
}
