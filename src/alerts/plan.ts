// Deciding what to mail after a poll: grouped alerts, resolved notices and countdowns (capped per recipient and hour),
// and the reminder digest (weekly by default).
import { createHash } from 'node:crypto';
import { addDays, daysBetween, isoDay } from '../core/clock.js';
import {
  declaredChannels,
  modelsWatching,
  type ChannelContract,
  type ContractSet,
  type FeatureContract,
  type Severity,
} from '../core/contract.js';
import { eventOf } from '../core/event-match.js';
import type { FindingRecord } from '../core/finding-record.js';
import { isSilenced } from '../core/finding-record.js';
import type { GateState } from '../core/gate.js';
import type { OutboxChannel, OutboxKind, OutboxPayload, OutboxStatus } from '../store/outbox-repo.js';
import { channelPayload, channelRecipient, mergeChannelFindings } from './channel-message.js';
import { composeMail, type MailItem } from './compose.js';
import { composeDigest, digestLineOf, type DigestLine } from './digest.js';
import { digestSlot, type DigestSlot } from './digest-slot.js';
import { noticeItemsOf } from './revise.js';
import { upstreamName } from '../findings/title.js';
import type { AlertSettings } from './settings.js';

/** A lifecycle change worth telling people about. */
export interface NotifyChange {
  kind: 'new' | 'reopened' | 'escalated' | 'resolved';
  finding: FindingRecord;
  previousSeverity?: Severity;
}

/** What was already sent (or queued) about a finding episode to a recipient. */
export interface NoticeLog {
  /** The first alert that told this recipient about the episode (the thread root). */
  firstAlert(
    fingerprint: string,
    episode: number,
    recipient: string,
  ): { messageId: string; status: OutboxStatus; outboxId: number } | undefined;
  /** The latest alert or reminder about the episode to this recipient. */
  lastNotice(
    fingerprint: string,
    episode: number,
    recipient: string,
  ): { at: string; status: OutboxStatus } | undefined;
  /** Countdown thresholds (days, as strings) already covered for this recipient. */
  countdownsSent(fingerprint: string, episode: number, recipient: string): ReadonlySet<string>;
  /** True when a message with this dedup key is already in the outbox (any status). */
  queued(dedupKey: string): boolean;
  /** Immediate notices (alert, resolved, countdown rows) queued for a recipient at or after `since` (ISO). */
  immediateSince(recipient: string, since: string): number;
}

export interface PlanInput {
  contracts: ContractSet;
  changes: readonly NotifyChange[];
  /** Open and acknowledged findings after the changes (for reminders and countdowns), any source. */
  active: readonly FindingRecord[];
  /** Gate state per feature after the changes. */
  gate: ReadonlyMap<string, GateState>;
  log: NoticeLog;
  /** Inline SVG for a finding, when history is available. */
  chart: (finding: FindingRecord) => string | undefined;
  now: Date;
  settings: AlertSettings;
  secrets?: readonly string[];
}

/** One message to queue, with the finding episodes it covers (for the notification log). */
export interface PlannedMessage {
  recipient: string;
  /** `email` unless the recipient is a Slack or webhook channel (default `email`). */
  channel?: OutboxChannel;
  kind: OutboxKind;
  dedupKey: string;
  messageId: string;
  payload: OutboxPayload;
  covers: { fingerprint: string; episode: number; kind: OutboxKind; detail?: string }[];
  /** The findings the message lists (for the hourly cap, which re-renders held notices as digest lines). */
  items?: MailItem[];
  /** Not to be sent before this instant (a cap digest waits for the end of its hour). */
  notBefore?: Date;
  /** Not to be sent before this outbox row is (a resolved notice follows the alert it answers). */
  after?: number;
  /**
   * A cap digest: if a row with the same dedup key is still pending, its lines are merged into it (the hour's
   * digest grows); if that row is already being sent, `originals` are queued as they were, so nothing is lost.
   */
  merge?: { lines: DigestLine[]; originals: PlannedMessage[]; windowStart: string; cap: number };
}

/** Kinds that go out at once (subject to the hourly cap); reminders wait for the digest hour. */
export const IMMEDIATE_KINDS: readonly OutboxKind[] = ['alert', 'resolved', 'countdown'];

/** Features whose `uses` include the finding's metric (any metric of the source for a source-wide finding). */
export function featuresTouching(
  contracts: ContractSet,
  f: Pick<FindingRecord, 'source' | 'metric'>,
): FeatureContract[] {
  return contracts.features.filter((feat) =>
    feat.uses.some((u) => u.source === f.source && (f.metric === undefined || u.metric === f.metric)),
  );
}

/** How mails name the vendor behind a source: `Meta` for meta-graph, else the source name (findings/title.ts). */
export function upstreamOf(contracts: ContractSet, f: Pick<FindingRecord, 'source'>): string {
  return upstreamName(contracts, f.source);
}

function addresses(list: readonly string[]): string[] {
  return list.map((a) => a.trim().toLowerCase()).filter((a) => /^[^@\s]+@[^@\s]+$/.test(a));
}

/**
 * Who hears about a finding: the owners of its source, the owners of the features it touches, the owners of the
 * models that have its metric as a KPI or trust signal, and the configured default recipients; then the channels
 * those same documents declare (as `slack:${VAR}` or `webhook:URL` recipients, see channel-message.ts). Owners that
 * are not email addresses are skipped.
 *
 * @example
 * recipientsOf(contracts, { source: 'loan-desk', metric: 'override_rate' }, []) // [...source owners, 'credit-ml@example.com']
 */
export function recipientsOf(
  contracts: ContractSet,
  f: Pick<FindingRecord, 'source' | 'metric'>,
  defaults: readonly string[],
): string[] {
  const source = contracts.sources.find((s) => s.name === f.source);
  const features = featuresTouching(contracts, f);
  const models = f.metric === undefined ? [] : modelsWatching(contracts, f.source, f.metric);
  const channels = [source, ...features, ...models].flatMap((d) => d?.channels ?? []);
  return [
    ...new Set([
      ...addresses(source?.owners ?? []),
      ...features.flatMap((feat) => addresses(feat.owners)),
      ...models.flatMap((m) => addresses(m.owners)),
      ...addresses(defaults),
    ]),
  ]
    .sort()
    .concat([...new Set(channels.map(channelRecipient))].sort());
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `<upwatch-{hash16}@host>`: derived from the dedup key, so it is fixed before the first attempt. */
export function messageIdFor(dedupKey: string, host: string): string {
  return `<upwatch-${dedupKey.slice(0, 16)}@${host}>`;
}

/** The countdown threshold a finding has reached (the smallest configured day count ≥ days left). */
export function countdownThreshold(daysLeft: number, thresholds: readonly number[]): number | undefined {
  const reached = thresholds.filter((t) => daysLeft <= t);
  return reached.length ? Math.min(...reached) : undefined;
}

/**
 * Plan the notifications of one poll. Bounded by construction: per recipient at most one alert, one countdown and one
 * resolved notice per thread, then at most `maxImmediatePerHour` of those per clock hour (the rest collapse into one
 * cap digest sent when the hour ends), and at most one reminder digest per reminder interval (a week by default).
 *
 * @example
 * const messages = planNotifications({ contracts, changes, active, gate, log, chart: () => undefined, now, settings });
 */
export function planNotifications(input: PlanInput): PlannedMessage[] {
  const ctx = planContext(input);
  const notifiedNow = planAlerts(ctx);
  planResolvedNotices(ctx);
  planCountdowns(ctx, notifiedNow);
  const immediate = applyHourlyCap(ctx.out, input);
  // The reminder digest: at most once per recipient and reminder interval, at or after the digest hour.
  return [...immediate, ...planDigests(ctx, notifiedNow)];
}

/** What the phases of one plan share: who hears about a finding, what it does to features, and the message builder. */
interface PlanContext {
  input: PlanInput;
  today: string;
  channelOf: (recipient: string) => ChannelContract | undefined;
  recipients: (f: FindingRecord) => string[];
  featureStates: (f: FindingRecord) => MailItem['features'];
  notifies: (sev: Severity) => boolean;
  /** Add one message (nothing when `items` is empty); charts and the channel payload are filled in. */
  build: (
    recipient: string,
    kind: OutboxKind,
    items: MailItem[],
    keyParts: string[],
    covers: PlannedMessage['covers'],
    thread?: string,
    after?: number,
  ) => void;
  /** The immediate messages built so far, in phase order. */
  out: PlannedMessage[];
}

function planContext(input: PlanInput): PlanContext {
  const { contracts, settings } = input;
  const recipientsCache = new Map<string, string[]>();
  const recipients = (f: FindingRecord): string[] => {
    const key = `${f.source}|${f.metric ?? ''}`;
    let r = recipientsCache.get(key);
    if (!r) recipientsCache.set(key, (r = recipientsOf(contracts, f, settings.recipients)));
    return r;
  };
  const featureCache = new Map<string, MailItem['features']>();
  const featureStates = (f: FindingRecord): MailItem['features'] => {
    const cached = featureCache.get(f.fingerprint);
    if (cached) return cached;
    const list = featuresTouching(contracts, f).map((feat) => {
      const effect = feat.policy.blockOn.includes(f.severity)
        ? ('block' as const)
        : feat.policy.warnOn.includes(f.severity)
          ? ('warn' as const)
          : undefined;
      return { name: feat.name, state: input.gate.get(feat.name) ?? 'ok', ...(effect ? { effect } : {}) };
    });
    featureCache.set(f.fingerprint, list);
    return list;
  };
  const channelOf = channelLookup(contracts);
  const out: PlannedMessage[] = [];
  return {
    input,
    today: isoDay(input.now),
    channelOf,
    recipients,
    featureStates,
    notifies: (sev) => settings.notifyOn.includes(sev),
    build: messageBuilder(input, channelOf, out),
    out,
  };
}

/** Builds one planned message into `out`: charts for the first few findings, the notice data, thread and channel. */
function messageBuilder(
  input: PlanInput,
  channelOf: (recipient: string) => ChannelContract | undefined,
  out: PlannedMessage[],
): PlanContext['build'] {
  const { settings, now } = input;
  const charts = new Map<string, string | undefined>();
  return (recipient, kind, items, keyParts, covers, thread, after) => {
    if (items.length === 0) return;
    const channel = channelOf(recipient);
    // Charts for the first few findings only: an alert storm must not read 500 histories. Channels get links instead.
    let charted = channel ? settings.maxChartsPerMail : 0;
    for (const item of items) {
      if (charted >= settings.maxChartsPerMail || item.change === 'resolved') continue;
      const fp = item.finding.fingerprint;
      if (!charts.has(fp)) charts.set(fp, item.finding.metric ? input.chart(item.finding) : undefined);
      const svg = charts.get(fp);
      if (svg) {
        item.chart = svg;
        charted += 1;
      }
    }
    for (const item of items) {
      const e = eventOf(item.finding, input.contracts.events ?? [], input.contracts.features);
      if (e) item.event = { name: e.name, ...(e.description ? { description: e.description } : {}) };
    }
    const payload = composeMail({
      kind,
      items,
      now,
      maxFindings: settings.maxFindingsPerMail,
      secrets: input.secrets ?? [],
      ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    });
    // What the notice says, as data: the relay checks it against the state at send time.
    if (kind === 'alert' || kind === 'countdown')
      payload.notice = { items: noticeItemsOf(items) as unknown as Record<string, unknown>[] };
    if (thread) {
      payload.inReplyTo = thread;
      payload.references = [thread];
    }
    if (channel) payload.channel = channelPayload(channel, items, input.secrets ?? []);
    const dedupKey = sha([recipient, kind, ...keyParts.sort()].join('|'));
    out.push({
      recipient,
      ...(channel ? { channel: channel.kind } : {}),
      kind,
      dedupKey,
      messageId: messageIdFor(dedupKey, settings.messageIdHost),
      payload,
      covers,
      items,
      ...(after !== undefined ? { after } : {}),
    });
  };
}

/** Alerts: new, reopened and escalated findings, one mail per recipient. Returns the fingerprints alerted now. */
function planAlerts(ctx: PlanContext): Set<string> {
  const { input, today } = ctx;
  const { contracts, settings } = input;
  const notifiedNow = new Set<string>();
  const alerts = new Map<string, { items: MailItem[]; covers: PlannedMessage['covers']; keys: string[] }>();
  for (const c of input.changes) {
    if (c.kind === 'resolved' || !ctx.notifies(c.finding.severity)) continue;
    notifiedNow.add(c.finding.fingerprint);
    for (const r of ctx.recipients(c.finding)) {
      const g = alerts.get(r) ?? { items: [], covers: [], keys: [] };
      const item: MailItem = {
        upstream: upstreamOf(contracts, c.finding),
        finding: c.finding,
        change: c.kind,
        features: ctx.featureStates(c.finding),
      };
      if (c.previousSeverity) item.previousSeverity = c.previousSeverity;
      g.items.push(item);
      g.covers.push({ fingerprint: c.finding.fingerprint, episode: c.finding.episode, kind: 'alert' });
      g.keys.push(`${c.finding.fingerprint}:${c.finding.episode}:${c.finding.severity}`);
      // The alert already names the effective date: it stands for the countdown threshold reached today.
      if (c.finding.effectiveDate) {
        const t = countdownThreshold(daysBetween(today, c.finding.effectiveDate), settings.countdownDays);
        if (t !== undefined)
          g.covers.push({
            fingerprint: c.finding.fingerprint,
            episode: c.finding.episode,
            kind: 'countdown',
            detail: String(t),
          });
      }
      alerts.set(r, g);
    }
  }
  for (const [r, g] of alerts) ctx.build(r, 'alert', g.items, g.keys, g.covers);
  return notifiedNow;
}

/**
 * Resolved notices, threaded under the firing notice; one per recipient and thread. None when the firing notice
 * was given up (the recipient never had it). A firing notice not known to be delivered — still `pending`, or left
 * `sending` by a relay that may have died before the server accepted it — is not taken as sent: the resolved notice
 * waits for it (`after`), so it can never arrive first.
 */
function planResolvedNotices(ctx: PlanContext): void {
  const resolved = new Map<
    string,
    {
      recipient: string;
      thread: string;
      after?: number;
      items: MailItem[];
      covers: PlannedMessage['covers'];
      keys: string[];
    }
  >();
  for (const c of ctx.input.changes) {
    if (c.kind !== 'resolved') continue;
    for (const r of ctx.recipients(c.finding)) {
      const root = ctx.input.log.firstAlert(c.finding.fingerprint, c.finding.episode, r);
      if (!root || root.status === 'dead') continue;
      const key = `${r}|${root.messageId}`;
      const g = resolved.get(key) ?? {
        recipient: r,
        thread: root.messageId,
        ...(root.status !== 'sent' ? { after: root.outboxId } : {}),
        items: [],
        covers: [],
        keys: [],
      };
      g.items.push({
        upstream: upstreamOf(ctx.input.contracts, c.finding),
        finding: c.finding,
        change: 'resolved',
        features: ctx.featureStates(c.finding),
      });
      g.covers.push({ fingerprint: c.finding.fingerprint, episode: c.finding.episode, kind: 'resolved' });
      g.keys.push(`${c.finding.fingerprint}:${c.finding.episode}`);
      resolved.set(key, g);
    }
  }
  for (const g of resolved.values())
    ctx.build(g.recipient, 'resolved', g.items, g.keys, g.covers, g.thread, g.after);
}

/** Countdowns (immediate, one mail per recipient listing the thresholds reached), for findings not alerted now. */
function planCountdowns(ctx: PlanContext, notifiedNow: ReadonlySet<string>): void {
  const { input, today } = ctx;
  const { contracts, settings } = input;
  const countdowns = new Map<
    string,
    { items: MailItem[]; covers: PlannedMessage['covers']; keys: string[] }
  >();
  for (const f of input.active) {
    if (f.status === 'resolved' || notifiedNow.has(f.fingerprint)) continue;
    const daysLeft = f.effectiveDate ? daysBetween(today, f.effectiveDate) : undefined;
    const threshold =
      daysLeft === undefined ? undefined : countdownThreshold(daysLeft, settings.countdownDays);
    if (threshold === undefined || daysLeft === undefined) continue;
    for (const r of ctx.recipients(f)) {
      if (!ctx.input.log.countdownsSent(f.fingerprint, f.episode, r).has(String(threshold))) {
        const g = countdowns.get(r) ?? { items: [], covers: [], keys: [] };
        g.items.push({
          upstream: upstreamOf(contracts, f),
          finding: f,
          change: 'countdown',
          daysLeft,
          features: ctx.featureStates(f),
        });
        g.covers.push({
          fingerprint: f.fingerprint,
          episode: f.episode,
          kind: 'countdown',
          detail: String(threshold),
        });
        g.keys.push(`${f.fingerprint}:${f.episode}:${threshold}`);
        countdowns.set(r, g);
      }
    }
  }
  for (const [r, g] of countdowns) {
    g.items.sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
    ctx.build(r, 'countdown', g.items, g.keys, g.covers);
  }
}

/** The channel a recipient names, when it is a `slack:…` or `webhook:…` recipient of these contracts. */
function channelLookup(contracts: ContractSet): (recipient: string) => ChannelContract | undefined {
  const byRecipient = new Map(
    declaredChannels(contracts).map((d) => [channelRecipient(d.channel), d.channel]),
  );
  return (recipient) => byRecipient.get(recipient);
}

const HOUR_MS = 3_600_000;
/** A finding mailed less than this before the digest hour is left for the next digest. */
const FRESH_NOTICE_MS = 12 * HOUR_MS;
const KIND_PRIORITY: Record<OutboxKind, number> = {
  alert: 0,
  countdown: 1,
  resolved: 2,
  reminder: 3,
  digest: 4,
};

/**
 * The hourly per-recipient cap: of the immediate notices planned for a recipient, only as many go out as the cap
 * leaves in the current clock hour (UTC), alerts first; the rest become one digest per recipient and hour, sent when
 * the hour ends and grown by later polls of the same hour. Every held finding is listed in it.
 *
 * @example
 * applyHourlyCap(planned, input) // ≤ maxImmediatePerHour immediate messages per recipient, + ≤1 'digest'
 */
export function applyHourlyCap(
  planned: readonly PlannedMessage[],
  input: Pick<PlanInput, 'log' | 'now' | 'settings' | 'secrets'>,
): PlannedMessage[] {
  const { settings, now, log } = input;
  const cap = settings.maxImmediatePerHour;
  if (!(cap > 0)) return [...planned];
  const windowStart = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const windowEnd = new Date(windowStart.getTime() + HOUR_MS);
  const byRecipient = new Map<string, PlannedMessage[]>();
  for (const m of planned) byRecipient.set(m.recipient, [...(byRecipient.get(m.recipient) ?? []), m]);
  const out: PlannedMessage[] = [];
  for (const [recipient, messages] of byRecipient) {
    // Messages already in the outbox (the same poll processed again) change nothing and use no allowance.
    const fresh = messages
      .filter((m) => !log.queued(m.dedupKey))
      .sort((a, b) => KIND_PRIORITY[a.kind] - KIND_PRIORITY[b.kind]);
    const allowed = Math.max(0, cap - log.immediateSince(recipient, windowStart.toISOString()));
    out.push(...fresh.slice(0, allowed));
    const held = fresh.slice(allowed);
    if (held.length === 0) continue;
    const lines = held.flatMap((m) =>
      (m.items ?? []).map((item) =>
        digestLineOf(
          `${m.dedupKey.slice(0, 16)}:${item.finding.fingerprint}:${item.finding.episode}`,
          item,
          input.secrets ?? [],
        ),
      ),
    );
    const dedupKey = sha([recipient, 'digest', windowStart.toISOString()].join('|'));
    const payload: OutboxPayload = {
      ...composeDigest({
        variant: 'cap',
        lines,
        now,
        windowStart: windowStart.toISOString(),
        cap,
      }),
      digest: { lines: lines as unknown as Record<string, unknown>[] },
    };
    // A channel's digest carries every held notice's findings, as its notices did.
    const channel = held.reduce<OutboxPayload['channel']>(
      (acc, m) =>
        m.payload.channel
          ? acc
            ? mergeChannelFindings(acc, m.payload.channel.findings)
            : m.payload.channel
          : acc,
      undefined,
    );
    if (channel) payload.channel = channel;
    out.push({
      recipient,
      ...(held[0]?.channel ? { channel: held[0].channel } : {}),
      kind: 'digest',
      dedupKey,
      messageId: messageIdFor(dedupKey, settings.messageIdHost),
      payload,
      covers: held.flatMap((m) => m.covers),
      notBefore: windowEnd,
      merge: { lines, originals: held, windowStart: windowStart.toISOString(), cap },
    });
  }
  return out;
}

/** The reminder digest's dedup key: one per recipient and local digest day, so a retry or a restart never sends twice. */
export function digestKey(recipient: string, day: string): string {
  return sha([recipient, 'reminder', 'digest', day].join('|'));
}

/**
 * Plan the reminder digests (weekly by default): for each recipient whose digest slot (local `digestHour` in their time
 * zone) has passed and whose digest for that day (or the days before it within the reminder interval) is not queued
 * yet, one mail listing every open, unacknowledged, mailed-severity finding they receive, except those whose last
 * notice is still undelivered, and those opened or last mailed less than the interval (less 12 hours) before the slot
 * (they wait for the next digest). Acknowledged findings are silenced; decided ones are resolved and never listed.
 */
function planDigests(ctx: PlanContext, notifiedNow: ReadonlySet<string>): PlannedMessage[] {
  const { input, recipients, featureStates, notifies, channelOf } = ctx;
  const { settings, now, contracts } = input;
  if (!(settings.reminderIntervalHours > 0)) return [];
  const everyDays = Math.max(1, Math.round(settings.reminderIntervalHours / 24));
  // A reminder is about a finding still open an interval after it was first told: one opened or mailed less than an
  // interval (less 12 hours of slack, so a poll's minutes do not push it a whole interval) before the slot waits.
  const freshMs = Math.max(FRESH_NOTICE_MS, everyDays * 24 * HOUR_MS - FRESH_NOTICE_MS);
  const slots = new Map<string, (DigestSlot & { due: boolean }) | undefined>();
  const slotOf = (r: string) => {
    if (slots.has(r)) return slots.get(r);
    const slot = digestSlot(
      now,
      settings.digestHour,
      settings.recipientTimezones[r] ?? settings.digestTimezone,
    );
    let due = true;
    for (let d = 0; d < everyDays && due; d++)
      if (input.log.queued(digestKey(r, addDays(slot.day, -d)))) due = false;
    slots.set(r, { ...slot, due });
    return slots.get(r);
  };
  const groups = new Map<
    string,
    { lines: DigestLine[]; items: MailItem[]; covers: PlannedMessage['covers']; day: string }
  >();
  for (const f of input.active) {
    if (f.status === 'resolved' || notifiedNow.has(f.fingerprint)) continue;
    if (isSilenced(f, now) || !notifies(f.severity)) continue;
    for (const r of recipients(f)) {
      const slot = slotOf(r);
      if (!slot?.due) continue;
      const last = input.log.lastNotice(f.fingerprint, f.episode, r);
      if (last && (last.status === 'pending' || last.status === 'sending')) continue;
      if (last && Date.parse(last.at) > slot.at.getTime() - freshMs) continue;
      if (Date.parse(f.firstSeen) > slot.at.getTime() - freshMs) continue;
      const g = groups.get(r) ?? { lines: [], items: [], covers: [], day: slot.day };
      const item: MailItem = {
        upstream: upstreamOf(contracts, f),
        finding: f,
        change: 'reminder',
        features: featureStates(f),
      };
      g.lines.push(digestLineOf(`${f.fingerprint}:${f.episode}`, item, input.secrets ?? []));
      g.items.push(item);
      g.covers.push({ fingerprint: f.fingerprint, episode: f.episode, kind: 'reminder' });
      groups.set(r, g);
    }
  }
  return [...groups].map(([recipient, g]): PlannedMessage => {
    const dedupKey = digestKey(recipient, g.day);
    const payload = composeDigest({ variant: 'daily', day: g.day, lines: g.lines, now, everyDays });
    const channel = channelOf(recipient);
    if (channel) payload.channel = channelPayload(channel, g.items, input.secrets ?? []);
    return {
      recipient,
      ...(channel ? { channel: channel.kind } : {}),
      kind: 'reminder' as const,
      dedupKey,
      messageId: messageIdFor(dedupKey, settings.messageIdHost),
      payload,
      covers: g.covers,
    };
  });
}
