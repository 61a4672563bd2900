// Writing planned notifications into the outbox and the notification log (inside the caller's transaction).
import type { Store } from '../store/ports.js';
import { UpwatchError } from '../core/errors.js';
import { mergeChannelFindings } from './channel-message.js';
import { composeDigest, type DigestLine } from './digest.js';
import { IMMEDIATE_KINDS, type NoticeLog, type PlannedMessage } from './plan.js';

/**
 * Queue planned messages (`INSERT OR IGNORE` on the dedup key) and log which finding episodes each covers.
 * Returns how many rows were new. Call it inside the same transaction as the finding changes.
 *
 * @example
 * await store.transaction(() => queueMessages(store, planned, now));
 */
// eslint-disable-next-line max-lines-per-function -- one pass over the planned rows: insert, log what each covers, or merge into the waiting cap digest
export async function queueMessages(
  store: Store,
  messages: readonly PlannedMessage[],
  now: Date,
): Promise<number> {
  let queued = 0;
  const at = now.toISOString();
  const log = async (m: PlannedMessage, id: number, covers: PlannedMessage['covers']) => {
    for (const c of covers) {
      const entry = {
        at,
        recipient: m.recipient,
        fingerprint: c.fingerprint,
        episode: c.episode,
        kind: c.kind,
        outboxId: id,
      };
      await store.outbox.logNotification(c.detail === undefined ? entry : { ...entry, detail: c.detail });
    }
  };
  for (const m of messages) {
    const id = await store.outbox.enqueue({
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
      await log(m, id, m.covers);
      continue;
    }
    if (!m.merge) continue;
    // A cap digest for this recipient and hour exists: add the lines it does not list yet while it waits.
    const existing = await store.outbox.byDedupKey(m.dedupKey);
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
    if (
      await store.outbox.replacePendingPayload(existing.id, {
        ...rendered,
        digest,
        ...(channel ? { channel } : {}),
      })
    ) {
      const addedKeys = new Set(added.map((l) => l.key));
      const fromOriginals = m.merge.originals.filter((o) =>
        (o.items ?? []).some((i) =>
          addedKeys.has(`${o.dedupKey.slice(0, 16)}:${i.finding.fingerprint}:${i.finding.episode}`),
        ),
      );
      await log(
        m,
        existing.id,
        fromOriginals.flatMap((o) => o.covers),
      );
      continue;
    }
    // The digest is already on its way: queue the held notices as they were planned (nothing is lost).
    queued += await queueMessages(store, m.merge.originals, now);
  }
  return queued;
}

/** What planning may ask the notification log about: the episodes and recipients of one poll's notices. */
export interface NoticeLogScope {
  /** Episodes the plan may notify about (this poll's changes and every open finding). */
  episodes: readonly { fingerprint: string; episode: number }[];
  /** Everyone the plan may write to (recipientsOf over those findings). */
  recipients: readonly string[];
  /** Start of the hour the hourly cap counts in. */
  capWindowStart: string;
}

/**
 * The notification log read from the store for one plan (what each recipient was already told): one query per
 * episode, one for the recipients' dedup keys and one count per recipient, read before planning so that the plan
 * itself stays a pure function over the snapshot. Asking about an episode or a recipient outside `scope` is a bug
 * and throws.
 */
export async function loadNoticeLog(store: Store, scope: NoticeLogScope): Promise<NoticeLog> {
  const notices = new Map<string, Awaited<ReturnType<Store['outbox']['notificationsOf']>>>();
  for (const e of scope.episodes) {
    const key = `${e.fingerprint}|${e.episode}`;
    if (!notices.has(key)) notices.set(key, await store.outbox.notificationsOf(e.fingerprint, e.episode));
  }
  const recipients = [...new Set(scope.recipients)];
  const queued = new Set(await store.outbox.dedupKeysFor(recipients));
  const immediate = new Map<string, number>();
  for (const r of recipients)
    immediate.set(r, await store.outbox.countQueuedSince(r, IMMEDIATE_KINDS, scope.capWindowStart));
  const outside = (what: string) =>
    new UpwatchError(
      'INTERNAL',
      `the notification plan asked about ${what}, which was not read before planning`,
      {
        hint: 'report this: loadNoticeLog was given a scope narrower than the plan',
      },
    );
  const of = (fingerprint: string, episode: number, recipient: string) => {
    const all = notices.get(`${fingerprint}|${episode}`);
    if (!all) throw outside(`episode ${episode} of ${fingerprint}`);
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
      return queued.has(dedupKey);
    },
    immediateSince(recipient, since) {
      const n = immediate.get(recipient);
      if (n === undefined) throw outside(`recipient ${recipient}`);
      if (since !== scope.capWindowStart) throw outside(`the hour from ${since}`);
      return n;
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
