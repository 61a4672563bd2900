// Checking a queued notice against the state at send time: drop what no longer holds, rewrite the rest to what is true now.
import { daysBetween, isoDay } from '../core/clock.js';
import type { Severity } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import { compareSeverity } from '../core/finding.js';
import { isSilenced, type FindingRecord } from '../core/finding-record.js';
import type { GateOverride, GateState } from '../core/gate.js';
import type { OutboxKind, OutboxPayload } from '../store/outbox-repo.js';
import { channelFindingsOf } from './channel-message.js';
import { composeMail, type ItemChange, type MailItem } from './compose.js';

/** One finding of a queued notice as it was planned (stored in the payload, so the relay can compare). */
export interface NoticeItem {
  fingerprint: string;
  episode: number;
  change: ItemChange;
  /** Severity when the notice was planned. */
  severity: Severity;
  previousSeverity?: Severity;
  daysLeft?: number;
  upstream?: string;
  chart?: string;
  event?: { name: string; description?: string };
  features: { name: string; state: GateState; effect?: 'block' | 'warn' }[];
}

/** A feature a finding touches, as the gate sees it at send time. */
export type CurrentFeature = MailItem['features'][number] & { override?: GateOverride };

/** What the relay reads about the present before sending (the store and the contracts behind it). */
export interface NoticeState {
  /** The stored episode of a finding, undefined when it is gone. */
  finding(fingerprint: string, episode: number): FindingRecord | undefined;
  /** The decision recorded about that episode, if any. */
  decision(fingerprint: string, episode: number): Decision | undefined;
  /** The features the finding touches now: gate state, what the finding does to them, the override in force. */
  features(finding: FindingRecord): CurrentFeature[];
  /**
   * The highest severity at which `recipient` was already sent an alert about this episode, by a row other than
   * `exceptOutboxId` (undefined when none is known).
   */
  alreadyTold(
    recipient: string,
    fingerprint: string,
    episode: number,
    exceptOutboxId: number,
  ): Severity | undefined;
}

/** A finding taken out of a notice before sending, and why. */
export interface DroppedItem {
  fingerprint: string;
  episode: number;
  reason: string;
}

/** What to do with a claimed row: send it as queued, send a rewritten payload, or drop it. */
export type Revision =
  | { action: 'send' }
  | { action: 'rewrite'; payload: OutboxPayload; dropped: DroppedItem[] }
  | { action: 'drop'; reason: string; dropped: DroppedItem[] };

/**
 * The relay calls this once per round with the round's instant (the present is read once), then the returned
 * function for each claimed row. Built by the composition root over the store and contracts.
 */
/**
 * Reads the state at send time for one relay round (the rows it claimed), then checks each row as it comes to be
 * sent: findings, decisions and the gate as the round found them, and what the recipient was already told as of that
 * row (mails sent earlier in the round count).
 */
export type NoticeReviser = (
  now: Date,
  rows: readonly QueuedNotice[],
) => Promise<(row: QueuedNotice) => Promise<Revision>>;

/** The parts of an outbox row the check reads. */
export interface QueuedNotice {
  id: number;
  recipient: string;
  kind: OutboxKind;
  payload: OutboxPayload;
}

/** Kinds whose findings are checked at send time (digests and resolved notices are sent as queued). */
export const REVISED_KINDS: readonly OutboxKind[] = ['alert', 'countdown'];

/**
 * The snapshot of a notice's findings to store with it.
 *
 * @example
 * payload.notice = { items: noticeItemsOf(items) };
 */
export function noticeItemsOf(items: readonly MailItem[]): NoticeItem[] {
  return items.map((i) => {
    const n: NoticeItem = {
      fingerprint: i.finding.fingerprint,
      episode: i.finding.episode,
      change: i.change,
      severity: i.finding.severity,
      features: i.features.map((x) => ({
        name: x.name,
        state: x.state,
        ...(x.effect ? { effect: x.effect } : {}),
      })),
    };
    if (i.previousSeverity) n.previousSeverity = i.previousSeverity;
    if (i.daysLeft !== undefined) n.daysLeft = i.daysLeft;
    if (i.upstream !== undefined) n.upstream = i.upstream;
    if (i.chart !== undefined) n.chart = i.chart;
    if (i.event !== undefined) n.event = i.event;
    return n;
  });
}

/** Why a queued item no longer holds, in words an owner reads; undefined while it still does. */
function staleReason(
  q: NoticeItem,
  f: FindingRecord | undefined,
  decision: Decision | undefined,
  features: readonly CurrentFeature[],
  told: Severity | undefined,
  now: Date,
): string | undefined {
  if (!f) return 'the finding is no longer in the store';
  if (f.status === 'resolved') {
    if (f.resolution === 'decided')
      return decision
        ? `decided by ${decision.by} on ${decision.at.slice(0, 10)} (${decision.kind}): ${decision.reason}`
        : `decided on ${f.resolvedAt?.slice(0, 10) ?? '?'}`;
    if (f.resolution === 'reverted')
      return `the upstream returned to the old regime (resolved ${f.resolvedAt?.slice(0, 10) ?? '?'})`;
    return `resolved on ${f.resolvedAt?.slice(0, 10) ?? '?'} before this was sent`;
  }
  if (isSilenced(f, now) && f.ack)
    return `acknowledged by ${f.ack.by} on ${f.ack.at.slice(0, 10)}: ${f.ack.reason}`;
  if (compareSeverity(f.severity, q.severity) < 0) return `de-escalated from ${q.severity} to ${f.severity}`;
  if (told !== undefined && compareSeverity(told, f.severity) >= 0)
    return `already sent at ${told} in an earlier mail about the same finding`;
  const affected = features.filter((x) => x.effect !== undefined);
  if (affected.length > 0 && affected.every((x) => x.override?.action === 'allow'))
    return `every feature it affects is overridden to allow: ${affected
      .map(
        (x) =>
          `${x.name} (by ${x.override!.by} until ${x.override!.until.slice(0, 10)}: ${x.override!.reason})`,
      )
      .join(', ')}`;
  return undefined;
}

function sameFeatures(a: NoticeItem['features'], b: readonly CurrentFeature[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.name === b[i]!.name && x.state === b[i]!.state && x.effect === b[i]!.effect)
  );
}

/**
 * Check a queued alert or countdown against the state at send time. Findings acknowledged, decided, resolved or
 * de-escalated since, whose every affected feature is overridden to allow, or that an earlier mail to the same
 * recipient already reported at their current severity (a queued NEW sent at its escalated severity makes the
 * ESCALATED notice behind it redundant), are taken out; when none is left the
 * row is dropped with the reasons. When what remains differs from what was planned (a severity, a feature's state,
 * the days left), the mail is rendered again from the current state, keeping its thread. Rows without a snapshot
 * (queued by an older version, digests, resolved notices) are sent as queued.
 *
 * @example
 * const r = reviseNotice(row, state, { now, maxFindings: 25 });
 * if (r.action === 'drop') store.outbox.markDropped(row.id, owner, r.reason);
 */
export function reviseNotice(
  row: QueuedNotice,
  state: NoticeState,
  options: { now: Date; maxFindings: number; secrets?: readonly string[]; publicUrl?: string },
): Revision {
  const queued = row.payload.notice?.items as NoticeItem[] | undefined;
  if (!queued || queued.length === 0 || !REVISED_KINDS.includes(row.kind)) return { action: 'send' };
  const { now } = options;
  const dropped: DroppedItem[] = [];
  const kept: MailItem[] = [];
  let changed = false;
  for (const q of queued) {
    const f = state.finding(q.fingerprint, q.episode);
    const features = f ? state.features(f) : [];
    const told =
      row.kind === 'alert' ? state.alreadyTold(row.recipient, q.fingerprint, q.episode, row.id) : undefined;
    const decision = f ? state.decision(q.fingerprint, q.episode) : undefined;
    const reason = staleReason(q, f, decision, features, told, now);
    if (reason !== undefined || !f) {
      dropped.push({ fingerprint: q.fingerprint, episode: q.episode, reason: reason ?? 'gone' });
      continue;
    }
    const item: MailItem = {
      finding: f,
      change: q.change,
      features: features.map((x) => ({
        name: x.name,
        state: x.state,
        ...(x.effect ? { effect: x.effect } : {}),
      })),
    };
    if (q.previousSeverity) item.previousSeverity = q.previousSeverity;
    if (q.upstream !== undefined) item.upstream = q.upstream;
    if (q.chart !== undefined) item.chart = q.chart;
    if (q.event !== undefined) item.event = q.event;
    if (q.daysLeft !== undefined) {
      item.daysLeft = f.effectiveDate ? daysBetween(isoDay(now), f.effectiveDate) : q.daysLeft;
      if (item.daysLeft !== q.daysLeft) changed = true;
    }
    if (f.severity !== q.severity || !sameFeatures(q.features, features)) changed = true;
    kept.push(item);
  }
  if (kept.length === 0) {
    return { action: 'drop', reason: `not sent: ${dropped.map((d) => d.reason).join('; ')}`, dropped };
  }
  if (dropped.length === 0 && !changed) return { action: 'send' };
  const payload: OutboxPayload = {
    ...composeMail({
      kind: row.kind,
      items: kept,
      now,
      maxFindings: options.maxFindings,
      secrets: options.secrets ?? [],
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    }),
    notice: { items: noticeItemsOf(kept) as unknown as Record<string, unknown>[] },
  };
  if (row.payload.inReplyTo) payload.inReplyTo = row.payload.inReplyTo;
  if (row.payload.references) payload.references = row.payload.references;
  // A Slack or webhook notice keeps its target and carries the findings as they are now.
  if (row.payload.channel)
    payload.channel = {
      ...row.payload.channel,
      findings: channelFindingsOf(kept, options.secrets ?? []) as unknown as Record<string, unknown>[],
    };
  return { action: 'rewrite', payload, dropped };
}
