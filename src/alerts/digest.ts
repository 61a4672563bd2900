// Rendering digests: the reminder digest and the hourly-cap digest, one compact entry per finding, by source.
import { SEVERITIES } from '../core/contract.js';
import { compareSeverity, maxSeverity } from '../core/finding.js';
import { escapeHtml as esc } from '../core/html.js';
import { addDays, daysBetween, isoDay } from '../core/clock.js';
import type { Severity } from '../core/contract.js';
import type { GateState } from '../core/gate.js';
import type { OutboxPayload } from '../store/outbox-repo.js';
import { headlineOf, type ItemChange, type MailItem } from './compose.js';
import { scrubText } from './scrub.js';

/**
 * One finding in a digest, as plain data (it is stored in the outbox payload so a pending cap digest can grow
 * within its hour). `key` names the notice it stands for, so the same notice is never listed twice.
 */
export interface DigestLine {
  key: string;
  change: ItemChange;
  severity: Severity;
  previousSeverity?: Severity;
  source: string;
  metric?: string;
  headline: string;
  fingerprint: string;
  onset: string;
  firstSeen: string;
  effectiveDate?: string;
  daysLeft?: number;
  features: { name: string; state: GateState }[];
}

/** The digest line of a mail item (headline scrubbed of secrets). */
export function digestLineOf(key: string, item: MailItem, secrets: readonly string[] = []): DigestLine {
  const f = item.finding;
  const line: DigestLine = {
    key,
    change: item.change,
    severity: f.severity,
    source: f.source,
    headline: scrubText(headlineOf(f, item.upstream), secrets),
    fingerprint: f.fingerprint,
    onset: f.onset,
    firstSeen: f.firstSeen,
    features: item.features.map((x) => ({ name: x.name, state: x.state })),
  };
  if (f.metric !== undefined) line.metric = f.metric;
  if (item.previousSeverity) line.previousSeverity = item.previousSeverity;
  if (f.effectiveDate) line.effectiveDate = f.effectiveDate;
  if (item.daysLeft !== undefined) line.daysLeft = item.daysLeft;
  return line;
}

export interface DigestInput {
  /** `daily`: the reminder digest of `day`; `cap`: notices held back by the hourly cap in the hour from `windowStart`. */
  variant: 'daily' | 'cap';
  lines: readonly DigestLine[];
  now: Date;
  /** Daily: the recipient's local day. */
  day?: string;
  /** Reminder cadence in days (1 = daily, 7 = weekly, the default), for the subject. */
  everyDays?: number;
  /** Cap: the hour the notices fell due in (ISO, UTC). */
  windowStart?: string;
  /** Per-hour cap, for the cap digest's explanation. */
  cap?: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function label(l: DigestLine): string {
  switch (l.change) {
    case 'new':
      return 'NEW';
    case 'reopened':
      return 'BACK';
    case 'escalated':
      return `ESCALATED ${l.previousSeverity ?? ''}→${l.severity}`;
    case 'resolved':
      return 'RESOLVED';
    case 'countdown':
      return (l.daysLeft ?? 0) > 0 ? `${plural(l.daysLeft ?? 0, 'day')} left` : 'EFFECTIVE';
    case 'reminder':
      return 'OPEN';
  }
}

/** Sources ordered by their most serious finding, then name; lines within by severity, onset, fingerprint. */
export function groupBySource(lines: readonly DigestLine[]): [string, DigestLine[]][] {
  const groups = new Map<string, DigestLine[]>();
  for (const l of lines) groups.set(l.source, [...(groups.get(l.source) ?? []), l]);
  const worst = (ls: DigestLine[]) => ls.map((l) => l.severity).reduce(maxSeverity);
  return [...groups.entries()]
    .map(([s, ls]): [string, DigestLine[]] => [
      s,
      ls.sort(
        (a, b) =>
          compareSeverity(b.severity, a.severity) ||
          a.onset.localeCompare(b.onset) ||
          a.fingerprint.localeCompare(b.fingerprint) ||
          a.key.localeCompare(b.key),
      ),
    ])
    .sort((a, b) => compareSeverity(worst(b[1]), worst(a[1])) || a[0].localeCompare(b[0]));
}

function detail(l: DigestLine, now: Date): string {
  const age = Math.max(0, daysBetween(l.firstSeen, now.toISOString()));
  const parts = [
    `open ${age === 0 ? 'since today' : plural(age, 'day')} (onset ${isoDay(l.onset)})`,
    ...(l.effectiveDate ? [`effective ${l.effectiveDate}`] : []),
    l.features.length
      ? `features: ${l.features.map((f) => `${f.name} (${f.state})`).join(', ')}`
      : 'no feature uses it',
  ];
  return parts.join(' · ');
}

function ackCommand(l: DigestLine, now: Date): string | undefined {
  if (l.change === 'resolved') return undefined;
  return `upwatch ack ${l.fingerprint.slice(0, 10)} --reason "<why>" --until ${addDays(isoDay(now), 7)}`;
}

/**
 * Render a digest: every line listed (no "and N more"), grouped by source, most serious first, each with its age,
 * onset, affected features and the ack command. No charts, so a digest of 500 findings stays a small mail.
 *
 * @example
 * composeDigest({ variant: 'daily', day: '2026-03-15', lines, now, everyDays: 7 })
 * // { subject: '[upwatch] REMINDER: weekly digest 2026-03-15, 3 open findings (1 block, 2 warn)', … }
 */
export function composeDigest(input: DigestInput): OutboxPayload {
  const { lines, now } = input;
  const groups = groupBySource(lines);
  const count = (s: Severity) => lines.filter((l) => l.severity === s).length;
  const bySeverity = SEVERITIES.filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`)
    .join(', ');
  const blocked = [
    ...new Set(lines.flatMap((l) => l.features.filter((f) => f.state === 'blocked').map((f) => f.name))),
  ].sort();
  const every = input.everyDays ?? 7;
  const cadence =
    every === 1 ? 'daily digest' : every === 7 ? 'weekly digest' : `digest every ${every} days,`;
  const subject =
    input.variant === 'daily'
      ? `[upwatch] REMINDER: ${cadence} ${input.day ?? isoDay(now)}, ${plural(lines.length, 'open finding')} (${bySeverity})`
      : `[upwatch] DIGEST: ${plural(lines.length, 'finding')} held back by the hourly cap${blocked.length ? `, ${plural(blocked.length, 'feature')} blocked` : ''} (${bySeverity})`;
  const intro =
    input.variant === 'daily'
      ? 'These findings are still open and not acknowledged. Acknowledge a finding to leave it out of the next digest; it keeps blocking until it resolves.'
      : `More than ${input.cap ?? 'the configured number of'} notices fell due for you in the hour from ${input.windowStart ?? '?'}; the rest are collected here instead of one mail each.`;
  const summary = blocked.length
    ? `Blocked features: ${blocked.join(', ')}`
    : plural(lines.length, 'finding');

  const text: string[] = [intro, summary, ''];
  const html: string[] = [
    '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328">',
    `<p>${esc(intro)}</p><p><b>${esc(summary)}</b></p>`,
  ];
  for (const [source, ls] of groups) {
    text.push(`== ${source} (${plural(ls.length, 'finding')})`);
    html.push(
      `<h3 style="margin:16px 0 4px">${esc(source)} <span style="color:#57606a;font-weight:normal">(${esc(plural(ls.length, 'finding'))})</span></h3><ul style="padding-left:18px">`,
    );
    for (const l of ls) {
      const ack = ackCommand(l, now);
      text.push(
        `  ${l.severity.toUpperCase().padEnd(5)} [${label(l)}] ${l.headline}`,
        `        ${detail(l, now)}`,
        `        fingerprint ${l.fingerprint}${l.metric ? `  metric ${l.metric}` : ''}`,
        ...(ack ? [`        ${ack}`] : []),
      );
      html.push(
        `<li style="margin:6px 0"><b>${esc(l.severity.toUpperCase())}</b> [${esc(label(l))}] ${esc(l.headline)}<br>`,
        `<span style="font-size:12px;color:#57606a">${esc(detail(l, now))} · fingerprint <code>${esc(l.fingerprint)}</code></span>`,
        ack ? `<br><code style="font-size:12px">${esc(ack)}</code>` : '',
        '</li>',
      );
    }
    text.push('');
    html.push('</ul>');
  }
  text.push('— upwatch', '');
  html.push('<p style="color:#57606a;font-size:12px">— upwatch</p></body></html>');
  return { subject, text: text.join('\n'), html: html.join('') };
}
