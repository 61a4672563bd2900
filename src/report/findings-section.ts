// The report's findings sections: open findings grouped by source and metric (with evidence and a chart), and a
// compact list of the recently resolved ones.
import { svgChart } from '../alerts/chart.js';
import { evidenceLabel } from '../findings/evidence-label.js';
import { findingTitle } from '../findings/title.js';
import { isSilenced, type FindingRecord } from '../core/finding-record.js';
import type { FindingResolution } from '../core/finding-lifecycle.js';
import {
  clipped,
  esc,
  evidenceValue,
  findingAnchor,
  plural,
  severityBadge,
  stateBadge,
  text,
  timeAgo,
  when,
  type RenderContext,
} from './html.js';
import type { ReportFinding } from './model.js';

/** Evidence rows shown per finding (the rest are counted). */
const MAX_EVIDENCE_ROWS = 16;
/** Characters of an evidence value shown. */
const MAX_EVIDENCE_CHARS = 200;
/** Entities named per finding (the rest are counted). */
const MAX_ENTITIES = 12;

function ackState(ctx: RenderContext, f: FindingRecord): string {
  if (f.status === 'resolved') return '';
  if (f.status !== 'acknowledged' || !f.ack) {
    return '<p class="ack" data-ack="open"><b>Not acknowledged</b> — owners get reminders until someone runs <code>upwatch ack</code>.</p>';
  }
  const a = f.ack;
  const until = a.until ? `, until ${timeAgo(ctx, a.until)}` : ', until it resolves';
  const expired = isSilenced(f, new Date(ctx.now)) ? '' : ' <b>(expired: reminders resume)</b>';
  return `<p class="ack" data-ack="acknowledged">Acknowledged by <b>${text(ctx, a.by)}</b> on ${timeAgo(ctx, a.at)}${until}${expired}: ${text(
    ctx,
    a.reason,
  )}. An acknowledgement stops reminders; it never unblocks a feature.</p>`;
}

function entities(ctx: RenderContext, f: FindingRecord): string {
  if (f.entities.length === 0) return '';
  const share =
    f.entityShare !== undefined ? ` (${Math.round(f.entityShare * 100)}% of the metric's entities)` : '';
  const shown = f.entities.slice(0, MAX_ENTITIES).map((e) => `<code>${text(ctx, e)}</code>`);
  const more = f.entities.length > MAX_ENTITIES ? `, … ${f.entities.length - MAX_ENTITIES} more` : '';
  return `<p><b>${esc(plural(f.entities.length, 'entity', 'entities'))}</b>${esc(share)}: ${shown.join(', ')}${more}</p>`;
}

function evidence(ctx: RenderContext, f: FindingRecord): string {
  const rows = Object.entries(f.evidence);
  if (rows.length === 0) return '';
  const shown = rows
    .slice(0, MAX_EVIDENCE_ROWS)
    .map(
      ([k, v]) =>
        `<tr><th>${text(ctx, evidenceLabel(k))}</th><td><code>${clipped(ctx, evidenceValue(v), MAX_EVIDENCE_CHARS)}</code></td></tr>`,
    );
  const more =
    rows.length > MAX_EVIDENCE_ROWS
      ? `<tr><td colspan="2" class="dim">… ${rows.length - MAX_EVIDENCE_ROWS} more</td></tr>`
      : '';
  return `<table class="evidence"><caption>Evidence</caption>${shown.join('')}${more}</table>`;
}

function chart(ctx: RenderContext, item: ReportFinding): string {
  const f = item.finding;
  if (f.metric === undefined || !item.history) return '';
  const onset = f.onset.slice(0, 10);
  const svg = svgChart(item.history, {
    onset,
    entities: f.entities,
    width: 560,
    height: 140,
    ...(item.chartRange ? { range: item.chartRange } : {}),
  });
  if (!svg) {
    return `<p class="dim chart-none">No chart: fewer than two values of <code>${text(ctx, f.metric)}</code> stored around the onset.</p>`;
  }
  const entity = f.entities.find((e) => item.history!.entities.has(e));
  const what =
    entity !== undefined
      ? `entity <code>${text(ctx, entity)}</code>`
      : `sum over ${esc(plural(item.history.entities.size, 'entity', 'entities'))}`;
  return `<figure class="chart">${svg}<figcaption><code>${text(ctx, f.metric)}</code>, ${what}, daily; the dashed red line is the onset (${esc(
    onset,
  )}).</figcaption></figure>`;
}

/**
 * One open finding as an article: headline, facts, acknowledgement, explanation in words, then the evidence table and
 * the chart.
 *
 * @example
 * findingArticle(ctx, { finding, features: [], history, chartRange: { from: '2026-02-14', to: '2026-03-20' } })
 */
export function findingArticle(ctx: RenderContext, item: ReportFinding): string {
  const f = item.finding;
  const meta = [
    `rule <code>${text(ctx, f.rule)}</code>`,
    `class ${esc(f.class)}`,
    `onset <b>${esc(when(f.onset))}</b>`,
    ...(f.announcedOn ? [`announced ${esc(when(f.announcedOn))}`] : []),
    `first seen ${timeAgo(ctx, f.firstSeen)}`,
    `last seen ${timeAgo(ctx, f.lastSeen)}`,
    ...(f.episode > 1 ? [`episode ${f.episode} (it came back)`] : []),
    `fingerprint <code>${esc(f.fingerprint)}</code>`,
  ];
  const extra = [
    f.effectiveDate ? `<p>Takes effect <b>${esc(when(f.effectiveDate))}</b>.</p>` : '',
    f.replacement ? `<p>Replacement: <code>${text(ctx, f.replacement)}</code>.</p>` : '',
    item.features.length > 0
      ? `<p>Features: ${item.features
          .map(
            (x) =>
              `<b>${text(ctx, x.name)}</b> ${stateBadge(x.state)}${x.effect === 'warn' ? ' (warns)' : ''}`,
          )
          .join(', ')}</p>`
      : '<p class="dim">No declared feature uses this metric.</p>',
    item.regimes && item.regimes.length > 0
      ? `<p class="dim">Detectors re-baselined this metric: ${item.regimes
          .map((r) => `from ${esc(r.startDay)} (${text(ctx, r.reason)})`)
          .join('; ')}.</p>`
      : '',
  ];
  return `<article class="finding sev-${f.severity}" id="${findingAnchor(f.fingerprint)}" data-fingerprint="${esc(
    f.fingerprint,
  )}" data-severity="${f.severity}" data-status="${f.status}">
<h4>${severityBadge(f.severity)} ${
    ctx.findingHref
      ? `<a href="${esc(ctx.findingHref(f.fingerprint))}">${text(ctx, findingTitle(f, item.upstream))}</a>`
      : text(ctx, findingTitle(f, item.upstream))
  }</h4>
<p class="meta">${meta.join(' · ')}</p>
${ackState(ctx, f)}
<p class="explanation">${text(ctx, f.explanation)}</p>
${entities(ctx, f)}${extra.join('')}
<div class="detail">${evidence(ctx, f)}${chart(ctx, item)}</div>
</article>`;
}

const newestFirst = (a: ReportFinding, b: ReportFinding): number =>
  b.finding.firstSeen.localeCompare(a.finding.firstSeen) ||
  b.finding.onset.localeCompare(a.finding.onset) ||
  a.finding.fingerprint.localeCompare(b.finding.fingerprint);

/**
 * Open and acknowledged findings, grouped by source (alphabetical) and metric (the group with the newest finding
 * first; source-wide findings form their own group), newest first within a group.
 *
 * @example
 * openFindingsSection(ctx, data.open)
 */
export function openFindingsSection(ctx: RenderContext, open: readonly ReportFinding[]): string {
  const head = `<section id="findings"><h2>Open findings <span class="count">${open.length}</span></h2>`;
  if (open.length === 0)
    return `${head}<p class="empty">No open findings: nothing upstream is known to be broken.</p></section>`;
  const bySource = new Map<string, Map<string, ReportFinding[]>>();
  for (const item of open) {
    const f = item.finding;
    let metrics = bySource.get(f.source);
    if (!metrics) bySource.set(f.source, (metrics = new Map<string, ReportFinding[]>()));
    const key = f.metric ?? '';
    metrics.set(key, [...(metrics.get(key) ?? []), item]);
  }
  const out = [head];
  for (const source of [...bySource.keys()].sort()) {
    const groups = [...bySource.get(source)!.entries()]
      .map(([metric, items]) => [metric, [...items].sort(newestFirst)] as const)
      .sort(([, a], [, b]) => newestFirst(a[0]!, b[0]!));
    const count = groups.reduce((n, [, items]) => n + items.length, 0);
    out.push(
      `<section class="source-group" data-source="${esc(source)}"><h3>Source <code>${text(ctx, source)}</code> <span class="count">${count}</span></h3>`,
    );
    for (const [metric, items] of groups) {
      out.push(
        `<div class="metric-group" data-metric="${esc(metric)}"><h4 class="metric">${
          metric === '' ? 'Source-wide' : `Metric <code>${text(ctx, metric)}</code>`
        }</h4>`,
        ...items.map((i) => findingArticle(ctx, i)),
        '</div>',
      );
    }
    out.push('</section>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** How a resolved finding ended, after its headline (nothing for the usual: no longer seen). */
const RESOLUTION_NOTE: Record<FindingResolution, string> = {
  absent: '',
  reverted: ' <span class="dim">(the upstream went back)</span>',
  decided: ' <span class="dim">(decided: see the decision on its features)</span>',
};

/**
 * Findings resolved within the window, newest first, one line each.
 *
 * @example
 * resolvedSection(ctx, data.resolved, data.resolvedOmitted, data.days, data.upstreams)
 */
export function resolvedSection(
  ctx: RenderContext,
  resolved: readonly FindingRecord[],
  omitted: number,
  days: number,
  upstreams: Readonly<Record<string, string>> = {},
): string {
  const total = resolved.length + omitted;
  const head = `<section id="resolved"><h2>Resolved in the last ${esc(plural(days, 'day'))} <span class="count">${total}</span></h2>`;
  if (total === 0) return `${head}<p class="empty">Nothing resolved in this window.</p></section>`;
  const rows = resolved.map(
    (f) =>
      `<tr data-fingerprint="${esc(f.fingerprint)}"><td>${f.resolvedAt ? timeAgo(ctx, f.resolvedAt) : ''}</td><td>${severityBadge(
        f.severity,
      )}</td><td><code>${text(ctx, `${f.source}/${f.metric ?? '*'}`)}</code></td><td><code>${text(ctx, f.rule)}</code></td><td>${clipped(
        ctx,
        findingTitle(f, upstreams[f.source]),
        120,
      )}${RESOLUTION_NOTE[f.resolution ?? 'absent']}</td><td>${esc(when(f.onset))}${f.episode > 1 ? ` <span class="dim">(episode ${f.episode})</span>` : ''}</td></tr>`,
  );
  return `${head}<table class="resolved"><thead><tr><th>Resolved</th><th>Severity</th><th>Subject</th><th>Rule</th><th>What</th><th>Onset</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>${omitted > 0 ? `<p class="dim">… and ${omitted} more (narrow with --days or --source).</p>` : ''}</section>`;
}
