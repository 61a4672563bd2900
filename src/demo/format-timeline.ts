// The demo timeline as text: one block per eventful day, quiet stretches folded into one line, then a summary.
import type { DemoDay, DemoEmail, DemoFinding, DemoResult, DemoRetrain } from './run-demo.js';

const INDENT = '              ';

function weekday(date: string): string {
  return ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

function subject(f: DemoFinding): string {
  const where = f.metric ? `${f.source}/${f.metric}` : f.source;
  const ents = f.entities.length > 0 && f.entities.length <= 4 ? ` [${f.entities.join(', ')}]` : '';
  const many = f.entities.length > 4 ? ` [${f.entities.length} entities]` : '';
  return `${where}${ents}${many}`;
}

function sev(s: string): string {
  return s === 'info' ? 'info ' : s.toUpperCase().padEnd(5);
}

function clip(text: string, max = 110): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Polls worth a line: a failed poll, a partial poll whose error differs from the source's previous poll (a metric
 * that keeps failing is told once), retried requests, changed docs.
 */
export function newsPolls(d: DemoDay, previous?: DemoDay): DemoDay['polls'] {
  return d.polls.filter((p) => {
    if (p.outcome === 'failed' || p.retries > 0 || p.docChanges.length > 0) return true;
    if (p.outcome === 'ok') return false;
    const before = previous?.polls.find((q) => q.source === p.source);
    return !before || before.outcome !== p.outcome || before.errorCode !== p.errorCode;
  });
}

/** True when a day has something to tell beyond routine polls and reminder mails. */
export function isEventful(d: DemoDay, previous?: DemoDay): boolean {
  return (
    d.upstream.length > 0 ||
    d.opened.length > 0 ||
    d.escalated.length > 0 ||
    d.resolved.length > 0 ||
    d.decisions.length > 0 ||
    d.retrain?.changed === true ||
    d.features.length > 0 ||
    newsPolls(d, previous).length > 0 ||
    d.emails.some((e) => e.kind !== 'reminder')
  );
}

function factorText(f: number): string {
  return f >= 1 ? `×${Number(f.toPrecision(3))}` : `÷${Number((1 / f).toPrecision(3))}`;
}

/** One line for a retrain check: the verdict, then what must change first. */
export function retrainLine(r: DemoRetrain): string {
  const what = [
    ...new Set(
      r.spans.map((s) => {
        const act =
          s.action === 'rescale' && s.factor !== undefined ? `rescale ${factorText(s.factor)}` : s.action;
        const how =
          s.weight === 'wait'
            ? `wait until ${s.waitUntil ?? '?'}`
            : s.weight === 'decided'
              ? 'decided'
              : s.weight === 'note'
                ? `dies in serving on ${s.effectiveDate ?? '?'}`
                : act;
        return `${s.metric} ${s.kind} (${how})`;
      }),
    ),
  ];
  const mask = `mask: ${r.mask.drop} drop, ${r.mask.rescale} rescale, ${r.mask.ok} ok`;
  return `${r.model} on ${r.window.from}..${r.window.to}: ${r.verdict.toUpperCase()}${what.length > 0 ? ` — ${what.join('; ')}` : ''}; ${mask}`;
}

function emailLines(emails: readonly DemoEmail[]): string[] {
  const groups = new Map<string, { kind: DemoEmail['kind']; to: Set<string>; subject: string }>();
  // Reminders are routine while findings stay open: one line with the count and the recipients.
  const reminders = emails.filter((e) => e.kind === 'reminder');
  const reminderLine =
    reminders.length > 0
      ? [
          `${reminders.length} reminder(s) about findings still open → ${[...new Set(reminders.flatMap((e) => e.to))].sort().join(', ')}`,
        ]
      : [];
  for (const e of emails) {
    if (e.kind === 'reminder') continue;
    const key = `${e.kind}|${e.subject}`;
    const g = groups.get(key) ?? { kind: e.kind, to: new Set<string>(), subject: e.subject };
    for (const t of e.to) g.to.add(t);
    groups.set(key, g);
  }
  return [
    ...[...groups.values()].map(
      (g) => `${g.kind} → ${[...g.to].sort().join(', ')}: "${clip(g.subject, 120)}"`,
    ),
    ...reminderLine,
  ];
}

/** The lines of one eventful day (`previous` = the day before, to tell only new poll trouble). */
export function formatDay(d: DemoDay, previous?: DemoDay): string {
  const out: string[] = [`Day ${String(d.day).padStart(3)}  ${d.date} ${weekday(d.date)}`];
  const row = (label: string, text: string) => out.push(`  ${label.padEnd(10)}  ${text}`);
  for (const u of d.upstream) row('upstream', u);
  for (const c of d.decisions)
    row(
      'decided',
      `${c.by}: upwatch accept ${c.fingerprint.slice(0, 10)} --as ${c.kind}${c.factor !== undefined ? ` --factor ${c.factor}` : ''}` +
        `  (${c.source}/${c.metric}, ${c.rule})\n${INDENT}${clip(c.reason, 120)}`,
    );
  for (const p of newsPolls(d, previous)) {
    if (p.outcome === 'failed')
      row(
        'poll',
        `${p.source} FAILED — could not verify (${p.errorCode ?? 'error'}); nothing opened or resolved`,
      );
    else if (p.outcome === 'partial')
      row(
        'poll',
        `${p.source} PARTIAL — some metrics could not be fetched (${p.errorCode ?? 'error'}): ${clip(p.errorMessage ?? '', 80)}`,
      );
    if (p.retries > 0 && p.outcome !== 'failed')
      row('poll', `${p.source} ${p.outcome}: ${p.retries} request(s) retried after a transient error`);
    if (p.docChanges.length > 0) row('docs', `${p.source}: ${p.docChanges.join(', ')} changed`);
  }
  for (const f of d.opened)
    row(
      'detected',
      `${sev(f.severity)} ${f.rule}  ${subject(f)}\n${INDENT}${clip(f.title, 120)}` +
        (f.event ? `\n${INDENT}during declared event ${f.event}: the known change explains it` : ''),
    );
  for (const f of d.escalated)
    row(
      'escalated',
      `${sev(f.severity)} ${f.rule}  ${subject(f)}${f.previousSeverity ? ` (was ${f.previousSeverity})` : ''}\n${INDENT}${clip(f.title, 120)}`,
    );
  for (const f of d.resolved) row('resolved', `${f.rule}  ${subject(f)}`);
  if (d.retrain) row('retrain', clip(retrainLine(d.retrain), 400));
  for (const c of d.features) row('feature', `${c.feature}: ${c.from} → ${c.to.toUpperCase()}`);
  for (const line of emailLines(d.emails)) row('email', line);
  return `${out.join('\n')}\n`;
}

function formatQuiet(days: readonly DemoDay[]): string {
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const polls = days.reduce((n, d) => n + d.polls.filter((p) => !p.pushed).length, 0);
  const pushes = days.reduce((n, d) => n + d.polls.filter((p) => p.pushed).length, 0);
  const reminders = days.reduce((n, d) => n + d.emails.length, 0);
  const mail = reminders > 0 ? `, ${reminders} reminder mail(s) about open findings` : '';
  const checks = days.flatMap((d) => (d.retrain ? [d.retrain.verdict] : []));
  const retrain =
    checks.length > 0
      ? `, ${checks.length} retrain check(s): ${[...new Set(checks)].join(', ')} as before`
      : '';
  const fed = [
    polls > 0 ? `${polls} polls` : '',
    pushes > 0 ? `${pushes} push${pushes === 1 ? '' : 'es'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const what = `nothing new (${fed || '0 polls'}${mail}${retrain})`;
  if (first.day === last.day)
    return `Day ${String(first.day).padStart(3)}  ${first.date} ${weekday(first.date)}  ${what}\n`;
  return `Days ${first.day}–${last.day}  ${first.date} … ${last.date}  ${what}\n`;
}

/**
 * Turns days into text as they arrive: an eventful day prints at once; quiet days are held and printed as one
 * line when the stretch ends.
 *
 * @example
 * const w = new TimelineWriter(); const text = days.map((d) => w.push(d)).join('') + w.end();
 */
export class TimelineWriter {
  #quiet: DemoDay[] = [];
  #previous: DemoDay | undefined;

  /** Text to print for this day now (empty while a quiet stretch continues). */
  push(d: DemoDay): string {
    const previous = this.#previous;
    this.#previous = d;
    if (!isEventful(d, previous)) {
      this.#quiet.push(d);
      return '';
    }
    return this.#flush() + formatDay(d, previous);
  }

  /** Text for a quiet stretch still held. */
  end(): string {
    return this.#flush();
  }

  #flush(): string {
    if (this.#quiet.length === 0) return '';
    const text = formatQuiet(this.#quiet);
    this.#quiet = [];
    return text;
  }
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** The header printed before the timeline. */
export function formatHeader(
  r: Pick<DemoResult, 'scenario' | 'description' | 'startDate' | 'days' | 'feed'>,
): string {
  const how =
    r.feed === 'push'
      ? 'Each day a warehouse job pushes the day before (the path of upwatch ingest): upwatch checks and stores the\n' +
        'rows, runs its detectors, updates findings and feature gates, and mails the owners through a local SMTP\n' +
        'catcher. At the end a training pipeline asks the advisor whether to retrain.\n\n'
      : 'Each day upwatch polls the simulated Meta Graph API and partner API, stores the values, runs its detectors,\n' +
        'updates findings and feature gates, and mails the owners through a local SMTP catcher.\n\n';
  return (
    `upwatch demo — scenario ${r.scenario}: ${r.days} simulated days from ${r.startDate}\n` +
    `${wrap(r.description, 112)}\n${how}`
  );
}

/**
 * A warehouse story's conclusion: the finding that names the problem, the events it is linked to, the gate, and the
 * advice as `upwatch advise` prints it.
 *
 * @example
 * io.stdout(formatStory(result)); // 'The finding that names the problem\n  day 13 …'
 */
export function formatStory(r: Pick<DemoResult, 'story' | 'finalStates'>): string {
  const s = r.story;
  if (!s) return '';
  const out = ['', 'The finding that names the problem'];
  const f = s.naming;
  if (f) {
    out.push(
      `  day ${f.day}  ${f.severity.toUpperCase()} ${f.rule}  ${subject(f)}  (onset ${f.onset})`,
      ...wrap(f.explanation, 108)
        .split('\n')
        .map((l) => `    ${l}`),
    );
  } else out.push('  none: upwatch did not find it');
  for (const l of s.eventLinks)
    out.push(
      `  linked      finding ${l.finding.slice(0, 8)} (${l.rule}, onset ${l.onset}) → event ${l.event}`,
    );
  out.push('', 'Gate after the last push');
  for (const g of r.finalStates) out.push(`  ${g.feature}: ${g.state}`);
  out.push('', `Advice: ${s.advice.command}`);
  out.push(
    ...s.advice.text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => (l ? `  ${l}` : l)),
  );
  return `${out.join('\n')}\n`;
}

function retrainSummary(r: DemoResult): string[] {
  const counts = Object.entries(r.summary.retrains).filter(([, n]) => n > 0);
  if (counts.length === 0) return [];
  const total = counts.reduce((n, [, c]) => n + c, 0);
  return [
    `  retrain    ${total} scheduled checks with the advisor: ${counts.map(([v, n]) => `${n} ${v}`).join(', ')}`,
  ];
}

/** The summary printed after the timeline. */
export function formatSummary(r: DemoResult): string {
  const s = r.summary;
  const totalPolls = s.polls.ok + s.polls.partial + s.polls.failed;
  const byState = (state: string) =>
    r.finalStates
      .filter((f) => f.state === state)
      .map((f) => f.feature)
      .sort();
  const mails = Object.values(s.emails).reduce((a, b) => a + b, 0);
  const lines = [
    '',
    'Summary',
    r.feed === 'push'
      ? `  pushes     ${totalPolls} stored through the ingest path (the first one backfills the history)`
      : `  polls      ${totalPolls} stored (${s.polls.ok} ok, ${s.polls.partial} partial, ${s.polls.failed} failed = could not verify)`,
    `  findings   opened ${s.findingsOpened.block} block, ${s.findingsOpened.warn} warn, ${s.findingsOpened.info} info; ${s.escalations} escalated; ${s.resolutions} resolved${s.decisions > 0 ? `; ${s.decisions} decided (upwatch accept)` : ''}`,
    `  features   blocked: ${byState('blocked').join(', ') || 'none'}`,
    `             warn:    ${byState('warn').join(', ') || 'none'}`,
    `             ok:      ${byState('ok').join(', ') || 'none'}`,
    ...retrainSummary(r),
    `  emails     ${mails} delivered over SMTP: ${s.emails.alert} alerts, ${s.emails.digest} hourly digests, ${s.emails.countdown} countdowns, ${s.emails.reminder} reminders, ${s.emails.resolved} resolved notices`,
    `  time       ${(s.elapsedMs / 1000).toFixed(1)} s for ${r.days} simulated days`,
  ];
  if (r.kept) {
    lines.push(
      `  kept       store ${r.kept.store}`,
      `             snapshots ${r.kept.snapshots} (status.json = the exported gate)`,
      `             contracts ${r.kept.contracts}`,
      `  try        npm run upwatch -- gate ${r.finalStates.find((f) => f.state === 'blocked')?.feature ?? r.finalStates[0]?.feature ?? 'FEATURE'} --status-file ${r.kept.snapshots}/status.json`,
      `             npm run upwatch -- status --db ${r.kept.store} --contracts ${r.kept.contracts}`,
      '             (status reads the real clock: the simulated sources look stale there)',
    );
  } else {
    lines.push('  files      temporary store and snapshots removed (run with --keep to inspect them)');
  }
  return `${lines.join('\n')}\n`;
}
