// The report's sources section: last poll and its outcome, pinned and served API version, freshness, pauses.
import type { PrincipalPause } from '../store/pauses.js';
import { clipped, esc, text, timeAgo, type RenderContext } from './html.js';
import type { ReportSource } from './model.js';

/** `fresh`, `stale` or `never` verified, as of the report's instant. */
export function freshnessOf(ctx: RenderContext, s: ReportSource): 'fresh' | 'stale' | 'never' {
  const last = s.status.lastVerifiedAt;
  if (last === undefined) return 'never';
  if (s.freshnessHours === undefined) return 'stale';
  return ctx.now - Date.parse(last) <= s.freshnessHours * 3_600_000 ? 'fresh' : 'stale';
}

function freshness(ctx: RenderContext, s: ReportSource): string {
  const state = freshnessOf(ctx, s);
  const window = s.freshnessHours !== undefined ? ` (allowed ${esc(String(s.freshnessHours))} h)` : '';
  if (state === 'never') return `<span class="badge state-warn">NEVER VERIFIED</span>`;
  const last = timeAgo(ctx, s.status.lastVerifiedAt!);
  return state === 'fresh'
    ? `<span class="badge state-ok">fresh</span> verified ${last}${window}`
    : `<span class="badge state-warn">STALE</span> verified ${last}${window}`;
}

function version(ctx: RenderContext, s: ReportSource): string {
  const pinned = s.pinnedVersion !== undefined ? `pinned <code>${text(ctx, s.pinnedVersion)}</code>` : '';
  const served = s.servedVersion !== undefined ? `served <code>${text(ctx, s.servedVersion)}</code>` : '';
  const differs =
    s.pinnedVersion !== undefined && s.servedVersion !== undefined && s.pinnedVersion !== s.servedVersion
      ? ' <span class="badge state-warn">DIFFERS</span>'
      : '';
  return [pinned, served].filter(Boolean).join(', ') + differs || '<span class="dim">—</span>';
}

function outcome(ctx: RenderContext, s: ReportSource): string {
  const st = s.status;
  if (st.lastOutcome === undefined) return '<span class="dim">never polled</span>';
  const label =
    st.lastOutcome === 'failed'
      ? '<span class="badge state-blocked">FAILED</span> could not verify'
      : st.lastOutcome === 'partial'
        ? '<span class="badge state-warn">PARTIAL</span>'
        : '<span class="badge state-ok">ok</span>';
  const error =
    st.lastErrorCode !== undefined || st.lastErrorMessage !== undefined
      ? `<div class="dim">${text(ctx, st.lastErrorCode ?? '')}${st.lastErrorMessage ? `: ${clipped(ctx, st.lastErrorMessage, 240)}` : ''}</div>`
      : '';
  return label + error;
}

function row(ctx: RenderContext, s: ReportSource): string {
  const st = s.status;
  const name = ctx.sourceHref
    ? `<a href="${esc(ctx.sourceHref(s.name))}">${text(ctx, s.name)}</a>`
    : text(ctx, s.name);
  return `<tr data-source="${esc(s.name)}"><td><b>${name}</b>${
    s.declared ? '' : ' <span class="dim">(not in the contracts)</span>'
  }${s.provider !== undefined ? `<div class="dim">${text(ctx, s.provider)}</div>` : ''}</td><td>${
    st.lastPollAt !== undefined ? timeAgo(ctx, st.lastPollAt) : '<span class="dim">never</span>'
  }</td><td>${outcome(ctx, s)}</td><td>${version(ctx, s)}</td><td>${freshness(ctx, s)}</td><td class="num">${st.polls}${
    st.failedPolls > 0
      ? ` <span class="dim">(${st.failedPolls} failed${st.consecutiveFailures > 0 ? `, ${st.consecutiveFailures} in a row` : ''})</span>`
      : ''
  }</td><td class="num">${st.observations} <span class="dim">(${st.metrics} metrics × ${st.entities} entities)</span></td></tr>`;
}

function pausesTable(ctx: RenderContext, pauses: readonly PrincipalPause[]): string {
  if (pauses.length === 0) return '<p class="dim">No token, app or host is paused for rate limits.</p>';
  return `<h3>Paused <span class="count">${pauses.length}</span></h3>
<p class="dim">upwatch makes no request for these principals (named by a hash of the token, or the host) until the time shown.</p>
<table class="pauses"><thead><tr><th>Principal</th><th>Until</th><th>Why</th></tr></thead><tbody>
${pauses
  .map(
    (p) =>
      `<tr><td><code>${text(ctx, p.principal)}</code></td><td>${timeAgo(ctx, p.nextAllowedAt)}</td><td>${clipped(ctx, p.reason, 240)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
}

/**
 * The sources table and the active pauses. Connection URLs are never shown (they may carry credentials).
 *
 * @example
 * sourcesSection(ctx, data.sources, data.pauses)
 */
export function sourcesSection(
  ctx: RenderContext,
  sources: readonly ReportSource[],
  pauses: readonly PrincipalPause[],
): string {
  const head = `<section id="sources"><h2>Sources <span class="count">${sources.length}</span></h2>`;
  const table =
    sources.length === 0
      ? '<p class="empty">No source declared and none in the store.</p>'
      : `<p class="dim">A failed poll is <i>could not verify</i>: it neither opens nor resolves findings, and a source not verified within its freshness window turns its features to warn.</p>
<table class="sources"><thead><tr><th>Source</th><th>Last poll</th><th>Outcome</th><th>API version</th><th>Freshness</th><th>Polls</th><th>Values</th></tr></thead><tbody>
${sources.map((s) => row(ctx, s)).join('\n')}
</tbody></table>`;
  return `${head}${table}${pausesTable(ctx, pauses)}</section>`;
}
