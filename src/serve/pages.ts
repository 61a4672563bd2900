// The dashboard's HTML pages, server-rendered from plain data with the report's pieces: no script, forms for actions.
import { SEVERITIES } from '../core/contract.js';
import { compareSeverity } from '../core/finding.js';
import { DECISION_KINDS, type Decision } from '../core/decision.js';
import type { FeatureGate, GateReport } from '../core/gate.js';
import { adviceSection } from '../report/advice-section.js';
import { featuresSection } from '../report/features-section.js';
import { findingArticle, openFindingsSection, resolvedSection } from '../report/findings-section.js';
import {
  esc,
  plural,
  severityBadge,
  stateBadge,
  text,
  timeAgo,
  when,
  type RenderContext,
} from '../report/html.js';
import type { ReportData, ReportFinding } from '../report/model.js';
import { REPORT_STYLE } from '../report/render.js';
import { sourcesSection } from '../report/sources-section.js';
import type { AuditEntry } from '../store/audit-repo.js';
import type { StoredOverride } from '../store/overrides-repo.js';
import { findingTitle } from '../findings/title.js';

/** Who is looking and what they may do: the page renders forms only when writing is possible. */
export interface PageSession {
  /** True when the dashboard was started with a token: forms are shown, and a POST asks for the token. */
  writable: boolean;
  /** The double-submit CSRF token each form carries. */
  csrf: string;
}

/** Finding filters, as query parameters of `/findings`. */
export interface FindingFilters {
  source?: string;
  owner?: string;
  severity?: string;
  state?: string;
}

/** Open findings listed on the front page at most (most serious first; `/findings` filters the rest). */
export const MAX_FRONT_PAGE_FINDINGS = 200;

const EXTRA_STYLE = `
header.top{display:flex;gap:16px;align-items:baseline;border-bottom:1px solid #d0d7de;padding-bottom:8px;margin-bottom:8px}
header.top b{font-size:18px}form.action{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:8px 0}
form.action label{display:inline-block;margin:2px 12px 2px 0}form.action input[type=text]{width:28em}
form.filters label{margin-right:12px}.notice{background:#ddf4ff;border:1px solid #54aeff;border-radius:6px;padding:8px 12px}
.error{background:#ffebe9;border:1px solid #ff8182;border-radius:6px;padding:8px 12px}ol.audit li{margin:2px 0}
`;

/**
 * A whole page: the report's style, a navigation bar and a note on who may act. Forms post to the same origin only
 * (the Content-Security-Policy says so too).
 *
 * @example
 * page(ctx, 'Open findings', '<p>…</p>', session)
 */
export function page(ctx: RenderContext, title: string, body: string, session: PageSession): string {
  const mode = session.writable
    ? 'Actions ask for the dashboard token (HTTP Basic: your name as user, the token as password).'
    : 'Read-only: start <code>upwatch serve</code> with <code>UPWATCH_SERVE_TOKEN</code> set to act from here.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="upwatch">
<title>${text(ctx, title)} — upwatch</title>
<style>${REPORT_STYLE}${EXTRA_STYLE}</style>
</head>
<body>
<header class="top"><b>upwatch</b><nav><a href="/">Dashboard</a><a href="/findings">Open findings</a><a href="/sources">Sources</a><a href="/api/status">/api/status</a><a href="/metrics">/metrics</a></nav></header>
<p class="dim mode">${mode}</p>
${body}
<footer class="dim"><p>Served by upwatch at ${esc(when(new Date(ctx.now).toISOString()))}; times are UTC. Text from upstreams is shown as received, with credentials removed.</p></footer>
</body>
</html>
`;
}

function verdict(gate: GateReport): string {
  const c = gate.counts;
  if (gate.features.length === 0) return '<p class="verdict">No features to gate.</p>';
  const state = c.blocked > 0 ? 'blocked' : c.warn > 0 ? 'warn' : 'ok';
  const label = { blocked: 'BLOCKED', warn: 'WARN', ok: 'ALL OK' }[state];
  return `<p class="verdict" data-verdict="${state}"><span class="badge state-${state}">${label}</span> ${esc(
    `${c.blocked} of ${plural(gate.features.length, 'feature')} blocked · ${c.warn} warn · ${c.ok} ok`,
  )}</p>`;
}

function findingRows(ctx: RenderContext, data: ReportData): string {
  if (data.open.length === 0)
    return '<p class="empty">No open findings: nothing upstream is known to be broken.</p>';
  const sorted = [...data.open].sort(
    (a, b) =>
      compareSeverity(b.finding.severity, a.finding.severity) ||
      b.finding.firstSeen.localeCompare(a.finding.firstSeen),
  );
  const rows = sorted.slice(0, MAX_FRONT_PAGE_FINDINGS).map(({ finding: f, upstream }) => {
    const href = `/findings/${encodeURIComponent(f.fingerprint)}`;
    return `<tr data-fingerprint="${esc(f.fingerprint)}"><td>${severityBadge(f.severity)}</td><td><a href="${esc(href)}">${text(
      ctx,
      findingTitle(f, upstream),
    )}</a></td><td><code>${text(ctx, `${f.source}/${f.metric ?? '*'}`)}</code></td><td>${esc(when(f.onset))}</td><td>${esc(f.status)}</td></tr>`;
  });
  const more =
    data.open.length > MAX_FRONT_PAGE_FINDINGS
      ? `<p class="dim">… and ${data.open.length - MAX_FRONT_PAGE_FINDINGS} more: <a href="/findings">filter them</a>.</p>`
      : '';
  return `<table class="open"><thead><tr><th>Severity</th><th>What</th><th>Subject</th><th>Onset</th><th>State</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

/**
 * The front page: the verdict, features with their gate state and why, open findings (one line each, linked),
 * recently resolved findings, the advisor's verdicts and the sources.
 *
 * @example
 * dashboardPage(ctx, collectReport({ … }), session)
 */
export function dashboardPage(ctx: RenderContext, data: ReportData, session: PageSession): string {
  const linked = new Set(data.open.map((o) => o.finding.fingerprint));
  const body = [
    `<h1>Dashboard</h1>${verdict(data.gate)}`,
    featuresSection(ctx, data.gate, linked, undefined),
    `<section id="findings"><h2>Open findings <span class="count">${data.open.length}</span></h2><p><a href="/findings">Filter, with charts</a></p>${findingRows(ctx, data)}</section>`,
    resolvedSection(ctx, data.resolved, data.resolvedOmitted, data.days, data.upstreams),
    adviceSection(ctx, data.advice ?? []),
    sourcesSection(ctx, data.sources, data.pauses),
  ];
  return page(ctx, `${data.gate.counts.blocked} blocked`, body.join('\n'), session);
}

function select(name: string, label: string, options: readonly string[], chosen: string | undefined): string {
  const opts = ['', ...options].map(
    (o) =>
      `<option value="${esc(o)}"${o === (chosen ?? '') ? ' selected' : ''}>${esc(o === '' ? 'any' : o)}</option>`,
  );
  return `<label>${esc(label)} <select name="${esc(name)}">${opts.join('')}</select></label>`;
}

/**
 * Open findings with their charts, narrowed by the filters (a GET form, so a filtered view is a link).
 *
 * @example
 * findingsPage(ctx, items, { severity: 'block' }, { sources: ['meta'], owners: ['ana@x.org'] }, 0, session)
 */
export function findingsPage(
  ctx: RenderContext,
  items: readonly ReportFinding[],
  filters: FindingFilters,
  choices: { sources: readonly string[]; owners: readonly string[] },
  omitted: number,
  session: PageSession,
): string {
  const form = `<form class="filters" method="get" action="/findings">${select('source', 'Source', choices.sources, filters.source)}${select(
    'owner',
    'Owner',
    choices.owners,
    filters.owner,
  )}${select('severity', 'Severity', SEVERITIES, filters.severity)}${select(
    'state',
    'State',
    ['open', 'acknowledged'],
    filters.state,
  )}<button type="submit">Filter</button></form>`;
  const more = omitted > 0 ? `<p class="dim">… and ${omitted} more: narrow the filters to see them.</p>` : '';
  return page(
    ctx,
    'Open findings',
    `<h1>Open findings</h1>${form}${openFindingsSection(ctx, items)}${more}`,
    session,
  );
}

function hidden(session: PageSession, back: string): string {
  return `<input type="hidden" name="csrf" value="${esc(session.csrf)}"><input type="hidden" name="back" value="${esc(back)}">`;
}

function ackForm(fingerprint: string, session: PageSession, back: string): string {
  return `<form class="action" id="ack" method="post" action="/findings/${esc(encodeURIComponent(fingerprint))}/ack">${hidden(session, back)}
<b>Acknowledge</b> (reminders stop; the gate still blocks)<br>
<label>Reason <input type="text" name="reason" required></label><label>Until <input name="until" placeholder="7d or 2026-04-01 (empty: until it resolves)"></label>
<button type="submit">Acknowledge</button></form>`;
}

function decideForm(fingerprint: string, session: PageSession, back: string): string {
  const kinds = DECISION_KINDS.map((k) => `<option value="${esc(k)}">${esc(k)}</option>`).join('');
  return `<form class="action" id="decide" method="post" action="/findings/${esc(encodeURIComponent(fingerprint))}/decide">${hidden(session, back)}
<b>Record a decision</b> (the finding resolves as decided and stops blocking)<br>
<label>Decision <select name="as">${kinds}</select></label><label>Reason <input type="text" name="reason" required></label><label>Factor <input name="factor" size="8" placeholder="default: the finding's"></label>
<button type="submit">Record decision</button></form>`;
}

function overrideForms(g: FeatureGate, session: PageSession, back: string): string {
  const at = `/features/${esc(encodeURIComponent(g.feature))}`;
  const set = `<form class="action override-form" method="post" action="${at}/override">${hidden(session, back)}
<b>Override ${esc(g.feature)}</b><br>
<label><input type="radio" name="action" value="allow" checked> allow</label><label><input type="radio" name="action" value="block"> block</label>
<label>Reason <input type="text" name="reason" required></label><label>Until <input name="until" required placeholder="7d or 2026-04-01"></label>
<button type="submit">Override</button></form>`;
  const revoke = g.override
    ? `<form class="action revoke-form" method="post" action="${at}/revoke">${hidden(session, back)}
<b>Revoke the override</b> (${esc(g.override.action)} until ${esc(when(g.override.until))})<br><label>Reason <input type="text" name="reason" required></label>
<button type="submit">Revoke</button></form>`
    : '';
  return set + revoke;
}

function featureList(ctx: RenderContext, features: readonly FeatureGate[]): string {
  if (features.length === 0) return '<p class="dim">No declared feature uses this metric.</p>';
  const rows = features.map(
    (g) =>
      `<tr data-feature="${esc(g.feature)}" data-state="${g.state}"><td><a href="/features/${esc(encodeURIComponent(g.feature))}"><b>${text(
        ctx,
        g.feature,
      )}</b></a></td><td>${stateBadge(g.state)}</td><td>${
        g.override
          ? `override ${esc(g.override.action)} by ${text(ctx, g.override.by)} until ${esc(when(g.override.until))}`
          : g.reasons.length > 0
            ? esc(plural(g.reasons.length, 'finding'))
            : '<span class="dim">no open finding</span>'
      }</td><td class="dim">${text(ctx, g.owners.join(', '))}</td></tr>`,
  );
  return `<table class="features"><thead><tr><th>Feature</th><th>State now</th><th>Why</th><th>Owners</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function decisionList(ctx: RenderContext, decisions: readonly Decision[]): string {
  if (decisions.length === 0) return '<p class="dim">No decision recorded.</p>';
  return `<ul class="decisions">${decisions
    .map(
      (d) =>
        `<li data-decision="${esc(d.kind)}"><code>${text(ctx, d.kind)}</code>${d.factor !== undefined ? ` ×${esc(String(d.factor))}` : ''} (episode ${d.episode}) by <b>${text(
          ctx,
          d.by,
        )}</b> ${timeAgo(ctx, d.at)}: ${text(ctx, d.reason)}</li>`,
    )
    .join('')}</ul>`;
}

function overrideList(ctx: RenderContext, overrides: readonly StoredOverride[]): string {
  if (overrides.length === 0) return '<p class="dim">No override recorded on these features.</p>';
  return `<ul class="overrides">${overrides
    .map(
      (o) =>
        `<li>${esc(o.action)} <b>${text(ctx, o.feature)}</b> by <b>${text(ctx, o.by)}</b> ${timeAgo(ctx, o.at)}, until ${esc(
          when(o.until),
        )}${o.revokedAt ? `, revoked ${esc(when(o.revokedAt))}` : ''}: ${text(ctx, o.reason)}</li>`,
    )
    .join('')}</ul>`;
}

/**
 * The audit trail, oldest first: when, who, what, why.
 *
 * @example
 * auditList(ctx, store.audit.read({ targetKind: 'finding', target: fingerprint }))
 */
export function auditList(ctx: RenderContext, entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return '<p class="dim">Nothing in the audit log yet.</p>';
  return `<ol class="audit">${entries
    .map(
      (e) =>
        `<li data-action="${esc(e.action)}" data-actor="${esc(e.actor)}">${esc(when(e.at))} <b>${text(ctx, e.actor)}</b> ${text(
          ctx,
          e.action,
        )} <code>${text(ctx, e.target)}</code>${e.reason ? `: ${text(ctx, e.reason)}` : ''}</li>`,
    )
    .join('')}</ol>`;
}

/** What a finding's page shows. */
export interface FindingView {
  /** The finding's latest episode, with its chart data. */
  item: ReportFinding;
  /** Every declared feature that uses the finding's metric (or source), with its gate state now. */
  affected: FeatureGate[];
  decisions: Decision[];
  overrides: StoredOverride[];
  audit: AuditEntry[];
  /** A line to show on top, e.g. what the last action did. */
  notice?: string;
}

/**
 * A finding's page: evidence in words, then numbers, then the chart; the features it touches; decisions, overrides
 * and the audit trail; the forms to acknowledge, decide and override.
 *
 * @example
 * findingPage(ctx, { item, affected, decisions, overrides, audit }, session)
 */
export function findingPage(ctx: RenderContext, v: FindingView, session: PageSession): string {
  const f = v.item.finding;
  const back = `/findings/${encodeURIComponent(f.fingerprint)}`;
  const active = f.status !== 'resolved';
  const state = active
    ? ''
    : `<p class="notice" data-resolved="${esc(f.resolution ?? 'absent')}">Resolved ${f.resolvedAt ? timeAgo(ctx, f.resolvedAt) : ''}${
        f.resolution === 'decided'
          ? ' as decided'
          : f.resolution === 'reverted'
            ? ': the upstream went back'
            : ''
      }.</p>`;
  const actions =
    session.writable && active
      ? `<section id="actions"><h2>Act</h2>${ackForm(f.fingerprint, session, back)}${decideForm(f.fingerprint, session, back)}</section>`
      : '';
  const overrides = session.writable ? v.affected.map((g) => overrideForms(g, session, back)).join('') : '';
  const body = [
    v.notice ? `<p class="notice" id="notice">${text(ctx, v.notice)}</p>` : '',
    `<h1>Finding <code>${esc(f.fingerprint.slice(0, 12))}</code></h1>`,
    state,
    findingArticle(ctx, v.item),
    `<section id="affected"><h2>Affected features <span class="count">${v.affected.length}</span></h2>${featureList(ctx, v.affected)}${overrides}</section>`,
    actions,
    `<section id="decisions"><h2>Decisions</h2>${decisionList(ctx, v.decisions)}</section>`,
    `<section id="overrides"><h2>Overrides</h2>${overrideList(ctx, v.overrides)}</section>`,
    `<section id="audit"><h2>Audit trail</h2>${auditList(ctx, v.audit)}</section>`,
  ];
  return page(ctx, findingTitle(f, v.item.upstream), body.join('\n'), session);
}

/**
 * A feature's page: its gate state and why, the override forms, its overrides and audit trail.
 *
 * @example
 * featurePage(ctx, gate, store.overrides.of(gate.feature), audit, session)
 */
export function featurePage(
  ctx: RenderContext,
  gate: GateReport,
  overrides: readonly StoredOverride[],
  audit: readonly AuditEntry[],
  session: PageSession,
  notice?: string,
): string {
  const g = gate.features[0]!;
  const back = `/features/${encodeURIComponent(g.feature)}`;
  const linked = new Set(g.reasons.map((r) => r.fingerprint));
  const body = [
    notice ? `<p class="notice" id="notice">${text(ctx, notice)}</p>` : '',
    `<h1>Feature <code>${text(ctx, g.feature)}</code> ${stateBadge(g.state)}</h1>`,
    featuresSection(ctx, gate, linked, undefined),
    session.writable ? overrideForms(g, session, back) : '',
    `<section id="overrides"><h2>Overrides</h2>${overrideList(ctx, overrides)}</section>`,
    `<section id="audit"><h2>Audit trail</h2>${auditList(ctx, audit)}</section>`,
  ];
  return page(ctx, `${g.feature}: ${g.state}`, body.join('\n'), session);
}

/**
 * A refusal or a user mistake, with its hint.
 *
 * @example
 * errorPage(ctx, 'an acknowledgement needs a reason', 'pass --reason', session)
 */
export function errorPage(
  ctx: RenderContext,
  message: string,
  hint: string | undefined,
  session: PageSession,
): string {
  return page(
    ctx,
    'Not done',
    `<h1>Not done</h1><p class="error" id="error">${text(ctx, message)}</p>${hint ? `<p class="dim">${text(ctx, hint)}</p>` : ''}<p><a href="/">Back to the dashboard</a></p>`,
    session,
  );
}
