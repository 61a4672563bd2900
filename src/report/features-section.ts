// The report's features section: each feature's gate state, the findings behind it, stale sources, any override and
// the recent decisions about the metrics it uses.
import type { FeatureGate, GateReport, GateState } from '../core/gate.js';
import {
  esc,
  findingLink,
  plural,
  severityBadge,
  stateBadge,
  text,
  timeAgo,
  type RenderContext,
} from './html.js';

const ORDER: Record<GateState, number> = { blocked: 0, warn: 1, ok: 2 };

function reasons(ctx: RenderContext, f: FeatureGate, linked: ReadonlySet<string>): string[] {
  return f.reasons.map((r) => {
    const subject = `${r.source}/${r.metric ?? '*'}`;
    const first = r.explanation.split('\n')[0] ?? '';
    const title = r.title ? ` ${text(ctx, r.title)}:` : '';
    const line = `${severityBadge(r.severity)}${title} <code>${text(ctx, r.rule)}</code> <code>${text(ctx, subject)}</code> — ${text(
      ctx,
      first.length > 160 ? `${first.slice(0, 159)}…` : first,
    )}${r.status === 'acknowledged' ? ' <span class="dim">(acknowledged: still counts)</span>' : ''}`;
    return linked.has(r.fingerprint)
      ? `<li>${line} <a href="${esc(findingLink(ctx, r.fingerprint))}">details</a></li>`
      : `<li>${line}</li>`;
  });
}

function unverified(ctx: RenderContext, f: FeatureGate): string[] {
  return f.unverified.map(
    (u) =>
      `<li><span class="badge state-warn">STALE</span> source <code>${text(ctx, u.source)}</code> ${
        u.lastVerifiedAt ? `last verified ${timeAgo(ctx, u.lastVerifiedAt)}` : '<b>never verified</b>'
      }, allowed ${esc(String(u.freshnessHours))} h: upwatch cannot vouch for ${text(ctx, u.metrics.join(', '))}</li>`,
  );
}

function override(ctx: RenderContext, f: FeatureGate): string {
  const o = f.override;
  if (!o) return '';
  const effect =
    o.action === 'allow'
      ? `allowed by hand (findings alone say ${stateBadge(f.findingsState)})`
      : 'blocked by hand';
  return `<div class="override" data-override="${esc(o.action)}"><b>Override:</b> ${effect} by <b>${text(ctx, o.by)}</b> on ${timeAgo(
    ctx,
    o.at,
  )}, until ${timeAgo(ctx, o.until)}. Reason: ${text(ctx, o.reason)}</div>`;
}

function decisions(ctx: RenderContext, f: FeatureGate): string {
  return (f.decisions ?? [])
    .map(
      (d) =>
        `<div class="decision" data-decision="${esc(d.kind)}"><b>Decision:</b> <code>${text(ctx, d.kind)}</code>${
          d.factor !== undefined ? ` ×${esc(String(d.factor))}` : ''
        } for <code>${text(ctx, `${d.source}/${d.metric ?? '*'}`)}</code> (<code>${text(ctx, d.rule)}</code> since ${esc(
          d.onset,
        )}) by <b>${text(ctx, d.by)}</b> on ${timeAgo(ctx, d.at)}. Reason: ${text(ctx, d.reason)}</div>`,
    )
    .join('');
}

function row(ctx: RenderContext, f: FeatureGate, linked: ReadonlySet<string>): string {
  const items = [...reasons(ctx, f, linked), ...unverified(ctx, f)];
  const why =
    items.length > 0
      ? `<ul class="reasons">${items.join('')}</ul>`
      : '<span class="dim">no open finding touches the metrics it uses</span>';
  return `<tr data-feature="${esc(f.feature)}" data-state="${f.state}"><td><b>${text(ctx, f.feature)}</b>${
    f.model !== undefined ? `<div class="dim">model ${text(ctx, f.model)}</div>` : ''
  }</td><td>${stateBadge(f.state)}</td><td>${override(ctx, f)}${why}${decisions(ctx, f)}</td><td class="dim">${text(
    ctx,
    f.owners.join(', '),
  )}</td></tr>`;
}

/**
 * The features section: blocked first, then warn, then ok. `linked` holds the fingerprints that have an anchor in
 * the open-findings section.
 *
 * @example
 * featuresSection(ctx, data.gate, new Set(data.open.map((o) => o.finding.fingerprint)), undefined)
 */
export function featuresSection(
  ctx: RenderContext,
  gate: GateReport,
  linked: ReadonlySet<string>,
  source: string | undefined,
): string {
  const head = `<section id="features"><h2>Features <span class="count">${gate.features.length}</span></h2>`;
  if (gate.features.length === 0) {
    return `${head}<p class="empty">No features declared${
      source !== undefined ? ` that use source <code>${text(ctx, source)}</code>` : ''
    }. Declare <code>kind: Feature</code> contracts listing the metrics they <code>use</code> to have them gated.</p></section>`;
  }
  const sorted = [...gate.features].sort(
    (a, b) => ORDER[a.state] - ORDER[b.state] || a.feature.localeCompare(b.feature),
  );
  return `${head}<p class="dim">A feature is <b>blocked</b> while an open or acknowledged finding whose severity its policy blocks on touches a metric it uses, <b>warn</b> for a warning finding or a source not verified within its freshness window; an unexpired override wins. ${esc(
    plural(gate.counts.blocked, 'feature'),
  )} blocked, ${gate.counts.warn} warn, ${gate.counts.ok} ok.</p>
<table class="features"><thead><tr><th>Feature</th><th>State</th><th>Why</th><th>Owners</th></tr></thead><tbody>
${sorted.map((f) => row(ctx, f, linked)).join('\n')}
</tbody></table></section>`;
}
