// The Slack incoming-webhook message of a notice: the state, each finding's cause in one line, and a link to its page.
import type { OutboxKind, OutboxPayload } from '../store/outbox-repo.js';
import type { ChannelFinding } from './channel-message.js';

/** Findings listed one section each; the rest are counted in a last line (Slack allows 50 blocks). */
export const SLACK_MAX_FINDINGS = 10;

/** Slack's incoming-webhook body: `text` is the notification and fallback, `blocks` the message. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Escape text for Slack mrkdwn (the three characters Slack asks to escape). */
export function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A dashboard link for a finding when the public URL is known. */
export function findingUrl(publicUrl: string | undefined, fingerprint: string): string | undefined {
  if (!publicUrl) return undefined;
  return `${publicUrl.replace(/\/+$/, '')}/findings/${encodeURIComponent(fingerprint)}`;
}

const EMOJI: Record<OutboxKind, string> = {
  alert: ':rotating_light:',
  countdown: ':hourglass_flowing_sand:',
  resolved: ':white_check_mark:',
  reminder: ':memo:',
  digest: ':package:',
};

function change(f: ChannelFinding): string {
  switch (f.change) {
    case 'new':
      return 'new';
    case 'reopened':
      return `back (episode ${f.episode})`;
    case 'escalated':
      return `escalated ${f.previousSeverity ?? ''}→${f.severity}`;
    case 'resolved':
      return 'resolved';
    case 'reminder':
      return 'still open';
    case 'countdown':
      return (f.daysLeft ?? 0) > 0 ? `${f.daysLeft} day${f.daysLeft === 1 ? '' : 's'} left` : 'effective';
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One finding as a mrkdwn section: severity and change, the cause (linked), then where and what it affects. */
function findingSection(f: ChannelFinding, publicUrl: string | undefined): Record<string, unknown> {
  const url = findingUrl(publicUrl, f.fingerprint);
  // A link's text cannot hold `|` or `>`; the escaped title has no `>`, and `|` becomes a slash.
  const title = slackEscape(clip(f.title, 300));
  const cause = url ? `<${url}|${title.replaceAll('|', '/')}>` : `*${title}*`;
  const affected = f.features.filter((x) => x.effect !== undefined || x.state !== 'ok');
  const where = [
    `${f.source}${f.metric ? `/${f.metric}` : ''}`,
    `onset ${f.onset.slice(0, 10)}`,
    ...(f.effectiveDate ? [`effective ${f.effectiveDate}`] : []),
    ...(affected.length
      ? [
          `features: ${affected
            .slice(0, 8)
            .map((x) => `${x.name} (${x.state})`)
            .join(', ')}${affected.length > 8 ? ', …' : ''}`,
        ]
      : []),
    ...(url ? [] : [`fingerprint ${f.fingerprint.slice(0, 10)}`]),
  ];
  const event = f.event
    ? `\n_began during declared event ${clip(f.event.name + (f.event.description ? ` (${f.event.description.trim()})` : ''), 300)}: the known change may explain it_`
    : '';
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*${f.severity.toUpperCase()}* · ${slackEscape(change(f))} · ${cause}\n${slackEscape(where.join(' · '))}${slackEscape(event)}`,
    },
  };
}

/**
 * Build the Slack message of a channel row: a headline with the state (the mail's subject without its tag), one
 * section per finding (at most SLACK_MAX_FINDINGS), and how to acknowledge. Links go to the dashboard when
 * `publicUrl` (UPWATCH_PUBLIC_URL) is set.
 *
 * @example
 * slackMessage({ kind: 'alert', payload }, { publicUrl: 'https://upwatch.example.com' }).text
 * // 'BLOCKED 1 feature: page_impressions rejected by Meta (#100)'
 */
export function slackMessage(
  row: { kind: OutboxKind; payload: OutboxPayload },
  options: { publicUrl?: string },
): SlackMessage {
  const findings = (row.payload.channel?.findings ?? []) as unknown as ChannelFinding[];
  const summary = row.payload.subject.replace(/^\[upwatch\]\s*/, '');
  const colon = summary.indexOf(': ');
  const headline =
    colon > 0
      ? `*${slackEscape(summary.slice(0, colon))}*: ${slackEscape(summary.slice(colon + 2))}`
      : `*${slackEscape(summary)}*`;
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${EMOJI[row.kind]} ${headline}`, 2900) } },
    ...findings.slice(0, SLACK_MAX_FINDINGS).map((f) => findingSection(f, options.publicUrl)),
  ];
  const rest = findings.length - SLACK_MAX_FINDINGS;
  const first = findings.find((f) => f.change !== 'resolved');
  const context = [
    ...(rest > 0 ? [`…and ${rest} more finding${rest === 1 ? '' : 's'} (\`upwatch status\`)`] : []),
    ...(first ? [`acknowledge: \`upwatch ack ${first.fingerprint.slice(0, 10)} --reason "…"\``] : []),
  ];
  if (context.length)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  return { text: clip(summary, 3000), blocks };
}
