// The alert outbox (one row per recipient and message, leased by the relay) and the notification log beside it.
import { prepared, type RepoStore } from './findings-repo.js';

/** `reminder` is the reminder digest (weekly by default); `digest` collects the notices held back by the hourly cap. */
export const OUTBOX_KINDS = ['alert', 'resolved', 'reminder', 'countdown', 'digest'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
/** What a row goes through: mail (SMTP), a Slack incoming webhook, or a signed JSON webhook. */
export const OUTBOX_CHANNELS = ['email', 'slack', 'webhook'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/** `dropped`: withdrawn before sending, because what it said no longer held (the reason is in `lastError`). */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'dropped';

/** A rendered message as queued: everything the relay needs, no secrets (the sender comes from SMTP settings). */
export interface OutboxPayload {
  subject: string;
  text: string;
  html: string;
  inReplyTo?: string;
  references?: string[];
  /** A cap digest's entries as data (alerts/digest.ts `DigestLine`), so later polls of its hour can add to it. */
  digest?: { lines: Record<string, unknown>[] };
  /**
   * The findings a notice was planned about, as data (alerts/revise.ts `NoticeItem`), so the relay can check them
   * against the state at send time and drop or rewrite what no longer holds.
   */
  notice?: { items: Record<string, unknown>[] };
  /**
   * For a Slack or webhook row: where it goes (URL and signing secret as `${VAR}` templates, resolved when sending)
   * and its findings as data (alerts/channel-message.ts `ChannelFinding`), from which the body is built.
   */
  channel?: {
    url: string;
    secret?: string;
    findings: Record<string, unknown>[];
  };
}

export interface OutboxRow {
  id: number;
  dedupKey: string;
  recipient: string;
  /** `email` unless the row goes to a Slack or webhook channel. */
  channel: OutboxChannel;
  kind: OutboxKind;
  messageId: string;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: number;
  leaseOwner?: string;
  leaseUntil?: number;
  lastError?: string;
  sentAt?: string;
  /** The row that must be sent before this one (a resolved notice waits for the alert it answers). */
  afterId?: number;
  payload: OutboxPayload;
}

interface Row {
  id: number;
  dedup_key: string;
  recipient: string;
  channel: string;
  kind: string;
  message_id: string;
  status: string;
  attempts: number;
  created_at: string;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  sent_at: string | null;
  after_id: number | null;
  payload: string;
}

function fromRow(r: Row): OutboxRow {
  const o: OutboxRow = {
    id: r.id,
    dedupKey: r.dedup_key,
    recipient: r.recipient,
    channel: r.channel as OutboxChannel,
    kind: r.kind as OutboxKind,
    messageId: r.message_id,
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    payload: JSON.parse(r.payload) as OutboxPayload,
  };
  if (r.lease_owner !== null) o.leaseOwner = r.lease_owner;
  if (r.lease_until !== null) o.leaseUntil = r.lease_until;
  if (r.last_error !== null) o.lastError = r.last_error;
  if (r.sent_at !== null) o.sentAt = r.sent_at;
  if (r.after_id !== null) o.afterId = r.after_id;
  return o;
}

/**
 * Queue a message unless one with the same dedup key exists (`INSERT OR IGNORE`). Returns the new row id, or
 * undefined when it was a duplicate. The Message-ID is fixed here, before any attempt.
 *
 * @example
 * enqueue(store, { dedupKey, recipient: 'ana@example.com', kind: 'alert', messageId: '<upwatch-ab12@host>',
 *   createdAt: now.toISOString(), payload });
 */
export function enqueue(
  store: RepoStore,
  m: {
    dedupKey: string;
    recipient: string;
    /** Default `email`. */
    channel?: OutboxChannel;
    kind: OutboxKind;
    messageId: string;
    createdAt: string;
    payload: OutboxPayload;
    /** Epoch ms before which the relay leaves the row alone; default `createdAt`. */
    notBefore?: number;
    /** A row that must be `sent` before this one is claimed (the alert a resolved notice answers). */
    afterId?: number;
  },
): number | undefined {
  const info = prepared(
    store,
    `INSERT OR IGNORE INTO outbox (dedup_key, recipient, channel, kind, message_id, status, attempts, created_at, next_attempt_at, after_id, payload)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
  ).run(
    m.dedupKey,
    m.recipient,
    m.channel ?? 'email',
    m.kind,
    m.messageId,
    m.createdAt,
    m.notBefore ?? Date.parse(m.createdAt),
    m.afterId ?? null,
    JSON.stringify(m.payload),
  );
  return info.changes === 1 ? Number(info.lastInsertRowid) : undefined;
}

/**
 * Claim up to `limit` due rows for `owner` with a lease: pending rows whose time has come, and rows whose previous
 * lease expired (a relay that died between sending and marking). One statement, so two relays never share a row.
 * A row with `after_id` waits until that row is `sent`: a resolved notice never overtakes the alert it answers, also
 * when that alert is left `sending` by a relay that died and is only taken again once its lease expires.
 * Only rows of `channels` are claimed (default every channel): a relay takes what it can deliver.
 */
export function claimDue(
  store: RepoStore,
  owner: string,
  nowMs: number,
  leaseMs: number,
  limit: number,
  channels: readonly OutboxChannel[] = OUTBOX_CHANNELS,
): OutboxRow[] {
  const wanted = OUTBOX_CHANNELS.map((c) => (channels.includes(c) ? c : null));
  const rows = prepared(
    store,
    `UPDATE outbox SET status = 'sending', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1
       WHERE id IN (SELECT o.id FROM outbox o
                    WHERE ((o.status = 'pending' AND o.next_attempt_at <= @now)
                           OR (o.status = 'sending' AND o.lease_until < @now))
                      AND o.channel IN (@c0, @c1, @c2)
                      AND (o.after_id IS NULL OR (SELECT d.status FROM outbox d WHERE d.id = o.after_id) = 'sent')
                    ORDER BY o.id LIMIT @limit)
       RETURNING *`,
  ).all({
    owner,
    leaseUntil: nowMs + leaseMs,
    now: nowMs,
    limit,
    c0: wanted[0] ?? null,
    c1: wanted[1] ?? null,
    c2: wanted[2] ?? null,
  }) as Row[];
  return rows.map(fromRow).sort((a, b) => a.id - b.id);
}

/** Mark a claimed row sent (only while this owner holds it; false when the lease was lost). */
export function markSent(store: RepoStore, id: number, owner: string, at: string): boolean {
  return (
    prepared(
      store,
      `UPDATE outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL
         WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
    ).run(at, id, owner).changes === 1
  );
}

/** Put a claimed row back to pending with the next attempt time and the reason. */
export function markRetry(
  store: RepoStore,
  id: number,
  owner: string,
  nextAttemptAt: number,
  error: string,
): boolean {
  return (
    prepared(
      store,
      `UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
    ).run(nextAttemptAt, error, id, owner).changes === 1
  );
}

/**
 * End a claimed row with a final status and the rows waiting for it (`after_id`, still pending) with it: `dead` when
 * it was given up, `dropped` when it was withdrawn unsent. Returns whether the row was this owner's and the
 * dependents' ids.
 */
function endClaimed(
  store: RepoStore,
  id: number,
  owner: string,
  status: 'dead' | 'dropped',
  reason: string,
  dependentReason: string,
): { ended: boolean; dependents: number[] } {
  const ended =
    prepared(
      store,
      `UPDATE outbox SET status = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
    ).run(status, reason, id, owner).changes === 1;
  if (!ended) return { ended, dependents: [] };
  const dependents = (
    prepared(
      store,
      `UPDATE outbox SET status = ?, last_error = ? WHERE after_id = ? AND status = 'pending' RETURNING id`,
    ).all(status, dependentReason, id) as { id: number }[]
  ).map((r) => r.id);
  return { ended, dependents };
}

/**
 * Give up on a claimed row, recording why. The pending rows waiting for it (resolved notices of an alert that never
 * arrived) are given up with it: they would answer a mail the recipient does not have. Returns their ids too.
 */
export function markDead(
  store: RepoStore,
  id: number,
  owner: string,
  error: string,
): { dead: boolean; dependents: number[] } {
  const r = endClaimed(
    store,
    id,
    owner,
    'dead',
    error,
    `the message it follows (outbox row ${id}) was given up: ${error}`,
  );
  return { dead: r.ended, dependents: r.dependents };
}

/**
 * Withdraw a claimed row before sending it, recording why (it said something that no longer holds). The pending rows
 * waiting for it (a resolved notice answering this alert) are withdrawn with it. Returns their ids too.
 *
 * @example
 * markDropped(store, row.id, owner, 'not sent: acknowledged by ana') // { dropped: true, dependents: [] }
 */
export function markDropped(
  store: RepoStore,
  id: number,
  owner: string,
  reason: string,
): { dropped: boolean; dependents: number[] } {
  const r = endClaimed(
    store,
    id,
    owner,
    'dropped',
    reason,
    `the message it follows (outbox row ${id}) was not sent: ${reason}`,
  );
  return { dropped: r.ended, dependents: r.dependents };
}

/** Replace the payload of a row this owner holds (the relay rewrites a notice to the state at send time). */
export function replaceClaimedPayload(
  store: RepoStore,
  id: number,
  owner: string,
  payload: OutboxPayload,
): boolean {
  return (
    prepared(
      store,
      `UPDATE outbox SET payload = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
    ).run(JSON.stringify(payload), id, owner).changes === 1
  );
}

/** Forget that a row told its recipient about a finding episode (the item was taken out of it before sending). */
export function forgetNotification(
  store: RepoStore,
  outboxId: number,
  fingerprint: string,
  episode: number,
): void {
  prepared(store, `DELETE FROM notification_log WHERE outbox_id = ? AND fingerprint = ? AND episode = ?`).run(
    outboxId,
    fingerprint,
    episode,
  );
}

/** Rows, oldest first, optionally of some statuses. */
export function listOutbox(store: RepoStore, status?: readonly OutboxStatus[]): OutboxRow[] {
  const rows =
    status && status.length > 0
      ? prepared(
          store,
          `SELECT * FROM outbox WHERE status IN (${status.map(() => '?').join(', ')}) ORDER BY id`,
        ).all(...status)
      : prepared(store, `SELECT * FROM outbox ORDER BY id`).all();
  return (rows as Row[]).map(fromRow);
}

/** Count of rows by status. */
export function outboxCounts(store: RepoStore): Record<OutboxStatus, number> {
  const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, dead: 0, dropped: 0 };
  for (const r of prepared(store, `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`).all() as {
    status: OutboxStatus;
    n: number;
  }[])
    out[r.status] = r.n;
  return out;
}

/** One line of the notification log: which finding episode a queued message told a recipient about. */
export interface NotificationEntry {
  at: string;
  recipient: string;
  fingerprint: string;
  episode: number;
  kind: OutboxKind;
  /** Countdown threshold in days, for `countdown`. */
  detail?: string;
  outboxId: number;
}

/** Record that a queued message covers a finding episode. */
export function logNotification(store: RepoStore, e: NotificationEntry): void {
  prepared(
    store,
    `INSERT INTO notification_log (at, recipient, fingerprint, episode, kind, detail, outbox_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(e.at, e.recipient, e.fingerprint, e.episode, e.kind, e.detail ?? null, e.outboxId);
}

/** The notification history of a finding episode (optionally for one recipient), oldest first, with row status. */
export function notificationsOf(
  store: RepoStore,
  fingerprint: string,
  episode: number,
  recipient?: string,
): (NotificationEntry & { status: OutboxStatus; messageId: string })[] {
  const rows = prepared(
    store,
    `SELECT n.*, o.status AS status, o.message_id AS message_id FROM notification_log n JOIN outbox o ON o.id = n.outbox_id
       WHERE n.fingerprint = ? AND n.episode = ? ${recipient !== undefined ? 'AND n.recipient = ?' : ''} ORDER BY n.id`,
  ).all(...(recipient !== undefined ? [fingerprint, episode, recipient] : [fingerprint, episode])) as {
    at: string;
    recipient: string;
    fingerprint: string;
    episode: number;
    kind: OutboxKind;
    detail: string | null;
    outbox_id: number;
    status: OutboxStatus;
    message_id: string;
  }[];
  return rows.map((r) => {
    const e: NotificationEntry & { status: OutboxStatus; messageId: string } = {
      at: r.at,
      recipient: r.recipient,
      fingerprint: r.fingerprint,
      episode: r.episode,
      kind: r.kind,
      outboxId: r.outbox_id,
      status: r.status,
      messageId: r.message_id,
    };
    if (r.detail !== null) e.detail = r.detail;
    return e;
  });
}

/**
 * Payloads of the `sent` alert rows that told a recipient about a finding episode, except one row.
 *
 * @example
 * sentAlertPayloads(store, 'ana@example.com', fp, 1, row.id).map((p) => p.subject)
 */
export function sentAlertPayloads(
  store: RepoStore,
  recipient: string,
  fingerprint: string,
  episode: number,
  exceptOutboxId: number,
): OutboxPayload[] {
  const rows = prepared(
    store,
    `SELECT DISTINCT o.id, o.payload FROM notification_log n JOIN outbox o ON o.id = n.outbox_id
       WHERE n.recipient = ? AND n.fingerprint = ? AND n.episode = ? AND n.kind = 'alert' AND o.kind = 'alert'
         AND o.status = 'sent' AND o.id != ? ORDER BY o.id`,
  ).all(recipient, fingerprint, episode, exceptOutboxId) as { id: number; payload: string }[];
  return rows.map((r) => JSON.parse(r.payload) as OutboxPayload);
}

/** The row with this dedup key, if any. */
export function outboxByDedupKey(store: RepoStore, dedupKey: string): OutboxRow | undefined {
  const row = prepared(store, `SELECT * FROM outbox WHERE dedup_key = ?`).get(dedupKey) as Row | undefined;
  return row ? fromRow(row) : undefined;
}

/** Replace the payload of a row that is still pending (false once a relay has claimed it). */
export function replacePendingPayload(store: RepoStore, id: number, payload: OutboxPayload): boolean {
  return (
    prepared(store, `UPDATE outbox SET payload = ? WHERE id = ? AND status = 'pending'`).run(
      JSON.stringify(payload),
      id,
    ).changes === 1
  );
}

/** Rows of these kinds queued for a recipient at or after `since` (ISO), whatever their status. */
/** The dedup keys of every outbox row addressed to one of `recipients`, whatever its status. */
export function dedupKeysFor(store: RepoStore, recipients: readonly string[]): string[] {
  const keys: string[] = [];
  // In chunks: SQLite limits the parameters of one statement.
  for (let i = 0; i < recipients.length; i += 500) {
    const chunk = recipients.slice(i, i + 500);
    const rows = prepared(
      store,
      `SELECT dedup_key FROM outbox WHERE recipient IN (${chunk.map(() => '?').join(', ')})`,
    ).all(...chunk) as { dedup_key: string }[];
    for (const r of rows) keys.push(r.dedup_key);
  }
  return keys;
}

export function countQueuedSince(
  store: RepoStore,
  recipient: string,
  kinds: readonly OutboxKind[],
  since: string,
): number {
  const row = prepared(
    store,
    `SELECT COUNT(*) AS n FROM outbox WHERE recipient = ? AND created_at >= ? AND kind IN (${kinds.map(() => '?').join(', ')})`,
  ).get(recipient, since, ...kinds) as { n: number };
  return row.n;
}

/** A row that needs attention: retried after a failure, or given up. */
export interface OutboxProblem {
  id: number;
  kind: OutboxKind;
  recipient: string;
  status: 'retrying' | 'dead';
  attempts: number;
  createdAt: string;
  /** When the next attempt is due (ISO), for a retrying row. */
  nextAttemptAt?: string;
  /** The last failure as recorded by the relay (class and server reply). */
  lastError?: string;
}

/** The outbox at a glance: counts, with pending rows split into first attempts and retries. */
export interface OutboxSummary {
  /** Queued and not yet tried (including cap digests waiting for the end of their hour). */
  pending: number;
  /** Tried, failed, and waiting for their next attempt. */
  retrying: number;
  /** Claimed by a relay now, or left so by a relay that died (sent again once its lease expires). */
  sending: number;
  sent: number;
  dead: number;
  /** Withdrawn before sending: what they said no longer held at send time. */
  dropped: number;
  /** Dead rows, then retrying rows, the most recent `limit` of each. */
  problems: OutboxProblem[];
  /** The most recent `limit` dropped rows, oldest first, with the reason. */
  droppedRows: OutboxDropped[];
}

/** A row withdrawn before sending, and why. */
export interface OutboxDropped {
  id: number;
  kind: OutboxKind;
  recipient: string;
  createdAt: string;
  reason: string;
}

/**
 * Counts by state and the rows that need attention, for `upwatch status`. Payloads are not read.
 *
 * @example
 * outboxSummary(store).dead // rows given up on
 */
export function outboxSummary(store: RepoStore, limit = 20): OutboxSummary {
  const c = prepared(
    store,
    `SELECT
       COALESCE(SUM(status = 'pending' AND attempts = 0), 0) AS pending,
       COALESCE(SUM(status = 'pending' AND attempts > 0), 0) AS retrying,
       COALESCE(SUM(status = 'sending'), 0) AS sending,
       COALESCE(SUM(status = 'sent'), 0) AS sent,
       COALESCE(SUM(status = 'dead'), 0) AS dead,
       COALESCE(SUM(status = 'dropped'), 0) AS dropped
     FROM outbox`,
  ).get() as Omit<OutboxSummary, 'problems' | 'droppedRows'>;
  const rows = prepared(
    store,
    `SELECT * FROM (SELECT id, kind, recipient, 'dead' AS state, attempts, created_at, next_attempt_at, last_error
                      FROM outbox WHERE status = 'dead' ORDER BY id DESC LIMIT @limit)
     UNION ALL
     SELECT * FROM (SELECT id, kind, recipient, 'retrying' AS state, attempts, created_at, next_attempt_at, last_error
                      FROM outbox WHERE status = 'pending' AND attempts > 0 ORDER BY id DESC LIMIT @limit)`,
  ).all({ limit }) as {
    id: number;
    kind: OutboxKind;
    recipient: string;
    state: 'retrying' | 'dead';
    attempts: number;
    created_at: string;
    next_attempt_at: number;
    last_error: string | null;
  }[];
  const problems = rows
    .map((r): OutboxProblem => ({
      id: r.id,
      kind: r.kind,
      recipient: r.recipient,
      status: r.state,
      attempts: r.attempts,
      createdAt: r.created_at,
      ...(r.state === 'retrying' ? { nextAttemptAt: new Date(r.next_attempt_at).toISOString() } : {}),
      ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    }))
    .sort((a, b) => (a.status === b.status ? a.id - b.id : a.status === 'dead' ? -1 : 1));
  const droppedRows = (
    prepared(
      store,
      `SELECT id, kind, recipient, created_at, last_error FROM outbox WHERE status = 'dropped' ORDER BY id DESC LIMIT ?`,
    ).all(limit) as {
      id: number;
      kind: OutboxKind;
      recipient: string;
      created_at: string;
      last_error: string | null;
    }[]
  )
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      recipient: r.recipient,
      createdAt: r.created_at,
      reason: r.last_error ?? '',
    }))
    .reverse();
  return { ...c, problems, droppedRows };
}
