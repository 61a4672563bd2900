// Acknowledging a finding: silences reminders (never unblocks), with who, why and until when, audited.
import { UpwatchError } from '../core/errors.js';
import type { FindingRecord } from '../core/finding-record.js';
import { writeAudit } from '../store/audit-repo.js';
import { findingsByPrefix, updateFinding, type RepoStore } from '../store/findings-repo.js';

export interface AcknowledgeInput {
  /** Fingerprint or a unique prefix of one. */
  finding: string;
  reason: string;
  by: string;
  /** ISO instant; undefined = until the finding resolves. */
  until?: string;
  now: Date;
}

/**
 * Acknowledge the current episode of a finding. Throws UpwatchError `NOT_FOUND` when no open finding matches and
 * `USAGE` when the prefix is ambiguous or the reason is empty.
 *
 * @example
 * acknowledgeFinding(store, { finding: '3f1c9a', reason: 'migrating to page_media_view', by: 'ana', now });
 */
export function acknowledgeFinding(store: RepoStore, input: AcknowledgeInput): FindingRecord {
  const reason = input.reason.trim();
  if (!reason)
    throw new UpwatchError('USAGE', 'an acknowledgement needs a reason', {
      hint: 'pass --reason "why this is fine for now"',
    });
  const prefix = input.finding.trim().toLowerCase();
  if (!/^[0-9a-f]{4,}$/.test(prefix)) {
    throw new UpwatchError('USAGE', `"${input.finding}" is not a finding fingerprint`, {
      hint: 'give the fingerprint (or its first 4+ hex digits) shown by `upwatch status` or in the alert mail',
    });
  }
  return store.transaction(() => {
    const matches = findingsByPrefix(store, prefix).filter((f) => f.status !== 'resolved');
    if (matches.length === 0) {
      throw new UpwatchError('NOT_FOUND', `no open finding matches ${prefix}`, {
        hint: 'list open findings with `upwatch status`; resolved findings cannot be acknowledged',
      });
    }
    if (matches.length > 1) {
      throw new UpwatchError('USAGE', `${prefix} matches ${matches.length} open findings`, {
        hint: `give more digits: ${matches
          .slice(0, 5)
          .map((m) => m.fingerprint)
          .join(', ')}`,
      });
    }
    const f = matches[0]!;
    const at = input.now.toISOString();
    const after: FindingRecord = { ...f, status: 'acknowledged', ack: { reason, by: input.by, at } };
    if (input.until !== undefined) after.ack!.until = input.until;
    updateFinding(store, after);
    writeAudit(store, {
      at,
      actor: input.by,
      action: 'acknowledged',
      targetKind: 'finding',
      target: f.fingerprint,
      reason,
      details: {
        episode: f.episode,
        until: input.until ?? null,
        previous: f.ack ? { by: f.ack.by, reason: f.ack.reason } : null,
      },
    });
    return after;
  });
}
