// The audit log: who changed what, when and why (findings, acknowledgements, overrides, feature states, cleared pauses).
import { prepared, type RepoStore } from './findings-repo.js';

export type AuditTargetKind = 'finding' | 'feature' | 'override' | 'outbox' | 'principal' | 'breaker';

/** One audit entry. `actor` is a person (from --by) or `upwatch` for automatic changes. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  /** e.g. `opened`, `escalated`, `resolved`, `reopened`, `acknowledged`, `ack-expired`, `state-changed`. */
  action: string;
  targetKind: AuditTargetKind;
  target: string;
  reason?: string;
  details: Record<string, unknown>;
}

/**
 * Append one entry.
 *
 * @example
 * writeAudit(store, { at: now, actor: 'ana', action: 'acknowledged', targetKind: 'finding', target: fp,
 *   reason: 'migrating to page_media_view', details: { episode: 1 } });
 */
export function writeAudit(
  store: RepoStore,
  e: Omit<AuditEntry, 'id' | 'details'> & { details?: Record<string, unknown> },
): void {
  prepared(
    store,
    `INSERT INTO audit_log (at, actor, action, target_kind, target, reason, details)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(e.at, e.actor, e.action, e.targetKind, e.target, e.reason ?? null, JSON.stringify(e.details ?? {}));
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  target_kind: string;
  target: string;
  reason: string | null;
  details: string;
}

/** Entries, oldest first, optionally for one target. */
export function readAudit(
  store: RepoStore,
  filter: { targetKind?: AuditTargetKind; target?: string } = {},
): AuditEntry[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.targetKind) {
    where.push('target_kind = ?');
    params.push(filter.targetKind);
  }
  if (filter.target) {
    where.push('target = ?');
    params.push(filter.target);
  }
  const rows = prepared(
    store,
    `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`,
  ).all(...params) as AuditRow[];
  return rows.map((r) => {
    const e: AuditEntry = {
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      targetKind: r.target_kind as AuditTargetKind,
      target: r.target,
      details: JSON.parse(r.details) as Record<string, unknown>,
    };
    if (r.reason !== null) e.reason = r.reason;
    return e;
  });
}
