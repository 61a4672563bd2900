// The dashboard's source pages: every source with its last poll, and one source's polls, API versions and doc changes.
import type { PollRecord } from '../core/observation.js';
import type { SnapshotDiff } from '../docs/snapshot-diff.js';
import { clipped, esc, plural, text, timeAgo, when, type RenderContext } from '../report/html.js';
import type { ReportSource } from '../report/model.js';
import { sourcesSection } from '../report/sources-section.js';
import type { DocSnapshot } from '../store/doc-snapshots.js';
import type { PrincipalPause } from '../store/pauses.js';
import type { ServedVersion } from '../store/served-versions.js';
import { page, type PageSession } from './pages.js';

/** One change of a watched doc: the snapshot before, the one after, and their diff. */
export interface DocChange {
  from: DocSnapshot;
  to: DocSnapshot;
  diff: SnapshotDiff;
}

/** A watched doc on a source's page: its latest snapshot and its latest changes, newest first. */
export interface SourceDoc {
  doc: string;
  /** Distinct contents kept. */
  versions: number;
  latest: DocSnapshot;
  changes: DocChange[];
}

/** What a source's page shows. */
export interface SourceDetail {
  source: ReportSource;
  /** Latest polls, newest first (at most the page's limit). */
  polls: readonly PollRecord[];
  versions: readonly ServedVersion[];
  docs: readonly SourceDoc[];
}

/**
 * `/sources`: the sources table of the front page, each name linking to its page, and the paused principals.
 *
 * @example
 * sourcesPage(ctx, data.sources, data.pauses, session)
 */
export function sourcesPage(
  ctx: RenderContext,
  sources: readonly ReportSource[],
  pauses: readonly PrincipalPause[],
  session: PageSession,
): string {
  return page(ctx, 'Sources', `<h1>Sources</h1>${sourcesSection(ctx, sources, pauses)}`, session);
}

const OUTCOME_BADGE: Record<PollRecord['outcome'], string> = {
  ok: '<span class="badge state-ok">ok</span>',
  partial: '<span class="badge state-warn">PARTIAL</span>',
  failed: '<span class="badge state-blocked">FAILED</span>',
};

function duration(p: PollRecord): string {
  const ms = Date.parse(p.finishedAt) - Date.parse(p.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function metricProblems(ctx: RenderContext, p: PollRecord): string {
  const bad = p.metricOutcomes.filter((m) => m.status !== 'ok');
  if (bad.length === 0) return '';
  const shown = bad.slice(0, 5).map((m) => {
    const why = m.error ? `: ${clipped(ctx, `${m.error.code}: ${m.error.message}`, 160)}` : '';
    return `<li><code>${text(ctx, m.metric)}</code> ${esc(m.status)}${why}</li>`;
  });
  const more = bad.length > 5 ? `<li class="dim">… and ${bad.length - 5} more</li>` : '';
  return `<ul class="dim">${shown.join('')}${more}</ul>`;
}

function pollRow(ctx: RenderContext, p: PollRecord): string {
  const failedRequests = p.requests.filter((r) => r.status === undefined || r.status >= 400).length;
  const error =
    p.errorCode !== undefined || p.errorMessage !== undefined
      ? `<div>${text(ctx, p.errorCode ?? '')}${p.errorMessage ? `: ${clipped(ctx, p.errorMessage, 300)}` : ''}</div>`
      : '';
  return `<tr data-poll="${p.id}" data-outcome="${esc(p.outcome)}"><td>${timeAgo(ctx, p.finishedAt)}</td><td>${OUTCOME_BADGE[p.outcome]}${
    p.outcome === 'failed' ? ' <span class="dim">could not verify</span>' : ''
  }${error}${metricProblems(ctx, p)}</td><td class="num">${esc(duration(p))}</td><td class="num">${p.requests.length}${
    failedRequests > 0 ? ` <span class="dim">(${failedRequests} failed)</span>` : ''
  }</td><td class="num">${p.observationCount}</td><td>${
    p.servedVersion !== undefined
      ? `<code>${text(ctx, p.servedVersion)}</code>`
      : '<span class="dim">—</span>'
  }</td></tr>`;
}

function pollsSection(ctx: RenderContext, d: SourceDetail): string {
  const st = d.source.status;
  const head = `<section id="polls"><h2>Polls <span class="count">${st.polls}</span></h2>`;
  if (d.polls.length === 0) return `${head}<p class="empty">Never polled.</p></section>`;
  const summary = `<p class="dim">${esc(
    `${plural(st.polls, 'poll')}, ${st.failedPolls} failed${st.consecutiveFailures > 0 ? ` (${st.consecutiveFailures} in a row)` : ''}; the latest ${d.polls.length} below, newest first.`,
  )} A failed poll is <i>could not verify</i>: it neither opens nor resolves findings.</p>`;
  return `${head}${summary}<table class="polls"><thead><tr><th>When</th><th>Outcome</th><th>Took</th><th>Requests</th><th>Values</th><th>Served version</th></tr></thead><tbody>
${d.polls.map((p) => pollRow(ctx, p)).join('\n')}
</tbody></table></section>`;
}

function versionsSection(ctx: RenderContext, d: SourceDetail): string {
  const pinned =
    d.source.pinnedVersion !== undefined
      ? `<p>Pinned in the contract: <code>${text(ctx, d.source.pinnedVersion)}</code>.</p>`
      : '<p class="dim">The contract pins no API version.</p>';
  const body =
    d.versions.length === 0
      ? '<p class="empty">No poll recorded a served API version (the upstream sends no version header).</p>'
      : `<table class="versions"><thead><tr><th>Version</th><th>First served</th><th>Last served</th><th>Polls</th></tr></thead><tbody>${d.versions
          .map(
            (v) =>
              `<tr data-version="${esc(v.version)}"><td><code>${text(ctx, v.version)}</code>${
                d.source.pinnedVersion !== undefined && v.version !== d.source.pinnedVersion
                  ? ' <span class="badge state-warn">NOT PINNED</span>'
                  : ''
              }</td><td>${esc(when(v.firstSeen))}</td><td>${esc(when(v.lastSeen))}</td><td class="num">${v.polls}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<section id="versions"><h2>Served API versions <span class="count">${d.versions.length}</span></h2>${pinned}${body}</section>`;
}

function diffBlock(ctx: RenderContext, change: DocChange): string {
  const d = change.diff;
  const lines = d.hunks
    .map((h) => {
      const head = `<span class="dim">@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@</span>`;
      const body = h.lines.map((l) => {
        const mark = l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' ';
        return `<span class="${l.kind}">${esc(mark)}${text(ctx, l.text)}</span>`;
      });
      return [head, ...body].join('\n');
    })
    .join('\n');
  const cut = d.truncated
    ? '<p class="dim">The diff is cut here; the snapshot files in git hold all of it.</p>'
    : '';
  return `<details class="change" data-from="${esc(change.from.hash.slice(0, 12))}" data-to="${esc(change.to.hash.slice(0, 12))}"><summary>${esc(
    when(change.to.changedAt),
  )}: <span class="add">+${d.added}</span> <span class="del">−${d.removed}</span> lines</summary><pre class="diff">${lines}</pre>${cut}</details>`;
}

function docsSection(ctx: RenderContext, d: SourceDetail): string {
  const head = `<section id="docs"><h2>Watched docs <span class="count">${d.docs.length}</span></h2>`;
  if (d.docs.length === 0)
    return `${head}<p class="empty">No doc snapshot kept for this source.</p></section>`;
  const docs = d.docs.map(
    (doc) =>
      `<article class="doc" data-doc="${esc(doc.doc)}"><h3><code>${text(ctx, doc.doc)}</code></h3><p class="dim">${esc(
        `${plural(doc.versions, 'distinct version')} kept; the latest (sha256 ${doc.latest.hash.slice(0, 12)}) since ${when(doc.latest.changedAt)}, last fetched ${when(doc.latest.fetchedAt)}.`,
      )}</p>${
        doc.changes.length === 0
          ? '<p class="empty">Unchanged since the first snapshot.</p>'
          : doc.changes.map((c) => diffBlock(ctx, c)).join('')
      }</article>`,
  );
  return `${head}${docs.join('')}</section>`;
}

const SOURCE_STYLE = `<style>pre.diff{background:#f6f8fa;padding:8px;overflow-x:auto;font-size:12px}pre.diff .add,summary .add{color:#1a7f37}
pre.diff .del,summary .del{color:#cf222e}pre.diff span.add{background:#e6ffec;display:block}pre.diff span.del{background:#ffebe9;display:block}
pre.diff span.ctx{display:block}details.change{margin:6px 0}</style>`;

/**
 * `/sources/NAME`: the source's state, its latest polls with outcome and errors, the API versions it served, and each
 * watched doc with the diffs of its latest changes. Connection URLs, request URLs and headers are not shown (they
 * may carry credentials); upstream text is scrubbed of known secrets and escaped.
 *
 * @example
 * sourcePage(ctx, { source, polls, versions, docs }, session)
 */
export function sourcePage(ctx: RenderContext, d: SourceDetail, session: PageSession): string {
  const s = d.source;
  const body = [
    SOURCE_STYLE,
    `<h1>Source <code>${text(ctx, s.name)}</code></h1>`,
    `<p>${s.provider !== undefined ? `Provider <code>${text(ctx, s.provider)}</code>. ` : ''}${
      s.declared ? '' : 'Not in the contracts (history only). '
    }${
      s.status.lastPollAt !== undefined
        ? `Last polled ${timeAgo(ctx, s.status.lastPollAt)}; last verified ${
            s.status.lastVerifiedAt !== undefined ? timeAgo(ctx, s.status.lastVerifiedAt) : 'never'
          }.`
        : 'Never polled.'
    } <a href="/findings?source=${encodeURIComponent(s.name)}">Open findings of this source</a>.</p>`,
    pollsSection(ctx, d),
    versionsSection(ctx, d),
    docsSection(ctx, d),
  ];
  return page(ctx, `Source ${s.name}`, body.join('\n'), session);
}
