// Acknowledging a finding: silences reminders (never unblocks), with who, why and until when, audited.
import { UpwatchError } from '../core/errors.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { Store } from '../store/ports.js';
import { fingerprintPrefix, openFindingByPrefix } from './open-finding.js';

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
export async function acknowledgeFinding(store: Store, input: AcknowledgeInput): Promise<FindingRecord> {
  const reason = input.reason.trim();
  if (!reason)
    throw new UpwatchError('USAGE', 'an acknowledgement needs a reason', {
      hint: 'pass --reason "why this is fine for now"',
    });
  const prefix = fingerprintPrefix(input.finding);
  return store.transaction(async () => {
    const f = await openFindingByPrefix(
      store,
      prefix,
      'list open findings with `upwatch status`; resolved findings cannot be acknowledged',
    );
    const at = input.now.toISOString();
    const after: FindingRecord = { ...f, status: 'acknowledged', ack: { reason, by: input.by, at } };
    if (input.until !== undefined) after.ack!.until = input.until;
    await store.findings.update(after);
    await store.audit.write({
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
