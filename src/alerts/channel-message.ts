// Alerts as data for Slack and webhook channels: who a channel is as a recipient, and the findings a notice carries.
import type { ChannelContract, Severity } from '../core/contract.js';
import type { GateState } from '../core/gate.js';
import type { OutboxPayload } from '../store/outbox-repo.js';
import { headlineOf, orderItems, type ItemChange, type MailItem } from './compose.js';
import { scrubText } from './scrub.js';

/**
 * One finding of a channel notice, as plain data (stored in the outbox payload; the webhook body's `findings[]`).
 * Every text is scrubbed of secrets when it is built.
 */
export interface ChannelFinding {
  fingerprint: string;
  episode: number;
  change: ItemChange;
  severity: Severity;
  previousSeverity?: Severity;
  source: string;
  metric?: string;
  rule: string;
  /** The cause in one line (the finding's title, e.g. `page_impressions rejected by Meta (#100)`). */
  title: string;
  /** The explanation in words. */
  explanation: string;
  onset: string;
  effectiveDate?: string;
  daysLeft?: number;
  replacement?: string;
  /** The declared event whose days hold the finding's onset: a known change (a redesign, a campaign) may explain it. */
  event?: { name: string; description?: string };
  features: { name: string; state: GateState; effect?: 'block' | 'warn' }[];
}

/**
 * The recipient a channel is in the outbox, the notification log and the hourly cap: its kind and its URL as written
 * in the contract (a `${VAR}` reference for Slack), never a resolved URL.
 *
 * @example
 * channelRecipient({ kind: 'slack', url: parseTemplate('${SLACK_RANKING_URL}') }) // 'slack:${SLACK_RANKING_URL}'
 */
export function channelRecipient(channel: ChannelContract): string {
  return `${channel.kind}:${channel.url.template}`;
}

/**
 * The findings of a notice as channel data, in display order (most serious and newest news first).
 *
 * @example
 * channelFindingsOf(items, secrets)[0].title // 'page_impressions rejected by Meta (#100)'
 */
export function channelFindingsOf(
  items: readonly MailItem[],
  secrets: readonly string[] = [],
): ChannelFinding[] {
  return orderItems(items).map((i) => {
    const f = i.finding;
    const out: ChannelFinding = {
      fingerprint: f.fingerprint,
      episode: f.episode,
      change: i.change,
      severity: f.severity,
      source: f.source,
      rule: f.rule,
      title: scrubText(headlineOf(f, i.upstream), secrets),
      explanation: scrubText(f.explanation, secrets),
      onset: f.onset,
      features: i.features.map((x) => ({
        name: x.name,
        state: x.state,
        ...(x.effect ? { effect: x.effect } : {}),
      })),
    };
    if (i.previousSeverity) out.previousSeverity = i.previousSeverity;
    if (f.metric !== undefined) out.metric = f.metric;
    if (f.effectiveDate) out.effectiveDate = f.effectiveDate;
    if (i.daysLeft !== undefined) out.daysLeft = i.daysLeft;
    if (f.replacement) out.replacement = f.replacement;
    if (i.event)
      out.event = {
        name: i.event.name,
        ...(i.event.description ? { description: scrubText(i.event.description, secrets) } : {}),
      };
    return out;
  });
}

/**
 * The `channel` part of an outbox payload: the channel's URL and secret templates and the notice's findings.
 *
 * @example
 * payload.channel = channelPayload(channel, items, secrets);
 */
export function channelPayload(
  channel: ChannelContract,
  items: readonly MailItem[],
  secrets: readonly string[] = [],
): NonNullable<OutboxPayload['channel']> {
  return {
    url: channel.url.template,
    ...(channel.kind === 'webhook' ? { secret: channel.secret.template } : {}),
    findings: channelFindingsOf(items, secrets) as unknown as Record<string, unknown>[],
  };
}

/**
 * Add findings to a channel payload (a cap digest growing within its hour), each finding episode and change once.
 *
 * @example
 * mergeChannelFindings(existing.payload.channel, added)
 */
export function mergeChannelFindings(
  channel: NonNullable<OutboxPayload['channel']>,
  added: readonly Record<string, unknown>[],
): NonNullable<OutboxPayload['channel']> {
  const key = (f: Record<string, unknown>) =>
    `${String(f['fingerprint'])}:${String(f['episode'])}:${String(f['change'])}`;
  const known = new Set(channel.findings.map(key));
  return { ...channel, findings: [...channel.findings, ...added.filter((f) => !known.has(key(f)))] };
}
