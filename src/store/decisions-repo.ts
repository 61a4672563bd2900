// Decisions in the store: record what people decided about a change, read them back per metric or recent first.
import type { Decision, DecisionKind } from '../core/decision.js';
import { prepared, type RepoStore } from './findings-repo.js';

interface DecisionRow {
  id: number;
  fingerprint: string;
  episode: number;
  source: string;
  metric: string | null;
  rule: string;
  kind: string;
  factor: number | null;
  onset: string;
  reason: string;
  decided_by: string;
  decided_at: string;
}

function fromRow(r: DecisionRow): Decision {
  const d: Decision = {
    id: r.id,
    fingerprint: r.fingerprint,
    episode: r.episode,
    source: r.source,
    rule: r.rule,
    kind: r.kind as DecisionKind,
    onset: r.onset,
    reason: r.reason,
    by: r.decided_by,
    at: r.decided_at,
  };
  if (r.metric !== null) d.metric = r.metric;
  if (r.factor !== null) d.factor = r.factor;
  return d;
}

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
    `INSERT INTO decisions (fingerprint, episode, source, metric, rule, kind, factor, onset, reason, decided_by, decided_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    d.fingerprint,
    d.episode,
    d.source,
    d.metric ?? null,
    d.rule,
    d.kind,
    d.factor ?? null,
    d.onset,
    d.reason,
    d.by,
    d.at,
  );
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
  return (rows as DecisionRow[]).map(fromRow);
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
  return row ? fromRow(row) : undefined;
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
  return rows.map(fromRow);
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
  return row ? fromRow(row) : undefined;
}
