// renderReport: report data in, one self-contained HTML document out (inline CSS and SVG, no script, no external file).
import { adviceSection } from './advice-section.js';
import { featuresSection } from './features-section.js';
import { openFindingsSection, resolvedSection } from './findings-section.js';
import { esc, plural, text, when, type RenderContext } from './html.js';
import type { ReportData } from './model.js';
import { sourcesSection } from './sources-section.js';

export interface RenderReportOptions {
  /** Exact secret values to scrub if they ever reached a stored text (the store keeps them redacted already). */
  secrets?: readonly string[];
}

/** The report's stylesheet (the dashboard's pages use it too). */
export const REPORT_STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;margin:0 auto;padding:16px 24px 48px;max-width:1180px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}
h3{font-size:15px;margin:20px 0 8px}h4{font-size:14px;margin:6px 0}h4.metric{color:#57606a;font-weight:600;margin-top:14px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 3px;border-radius:3px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eaeef2}
thead th{font-size:12px;color:#57606a;border-bottom:1px solid #d0d7de}td.num{white-space:nowrap}
.dim{color:#57606a;font-size:12px}.count{color:#57606a;font-weight:normal;font-size:13px}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:11px;font-weight:600;color:#fff;white-space:nowrap}
.sev-block,.state-blocked{background:#d1242f}.sev-warn,.state-warn{background:#bf8700}.sev-info{background:#57606a}.state-ok{background:#1a7f37}
article.finding{background:none;border:1px solid #d0d7de;border-left:4px solid #57606a;border-radius:6px;padding:8px 12px;margin:8px 0}
article.sev-block{border-left-color:#d1242f}article.sev-warn{border-left-color:#bf8700}
article.finding p{margin:4px 0}.meta{color:#57606a;font-size:12px}.explanation{white-space:pre-wrap}
.detail{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
table.evidence{width:auto;max-width:520px;font-size:12px}table.evidence caption{text-align:left;font-size:12px;color:#57606a}
table.evidence th{color:#57606a;font-weight:normal;white-space:nowrap}
figure.chart{margin:4px 0}figure.chart svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#57606a;max-width:560px}
ul.reasons{margin:0;padding-left:18px}.override{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:4px 8px;margin-bottom:4px}
.verdict{font-size:16px;margin:8px 0}.verdict .badge{font-size:13px;padding:1px 8px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0;font-size:13px}dl.facts dt{color:#57606a}dl.facts dd{margin:0}
nav a{margin-right:12px}.empty{background:#f6f8fa;border-radius:6px;padding:12px}.nothing{background:#ddf4ff;border:1px solid #54aeff;border-radius:6px;padding:12px 16px;font-size:15px}
.warning{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px}
@media print{nav{display:none}article.finding{break-inside:avoid}}
`;

function verdict(data: ReportData): string {
  const c = data.gate.counts;
  const n = data.gate.features.length;
  if (n === 0) return '<p class="verdict">No features to gate.</p>';
  const state = c.blocked > 0 ? 'blocked' : c.warn > 0 ? 'warn' : 'ok';
  const label = { blocked: 'BLOCKED', warn: 'WARN', ok: 'ALL OK' }[state];
  return `<p class="verdict" data-verdict="${state}"><span class="badge state-${state}">${label}</span> ${esc(
    `${c.blocked} of ${plural(n, 'feature')} blocked · ${c.warn} warn · ${c.ok} ok`,
  )}</p>`;
}

function exitMeaning(data: ReportData): string {
  const gate =
    data.gate.counts.blocked > 0
      ? '<code>upwatch gate</code> on a blocked feature exits <b>1</b>, so pipelines that ask it will not train or serve it'
      : '<code>upwatch gate</code> exits <b>0</b> for every feature here (a warn is allowed; <code>--fail-on warn</code> makes it exit 1)';
  return `<p class="dim">${gate}; exit 2 means it could not run, 3 that no upstream could be reached. This report is information, not a gate: <code>upwatch report</code> exits 0 whenever it writes the file.</p>`;
}

function header(ctx: RenderContext, data: ReportData, counts: { open: number; resolved: number }): string {
  const facts: [string, string][] = [
    ['Generated', `<time datetime="${esc(data.generatedAt)}">${esc(when(data.generatedAt))}</time>`],
    ['Store', `<code>${text(ctx, data.store)}</code>`],
    [
      'Contracts',
      `<code>${text(ctx, data.contracts)}</code>${
        data.contractErrors > 0
          ? ` <span class="badge state-warn">${esc(plural(data.contractErrors, 'error'))}</span> <span class="dim">run <code>upwatch validate</code>; a source or feature whose contract is invalid is missing here</span>`
          : ''
      }`,
    ],
    [
      'Scope',
      data.source !== undefined
        ? `source <code>${text(ctx, data.source)}</code> and the features that use it`
        : 'every source and feature',
    ],
    ['Open findings', String(counts.open)],
    ['Resolved', `${counts.resolved} in the last ${esc(plural(data.days, 'day'))}`],
  ];
  if (data.context !== undefined) facts.push(['Context', text(ctx, data.context)]);
  return `<header>
<h1>upwatch report</h1>
${verdict(data)}
${exitMeaning(data)}
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
<nav><a href="#features">Features</a><a href="#findings">Open findings</a><a href="#resolved">Resolved</a><a href="#sources">Sources</a></nav>
</header>`;
}

/** True when the store holds nothing for the report's scope: no poll, no finding. */
export function isEmptyReport(data: ReportData): boolean {
  return (
    data.open.length === 0 &&
    data.resolved.length + data.resolvedOmitted === 0 &&
    data.sources.every((s) => s.status.polls === 0)
  );
}

function nothingToReport(ctx: RenderContext, data: ReportData): string {
  const scope = data.source !== undefined ? ` for source <code>${text(ctx, data.source)}</code>` : '';
  return `<section id="nothing" class="nothing"><b>Nothing to report yet.</b> The store holds no poll and no finding${scope}. Run <code>upwatch poll</code> (or the daemon, <code>upwatch run</code>) to fetch the upstream sources, then <code>upwatch report</code> again. Until a source is verified, the features that use it stay at warn.</section>`;
}

/**
 * Render a report as one self-contained HTML document: no script, no external CSS, font or image (a
 * Content-Security-Policy forbids loading any), charts as inline SVG. Every text from the store or an upstream is
 * escaped and scrubbed of credentials.
 *
 * @example
 * const html = renderReport(collectReport({ store, contracts, storePath, contractsDir, now: new Date() }));
 * writeFileSync('upwatch-report.html', html);
 */
export function renderReport(data: ReportData, options: RenderReportOptions = {}): string {
  const ctx: RenderContext = { now: Date.parse(data.generatedAt), secrets: options.secrets ?? [] };
  const c = data.gate.counts;
  const title = `upwatch report — ${
    data.gate.features.length > 0 ? `${c.blocked} blocked, ${c.warn} warn, ${c.ok} ok` : 'no features'
  } — ${when(data.generatedAt)}`;
  const empty = isEmptyReport(data);
  const linked = new Set(data.open.map((o) => o.finding.fingerprint));
  const body = [
    header(ctx, data, { open: data.open.length, resolved: data.resolved.length + data.resolvedOmitted }),
    empty ? nothingToReport(ctx, data) : '',
    featuresSection(ctx, data.gate, linked, data.source),
    empty ? '' : openFindingsSection(ctx, data.open),
    empty ? '' : resolvedSection(ctx, data.resolved, data.resolvedOmitted, data.days, data.upstreams),
    empty ? '' : adviceSection(ctx, data.advice ?? []),
    sourcesSection(ctx, data.sources, data.pauses),
    `<footer class="dim"><p>Written by upwatch from the store and contracts above; times are UTC. Text from upstreams is shown as received, with credentials removed.</p></footer>`,
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="upwatch">
<title>${text(ctx, title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
${body.filter(Boolean).join('\n')}
</body>
</html>
`;
}
