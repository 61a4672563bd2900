// Rendering notification mails: subjects that say what happened, a plain-text part and an HTML part with evidence.
import { compareSeverity } from '../core/finding.js';
import { escapeHtml as esc } from '../core/html.js';
import { addDays, isoDay } from '../core/clock.js';
import type { Severity } from '../core/contract.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { GateState } from '../core/gate.js';
import type { OutboxKind, OutboxPayload } from '../store/outbox-repo.js';
import { evidenceLabel } from '../findings/evidence-label.js';
import { findingTitle } from '../findings/title.js';
import { scrubText } from './scrub.js';
import { dashboardUrl, findingPath } from '../core/public-url.js';

/** What happened to a finding, from the point of view of this mail. */
export type ItemChange = 'new' | 'reopened' | 'escalated' | 'resolved' | 'reminder' | 'countdown';

/** One finding in a mail, with the features it affects (and their gate state now). */
export interface MailItem {
  finding: FindingRecord;
  change: ItemChange;
  previousSeverity?: Severity;
  /** Countdown: whole days until the effective date (0 = today, negative = past). */
  daysLeft?: number;
  /** Affected features: their gate state now and what this finding does to them under their policy. */
  features: { name: string; state: GateState; effect?: 'block' | 'warn' }[];
  /** Inline SVG of the series around the onset. */
  chart?: string;
  /** Vendor name for headlines (e.g. `Meta` for a meta-graph source). */
  upstream?: string;
  /** The declared event whose days hold the finding's onset (a redesign, a campaign): a known change may explain it. */
  event?: { name: string; description?: string };
}

/** The line that names the declared event a finding began in. */
function eventWords(e: NonNullable<MailItem['event']>): string {
  return `began during declared event ${e.name}${e.description ? ` (${e.description.trim()})` : ''}: the known change may explain it`;
}

export interface ComposeInput {
  kind: OutboxKind;
  items: readonly MailItem[];
  now: Date;
  /** Findings listed in full; the rest become "and N more". */
  maxFindings: number;
  /** Exact secret values to scrub if they ever reached a finding's text. */
  secrets?: readonly string[];
  /**
   * Absolute base URL of `upwatch serve` (`UPWATCH_PUBLIC_URL`, parsed by parsePublicUrl): each finding links to its
   * dashboard page. Without it mails name the page (`/findings/FINGERPRINT`) for whoever runs the dashboard.
   */
  publicUrl?: string;
}

const CHANGE_ORDER: Record<ItemChange, number> = {
  escalated: 0,
  new: 1,
  reopened: 2,
  countdown: 3,
  reminder: 4,
  resolved: 5,
};

/**
 * The short headline of a finding: the one title every surface shows (`findingTitle` in findings/title.ts), e.g.
 * `page_impressions rejected by Meta (#100)`. `upstream` names the vendor.
 *
 * @example
 * headlineOf({ ...finding, title: undefined, evidence: { graphCode: 100 } }, 'Meta') // 'page_impressions rejected by Meta (#100)'
 */
export const headlineOf = findingTitle;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Items in display order: most serious and newest news first. */
export function orderItems(items: readonly MailItem[]): MailItem[] {
  return [...items].sort(
    (a, b) =>
      compareSeverity(b.finding.severity, a.finding.severity) ||
      CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] ||
      a.finding.fingerprint.localeCompare(b.finding.fingerprint),
  );
}

/** Features these findings block (effect block, gate blocked) or warn (an effect, not blocked by these findings). */
function featuresIn(items: readonly MailItem[], state: 'blocked' | 'warn'): string[] {
  const blocked = new Set(
    items.flatMap((i) =>
      i.features.filter((f) => f.effect === 'block' && f.state === 'blocked').map((f) => f.name),
    ),
  );
  if (state === 'blocked') return [...blocked].sort();
  const warned = items.flatMap((i) =>
    i.features
      .filter((f) => f.effect !== undefined && f.state !== 'ok' && !blocked.has(f.name))
      .map((f) => f.name),
  );
  return [...new Set(warned)].sort();
}

/**
 * The subject line, e.g. `[upwatch] BLOCKED 2 features: page_post_engagements rejected by Meta (#100)`.
 *
 * @example
 * subjectOf('alert', items) // '[upwatch] BLOCKED 2 features: … (+3 more findings)'
 */
export function subjectOf(
  kind: OutboxKind,
  items: readonly MailItem[],
  secrets: readonly string[] = [],
): string {
  const ordered = orderItems(items);
  const top = ordered[0];
  if (!top) return '[upwatch] (empty notification)';
  const headline = scrubText(headlineOf(top.finding, top.upstream), secrets);
  const more = ordered.length > 1 ? ` (+${plural(ordered.length - 1, 'more finding')})` : '';
  switch (kind) {
    case 'alert': {
      const blocked = featuresIn(ordered, 'blocked');
      const warn = featuresIn(ordered, 'warn');
      const escalated =
        ordered.length === 1 && top.change === 'escalated' && top.previousSeverity
          ? ` (escalated from ${top.previousSeverity})`
          : '';
      if (blocked.length)
        return `[upwatch] BLOCKED ${plural(blocked.length, 'feature')}: ${headline}${escalated}${more}`;
      if (warn.length)
        return `[upwatch] WARN ${plural(warn.length, 'feature')}: ${headline}${escalated}${more}`;
      return `[upwatch] ${plural(ordered.length, 'new finding')}: ${headline}`;
    }
    case 'resolved':
      return `[upwatch] RESOLVED: ${headline}${more}`;
    case 'reminder':
      return `[upwatch] REMINDER: ${plural(ordered.length, 'finding')} still open: ${headline}`;
    case 'digest':
      return `[upwatch] DIGEST: ${plural(ordered.length, 'finding')}: ${headline}`;
    case 'countdown': {
      const d = top.daysLeft ?? 0;
      const when = d > 0 ? `${plural(d, 'day')} left` : d === 0 ? 'TODAY' : `${plural(-d, 'day')} past`;
      return `[upwatch] ${when}: ${headline}${top.finding.effectiveDate ? ` (effective ${top.finding.effectiveDate})` : ''}${more}`;
    }
  }
}

function changeLabel(i: MailItem): string {
  switch (i.change) {
    case 'new':
      return 'NEW';
    case 'reopened':
      return `BACK (episode ${i.finding.episode})`;
    case 'escalated':
      return `ESCALATED ${i.previousSeverity ?? ''}→${i.finding.severity}`;
    case 'resolved':
      return 'RESOLVED';
    case 'reminder':
      return 'STILL OPEN';
    case 'countdown':
      return (i.daysLeft ?? 0) > 0 ? `${plural(i.daysLeft ?? 0, 'day')} left` : 'EFFECTIVE';
  }
}

function commands(i: MailItem, now: Date): string[] {
  if (i.change === 'resolved') return [];
  const fp = i.finding.fingerprint.slice(0, 10);
  const until = addDays(isoDay(now), 7);
  const out = [`upwatch ack ${fp} --reason "<why>" --until ${until}`];
  for (const f of i.features.filter((x) => x.state !== 'ok').slice(0, 3)) {
    out.push(`upwatch override ${f.name} --allow --reason "<why it is safe>" --until ${until}`);
  }
  return out;
}

function evidenceLines(i: MailItem, secrets: readonly string[]): [string, string][] {
  return Object.entries(i.finding.evidence)
    .slice(0, 12)
    .map(([k, v]) => [
      evidenceLabel(k),
      scrubText(Array.isArray(v) ? v.join(', ') : String(v), secrets).slice(0, 200),
    ]);
}

function textItem(i: MailItem, now: Date, secrets: readonly string[], publicUrl?: string): string {
  const f = i.finding;
  const lines = [
    `[${changeLabel(i)}] ${f.severity.toUpperCase()} ${scrubText(headlineOf(f, i.upstream), secrets)}`,
    `  source: ${f.source}${f.metric ? `  metric: ${f.metric}` : ''}  rule: ${f.rule}  fingerprint: ${f.fingerprint}`,
    `  onset: ${f.onset}${f.announcedOn ? `  announced: ${f.announcedOn}` : ''}${f.effectiveDate ? `  effective: ${f.effectiveDate}` : ''}${f.entities.length ? `  entities: ${f.entities.slice(0, 10).join(', ')}${f.entities.length > 10 ? ', …' : ''}` : ''}`,
    `  ${scrubText(f.explanation, secrets)}`,
  ];
  if (i.event) lines.push(`  ${scrubText(eventWords(i.event), secrets)}`);
  const ev = evidenceLines(i, secrets);
  if (ev.length) lines.push(`  evidence: ${ev.map(([k, v]) => `${k}=${v}`).join('; ')}`);
  if (i.features.length)
    lines.push(`  features: ${i.features.map((x) => `${x.name} (${x.state})`).join(', ')}`);
  if (f.replacement) lines.push(`  replacement: ${f.replacement}`);
  if (f.ack)
    lines.push(
      `  acknowledged by ${f.ack.by}: ${f.ack.reason}${f.ack.until ? ` (until ${f.ack.until})` : ''}`,
    );
  const cmds = commands(i, now);
  if (cmds.length) lines.push('  what to do:', ...cmds.map((c) => `    ${c}`));
  if (publicUrl) lines.push(`  dashboard: ${dashboardUrl(publicUrl, findingPath(f.fingerprint))}`);
  return lines.join('\n');
}

const BADGE: Record<Severity, string> = { block: '#d1242f', warn: '#bf8700', info: '#57606a' };

/**
 * The chart's place in the HTML, marked with the finding's fingerprint and dashboard link: the mail transport swaps
 * the SVG for a PNG image attached to the message (alerts/chart-images.ts), or for a sentence pointing to the
 * dashboard when it cannot draw one.
 */
function chartBlock(svg: string, fingerprint: string, href: string | undefined): string {
  return `<div data-upwatch-chart="${esc(fingerprint)}"${href ? ` data-href="${esc(href)}"` : ''} style="margin:8px 0">${svg}</div>`;
}

function htmlItem(i: MailItem, now: Date, secrets: readonly string[], publicUrl?: string): string {
  const f = i.finding;
  const href = publicUrl ? dashboardUrl(publicUrl, findingPath(f.fingerprint)) : undefined;
  const ev = evidenceLines(i, secrets);
  const cmds = commands(i, now);
  return [
    `<div style="border:1px solid #d0d7de;border-radius:6px;padding:12px;margin:12px 0">`,
    `<div><span style="background:${BADGE[f.severity]};color:#fff;border-radius:3px;padding:1px 6px;font-size:12px">${esc(
      f.severity.toUpperCase(),
    )}</span> <b>${esc(changeLabel(i))}</b> — <b>${esc(scrubText(headlineOf(f, i.upstream), secrets))}</b></div>`,
    `<div style="color:#57606a;font-size:12px;margin:4px 0">source <code>${esc(f.source)}</code>${
      f.metric ? ` · metric <code>${esc(f.metric)}</code>` : ''
    } · rule <code>${esc(f.rule)}</code> · onset ${esc(f.onset)}${f.announcedOn ? ` · announced ${esc(f.announcedOn)}` : ''}${f.effectiveDate ? ` · effective <b>${esc(f.effectiveDate)}</b>` : ''} · fingerprint <code>${esc(
      f.fingerprint,
    )}</code></div>`,
    `<p>${esc(scrubText(f.explanation, secrets))}</p>`,
    i.event ? `<p style="font-size:13px"><i>${esc(scrubText(eventWords(i.event), secrets))}</i></p>` : '',
    ev.length
      ? `<table style="border-collapse:collapse;font-size:12px">${ev
          .map(
            ([k, v]) =>
              `<tr><td style="padding:2px 8px;color:#57606a">${esc(k)}</td><td style="padding:2px 8px"><code>${esc(v)}</code></td></tr>`,
          )
          .join('')}</table>`
      : '',
    i.chart ? chartBlock(i.chart, f.fingerprint, href) : '',
    f.entities.length
      ? `<div style="font-size:12px">entities: ${esc(f.entities.slice(0, 10).join(', '))}${f.entities.length > 10 ? ', …' : ''}</div>`
      : '',
    i.features.length
      ? `<div style="font-size:12px">affected features: ${i.features.map((x) => `<b>${esc(x.name)}</b> (${esc(x.state)})`).join(', ')}</div>`
      : '',
    f.replacement ? `<div style="font-size:12px">replacement: <code>${esc(f.replacement)}</code></div>` : '',
    f.ack ? `<div style="font-size:12px">acknowledged by ${esc(f.ack.by)}: ${esc(f.ack.reason)}</div>` : '',
    cmds.length
      ? `<div style="font-size:12px;margin-top:6px">what to do:<pre style="background:#f6f8fa;padding:6px">${esc(cmds.join('\n'))}</pre></div>`
      : '',
    href
      ? `<div style="font-size:12px;margin-top:6px"><a href="${esc(href)}">Open this finding on the dashboard</a></div>`
      : '',
    `</div>`,
  ].join('');
}

const INTRO: Record<OutboxKind, string> = {
  alert: 'upwatch found upstream changes that affect your features.',
  resolved: 'These upstream findings have cleared (absent for the configured number of good polls).',
  reminder: 'These findings are still open and not acknowledged. Acknowledge them to stop reminders.',
  countdown: 'An announced upstream deprecation or sunset is coming up.',
  digest: 'More notices fell due for you this hour than the hourly cap allows; here they are in one mail.',
};

/**
 * Render one notification (subject, plain text and HTML). Lists at most `maxFindings` findings, then
 * "and N more"; scrubs credentials from every piece of upstream text.
 *
 * @example
 * const payload = composeMail({ kind: 'alert', items, now, maxFindings: 25 });
 */
export function composeMail(input: ComposeInput): OutboxPayload {
  const secrets = input.secrets ?? [];
  const ordered = orderItems(input.items);
  const shown = ordered.slice(0, Math.max(1, input.maxFindings));
  const rest = ordered.length - shown.length;
  const subject = subjectOf(input.kind, ordered, secrets);
  const blocked = featuresIn(ordered, 'blocked');
  const summary =
    input.kind === 'alert' && blocked.length
      ? `Blocked features: ${blocked.join(', ')}`
      : `${plural(ordered.length, 'finding')}`;
  // The rest are named one line each, so every finding of the mail is in it, however many there are.
  const hidden = ordered.slice(shown.length);
  const oneLine = (i: MailItem) =>
    `${i.finding.severity.toUpperCase()} [${changeLabel(i)}] ${scrubText(headlineOf(i.finding, i.upstream), secrets)} (${i.finding.source}, fingerprint ${i.finding.fingerprint.slice(0, 10)})`;
  const moreText =
    rest > 0
      ? `\n\n…and ${plural(rest, 'more finding')} (run \`upwatch status\` for their evidence):\n${hidden.map((i) => `  ${oneLine(i)}`).join('\n')}`
      : '';
  const text =
    [
      INTRO[input.kind],
      summary,
      '',
      shown.map((i) => textItem(i, input.now, secrets, input.publicUrl)).join('\n\n'),
    ].join('\n') +
    moreText +
    (input.publicUrl ? `\n\nDashboard: ${dashboardUrl(input.publicUrl, '/')}` : '') +
    '\n\n— upwatch\n';
  const html = [
    '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328">',
    `<p>${esc(INTRO[input.kind])}</p>`,
    `<p><b>${esc(summary)}</b></p>`,
    ...shown.map((i) => htmlItem(i, input.now, secrets, input.publicUrl)),
    rest > 0
      ? `<p>…and ${esc(plural(rest, 'more finding'))} (run <code>upwatch status</code> for their evidence):</p><ul style="font-size:12px">${hidden.map((i) => `<li>${esc(oneLine(i))}</li>`).join('')}</ul>`
      : '',
    input.publicUrl
      ? `<p style="font-size:12px"><a href="${esc(dashboardUrl(input.publicUrl, '/'))}">Dashboard</a></p>`
      : '',
    '<p style="color:#57606a;font-size:12px">— upwatch</p></body></html>',
  ].join('');
  return { subject, text, html };
}
