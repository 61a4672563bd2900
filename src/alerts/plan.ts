// Deciding what to mail after a poll: one grouped message per recipient and kind, resolved notices, reminders, countdowns.
import { createHash } from 'node:crypto';
import { daysBetween, isoDay } from '../core/clock.js';
import type { ContractSet, FeatureContract, Severity } from '../core/contract.js';
import type { FindingRecord } from '../core/finding-record.js';
import { isSilenced } from '../core/finding-record.js';
import type { GateState } from '../core/gate.js';
import type { OutboxKind, OutboxPayload, OutboxStatus } from '../store/outbox-repo.js';
import { composeMail, type MailItem } from './compose.js';
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
  ): { messageId: string; status: OutboxStatus } | undefined;
  /** The latest alert or reminder about the episode to this recipient. */
  lastNotice(
    fingerprint: string,
    episode: number,
    recipient: string,
  ): { at: string; status: OutboxStatus } | undefined;
  /** Countdown thresholds (days, as strings) already covered for this recipient. */
  countdownsSent(fingerprint: string, episode: number, recipient: string): ReadonlySet<string>;
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
  kind: OutboxKind;
  dedupKey: string;
  messageId: string;
  payload: OutboxPayload;
  covers: { fingerprint: string; episode: number; kind: OutboxKind; detail?: string }[];
}

/** Features whose `uses` include the finding's metric (any metric of the source for a source-wide finding). */
export function featuresTouching(
  contracts: ContractSet,
  f: Pick<FindingRecord, 'source' | 'metric'>,
): FeatureContract[] {
  return contracts.features.filter((feat) =>
    feat.uses.some((u) => u.source === f.source && (f.metric === undefined || u.metric === f.metric)),
  );
}

/** How mails name the vendor behind a source: `Meta` for meta-graph, else the source name. */
export function upstreamOf(contracts: ContractSet, f: Pick<FindingRecord, 'source'>): string {
  const source = contracts.sources.find((s) => s.name === f.source);
  return source?.provider === 'meta-graph' ? 'Meta' : f.source;
}

function addresses(list: readonly string[]): string[] {
  return list.map((a) => a.trim().toLowerCase()).filter((a) => /^[^@\s]+@[^@\s]+$/.test(a));
}

/**
 * Who hears about a finding: the owners of its source, the owners of the features it touches, and the configured
 * default recipients. Owners that are not email addresses are skipped.
 */
export function recipientsOf(
  contracts: ContractSet,
  f: Pick<FindingRecord, 'source' | 'metric'>,
  defaults: readonly string[],
): string[] {
  const source = contracts.sources.find((s) => s.name === f.source);
  return [
    ...new Set([
      ...addresses(source?.owners ?? []),
      ...featuresTouching(contracts, f).flatMap((feat) => addresses(feat.owners)),
      ...addresses(defaults),
    ]),
  ].sort();
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
 * Plan the notifications of one poll. Bounded by construction: per recipient at most one alert, one reminder, one
 * countdown and one resolved notice per thread, each listing a capped number of findings.
 *
 * @example
 * const messages = planNotifications({ contracts, changes, active, gate, log, chart: () => undefined, now, settings });
 */
export function planNotifications(input: PlanInput): PlannedMessage[] {
  const { contracts, settings, now } = input;
  const today = isoDay(now);
  const charts = new Map<string, string | undefined>();
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

  const out: PlannedMessage[] = [];
  const build = (
    recipient: string,
    kind: OutboxKind,
    items: MailItem[],
    keyParts: string[],
    covers: PlannedMessage['covers'],
    thread?: string,
  ): void => {
    if (items.length === 0) return;
    // Charts for the first few findings only: an alert storm must not read 500 histories.
    let charted = 0;
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
    const payload = composeMail({
      kind,
      items,
      now,
      maxFindings: settings.maxFindingsPerMail,
      secrets: input.secrets ?? [],
    });
    if (thread) {
      payload.inReplyTo = thread;
      payload.references = [thread];
    }
    const dedupKey = sha([recipient, kind, ...keyParts.sort()].join('|'));
    out.push({
      recipient,
      kind,
      dedupKey,
      messageId: messageIdFor(dedupKey, settings.messageIdHost),
      payload,
      covers,
    });
  };

  // 1. Alerts: new, reopened and escalated findings, one mail per recipient.
  const notifiedNow = new Set<string>();
  const alerts = new Map<string, { items: MailItem[]; covers: PlannedMessage['covers']; keys: string[] }>();
  const notifies = (sev: Severity): boolean => settings.notifyOn.includes(sev);
  for (const c of input.changes) {
    if (c.kind === 'resolved' || !notifies(c.finding.severity)) continue;
    notifiedNow.add(c.finding.fingerprint);
    for (const r of recipients(c.finding)) {
      const g = alerts.get(r) ?? { items: [], covers: [], keys: [] };
      const item: MailItem = {
        upstream: upstreamOf(contracts, c.finding),
        finding: c.finding,
        change: c.kind,
        features: featureStates(c.finding),
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
  for (const [r, g] of alerts) build(r, 'alert', g.items, g.keys, g.covers);

  // 2. Resolved notices: only where the firing notice went out, threaded under it; one per recipient and thread.
  const resolved = new Map<
    string,
    { recipient: string; thread: string; items: MailItem[]; covers: PlannedMessage['covers']; keys: string[] }
  >();
  for (const c of input.changes) {
    if (c.kind !== 'resolved') continue;
    for (const r of recipients(c.finding)) {
      const root = input.log.firstAlert(c.finding.fingerprint, c.finding.episode, r);
      if (!root || (root.status !== 'sent' && root.status !== 'sending')) continue;
      const key = `${r}|${root.messageId}`;
      const g = resolved.get(key) ?? {
        recipient: r,
        thread: root.messageId,
        items: [],
        covers: [],
        keys: [],
      };
      g.items.push({
        upstream: upstreamOf(contracts, c.finding),
        finding: c.finding,
        change: 'resolved',
        features: featureStates(c.finding),
      });
      g.covers.push({ fingerprint: c.finding.fingerprint, episode: c.finding.episode, kind: 'resolved' });
      g.keys.push(`${c.finding.fingerprint}:${c.finding.episode}`);
      resolved.set(key, g);
    }
  }
  for (const g of resolved.values()) build(g.recipient, 'resolved', g.items, g.keys, g.covers, g.thread);

  // 3. Reminders (open, not silenced, last notice delivered long enough ago) and 4. countdowns.
  const reminders = new Map<
    string,
    { items: MailItem[]; covers: PlannedMessage['covers']; keys: string[] }
  >();
  const countdowns = new Map<
    string,
    { items: MailItem[]; covers: PlannedMessage['covers']; keys: string[] }
  >();
  const intervalMs = settings.reminderIntervalHours * 3_600_000;
  for (const f of input.active) {
    if (f.status === 'resolved' || notifiedNow.has(f.fingerprint)) continue;
    const daysLeft = f.effectiveDate ? daysBetween(today, f.effectiveDate) : undefined;
    const threshold =
      daysLeft === undefined ? undefined : countdownThreshold(daysLeft, settings.countdownDays);
    for (const r of recipients(f)) {
      if (!isSilenced(f, now) && intervalMs > 0 && notifies(f.severity)) {
        const last = input.log.lastNotice(f.fingerprint, f.episode, r);
        const due =
          !last ||
          ((last.status === 'sent' || last.status === 'dead') &&
            now.getTime() - Date.parse(last.at) >= intervalMs);
        if (due) {
          const g = reminders.get(r) ?? { items: [], covers: [], keys: [now.toISOString()] };
          g.items.push({
            upstream: upstreamOf(contracts, f),
            finding: f,
            change: 'reminder',
            features: featureStates(f),
          });
          g.covers.push({ fingerprint: f.fingerprint, episode: f.episode, kind: 'reminder' });
          g.keys.push(`${f.fingerprint}:${f.episode}`);
          reminders.set(r, g);
        }
      }
      if (
        threshold !== undefined &&
        daysLeft !== undefined &&
        !input.log.countdownsSent(f.fingerprint, f.episode, r).has(String(threshold))
      ) {
        const g = countdowns.get(r) ?? { items: [], covers: [], keys: [] };
        g.items.push({
          upstream: upstreamOf(contracts, f),
          finding: f,
          change: 'countdown',
          daysLeft,
          features: featureStates(f),
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
  for (const [r, g] of reminders) build(r, 'reminder', g.items, g.keys, g.covers);
  for (const [r, g] of countdowns) {
    g.items.sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
    build(r, 'countdown', g.items, g.keys, g.covers);
  }
  return out;
}
