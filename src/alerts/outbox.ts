// Writing planned notifications into the outbox and the notification log (inside the caller's transaction).
import type { RepoStore } from '../store/findings-repo.js';
import { enqueue, logNotification, notificationsOf } from '../store/outbox-repo.js';
import type { NoticeLog, PlannedMessage } from './plan.js';

/**
 * Queue planned messages (`INSERT OR IGNORE` on the dedup key) and log which finding episodes each covers.
 * Returns how many rows were new. Call it inside the same transaction as the finding changes.
 *
 * @example
 * store.transaction(() => queueMessages(store, planned, now));
 */
export function queueMessages(store: RepoStore, messages: readonly PlannedMessage[], now: Date): number {
  let queued = 0;
  const at = now.toISOString();
  for (const m of messages) {
    const id = enqueue(store, {
      dedupKey: m.dedupKey,
      recipient: m.recipient,
      kind: m.kind,
      messageId: m.messageId,
      createdAt: at,
      payload: m.payload,
    });
    if (id === undefined) continue;
    queued += 1;
    for (const c of m.covers) {
      const entry = {
        at,
        recipient: m.recipient,
        fingerprint: c.fingerprint,
        episode: c.episode,
        kind: c.kind,
        outboxId: id,
      };
      logNotification(store, c.detail === undefined ? entry : { ...entry, detail: c.detail });
    }
  }
  return queued;
}

/** The notification log read from the store (what each recipient was already told), one query per episode. */
export function storeNoticeLog(store: RepoStore): NoticeLog {
  const cache = new Map<string, ReturnType<typeof notificationsOf>>();
  const of = (fingerprint: string, episode: number, recipient: string) => {
    const key = `${fingerprint}|${episode}`;
    let all = cache.get(key);
    if (!all) cache.set(key, (all = notificationsOf(store, fingerprint, episode)));
    return all.filter((n) => n.recipient === recipient);
  };
  return {
    firstAlert(fingerprint, episode, recipient) {
      const first = of(fingerprint, episode, recipient).find((n) => n.kind === 'alert');
      return first ? { messageId: first.messageId, status: first.status } : undefined;
    },
    lastNotice(fingerprint, episode, recipient) {
      const all = of(fingerprint, episode, recipient).filter(
        (n) => n.kind === 'alert' || n.kind === 'reminder',
      );
      const last = all[all.length - 1];
      return last ? { at: last.at, status: last.status } : undefined;
    },
    countdownsSent(fingerprint, episode, recipient) {
      return new Set(
        of(fingerprint, episode, recipient)
          .filter((n) => n.kind === 'countdown' && n.detail !== undefined)
          .map((n) => n.detail!),
      );
    },
  };
}
