// Writing planned notifications into the outbox and the notification log (inside the caller's transaction).
import type { RepoStore } from '../store/findings-repo.js';
import {
  countQueuedSince,
  enqueue,
  logNotification,
  notificationsOf,
  outboxByDedupKey,
  replacePendingPayload,
} from '../store/outbox-repo.js';
import { mergeChannelFindings } from './channel-message.js';
import { composeDigest, type DigestLine } from './digest.js';
import { IMMEDIATE_KINDS, type NoticeLog, type PlannedMessage } from './plan.js';

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
  const log = (m: PlannedMessage, id: number, covers: PlannedMessage['covers']) => {
    for (const c of covers) {
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
  };
  for (const m of messages) {
    const id = enqueue(store, {
      dedupKey: m.dedupKey,
      recipient: m.recipient,
      ...(m.channel ? { channel: m.channel } : {}),
      kind: m.kind,
      messageId: m.messageId,
      createdAt: at,
      payload: m.payload,
      ...(m.notBefore ? { notBefore: m.notBefore.getTime() } : {}),
      ...(m.after !== undefined ? { afterId: m.after } : {}),
    });
    if (id !== undefined) {
      queued += 1;
      log(m, id, m.covers);
      continue;
    }
    if (!m.merge) continue;
    // A cap digest for this recipient and hour exists: add the lines it does not list yet while it waits.
    const existing = outboxByDedupKey(store, m.dedupKey);
    if (!existing) continue;
    const had = (existing.payload.digest?.lines ?? []) as unknown as DigestLine[];
    const known = new Set(had.map((l) => l.key));
    const added = m.merge.lines.filter((l) => !known.has(l.key));
    if (added.length === 0) continue;
    const lines = [...had, ...added];
    const rendered = composeDigest({
      variant: 'cap',
      lines,
      now,
      windowStart: m.merge.windowStart,
      cap: m.merge.cap,
    });
    const digest = { lines: lines as unknown as Record<string, unknown>[] };
    const hadChannel = existing.payload.channel;
    const channel =
      hadChannel && m.payload.channel
        ? mergeChannelFindings(hadChannel, m.payload.channel.findings)
        : hadChannel;
    if (replacePendingPayload(store, existing.id, { ...rendered, digest, ...(channel ? { channel } : {}) })) {
      const addedKeys = new Set(added.map((l) => l.key));
      const fromOriginals = m.merge.originals.filter((o) =>
        (o.items ?? []).some((i) =>
          addedKeys.has(`${o.dedupKey.slice(0, 16)}:${i.finding.fingerprint}:${i.finding.episode}`),
        ),
      );
      log(
        m,
        existing.id,
        fromOriginals.flatMap((o) => o.covers),
      );
      continue;
    }
    // The digest is already on its way: queue the held notices as they were planned (nothing is lost).
    queued += queueMessages(store, m.merge.originals, now);
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
    // A notice dropped before sending told the recipient nothing.
    return all.filter((n) => n.recipient === recipient && n.status !== 'dropped');
  };
  return {
    firstAlert(fingerprint, episode, recipient) {
      const first = of(fingerprint, episode, recipient).find((n) => n.kind === 'alert');
      return first
        ? { messageId: first.messageId, status: first.status, outboxId: first.outboxId }
        : undefined;
    },
    lastNotice(fingerprint, episode, recipient) {
      const all = of(fingerprint, episode, recipient).filter(
        (n) => n.kind === 'alert' || n.kind === 'reminder',
      );
      const last = all[all.length - 1];
      return last ? { at: last.at, status: last.status } : undefined;
    },
    queued(dedupKey) {
      return outboxByDedupKey(store, dedupKey) !== undefined;
    },
    immediateSince(recipient, since) {
      return countQueuedSince(store, recipient, IMMEDIATE_KINDS, since);
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
