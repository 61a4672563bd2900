// The simulated documentation pages (Pages changelog, deprecated-metrics page) as they read on a given day.
import { scenarioDate, type Scenario } from './scenario.js';

/** A document as served on one day: its body and the simulated day it last changed (for Last-Modified). */
export interface DocResource {
  body: string;
  contentType: string;
  /** Simulated day of the last change (may be negative: before the scenario start). */
  changedDay: number;
}

const LONG_DATE = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

/** `March 14, 2024` for simulated day `n`. */
export function longDate(scenario: Pick<Scenario, 'startDate'>, n: number): string {
  return LONG_DATE.format(new Date(`${scenarioDate(scenario, n)}T00:00:00Z`));
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** Wrap content in the page chrome every Meta docs page has: head, styles, scripts, nav, footer. */
function page(title: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en" id="facebook" class="no_js">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${escapeHtml(title)} - Meta for Developers (simulated)</title>
<link rel="stylesheet" href="/static/docs.css" />
<style>
  body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #1c2b33; }
  nav.top { background: #fff; border-bottom: 1px solid #dadde1; padding: 12px 24px; }
  nav.side { float: left; width: 240px; padding: 24px; }
  main { margin-left: 288px; padding: 24px; max-width: 880px; }
  table { border-collapse: collapse; } td, th { border: 1px solid #dadde1; padding: 6px 10px; }
</style>
<script>
  window.__DOCS_CONFIG__ = { locale: "en_US", product: "pages-api", env: "simulated" };
  (function () { document.documentElement.className = document.documentElement.className.replace("no_js", "js"); })();
</script>
<script async src="/static/analytics.js"></script>
</head>
<body>
<nav class="top" aria-label="Main">
  <a href="/docs/">Docs</a> <a href="/docs/graph-api/">Graph API</a> <a href="/docs/pages-api/">Pages API</a>
  <a href="/tools/">Tools</a> <a href="/support/">Support</a> <a href="/login/">Log In</a>
</nav>
<nav class="side" aria-label="Pages API">
  <ul>
    <li><a href="/docs/pages-api/overview">Overview</a></li>
    <li><a href="/docs/pages-api/changelog">Changelog</a></li>
    <li><a href="/docs/platforminsights/page">Page Insights</a></li>
    <li><a href="/docs/platforminsights/page/deprecated-metrics">Deprecated Metrics</a></li>
  </ul>
</nav>
<main id="documentation_body_pagelet">
${main}
</main>
<footer>
  <p>Was this document helpful? <button type="button">Yes</button> <button type="button">No</button></p>
  <p>&copy; Meta &middot; <a href="/policy/">Platform Terms</a> &middot; <a href="/privacy/">Privacy Policy</a></p>
</footer>
<script>
  document.querySelectorAll("button").forEach(function (b) { b.addEventListener("click", function () {}); });
</script>
</body>
</html>
`;
}

interface ChangelogEntry {
  day: number;
  title: string;
  html: string;
}

function removalEntries(scenario: Scenario, day: number): ChangelogEntry[] {
  const out: ChangelogEntry[] = [];
  for (const ev of scenario.events) {
    if (ev.kind !== 'metric-removed' || ev.announceDay === undefined || ev.announceDay > day) continue;
    const names = [ev.metric, ...(ev.alsoAnnounced ?? [])];
    const when = longDate(scenario, ev.day);
    const items = names
      .map((n) =>
        n === ev.metric && ev.alternative !== undefined
          ? `<li><code>${n}</code> (Alternative: <code>${ev.alternative}</code>)</li>`
          : `<li><code>${n}</code></li>`,
      )
      .join('\n    ');
    out.push({
      day: ev.announceDay,
      title: 'Page Insights: metrics deprecation',
      html: `<p>On ${when}, the following metrics will be deprecated for all API versions: ${names.join(', ')}.
  After that date, requests for these metrics will return an invalid metric error.</p>
  <ul>
    ${items}
  </ul>${ev.alternative === undefined ? '' : `\n  <p>Alternative: ${ev.alternative}</p>`}`,
    });
  }
  return out;
}

/**
 * The Pages API changelog as it reads on clock day `day`: newest entry first; announcements of metric removals
 * appear on their `announceDay`, scripted entries on theirs.
 */
export function changelogPage(scenario: Scenario, day: number): DocResource {
  const entries: ChangelogEntry[] = [
    {
      day: -60,
      title: 'Page Insights reference',
      html: '<p>The Page Insights reference now lists the supported periods (day, week, days_28) for every metric.</p>',
    },
    ...removalEntries(scenario, day),
    ...scenario.events.flatMap((ev) =>
      ev.kind === 'changelog-entry' && ev.day <= day
        ? [{ day: ev.day, title: ev.title, html: `<p>${escapeHtml(ev.body)}</p>` }]
        : [],
    ),
  ].sort((a, b) => b.day - a.day);
  const body = entries
    .map(
      (e) => `<article class="changelog-entry">
  <h2 id="d${scenarioDate(scenario, e.day)}">${longDate(scenario, e.day)}</h2>
  <h3>${escapeHtml(e.title)}</h3>
  ${e.html}
</article>`,
    )
    .join('\n');
  return {
    body: page(
      'Changelog - Pages API',
      `<h1>Pages API Changelog</h1>\n<p>Changes to the Pages API and Page Insights, newest first.</p>\n${body}`,
    ),
    contentType: 'text/html; charset=utf-8',
    changedDay: Math.max(...entries.map((e) => e.day)),
  };
}

/** The deprecated-metrics page on clock day `day`: one table row per announced metric with its date. */
export function deprecatedMetricsPage(scenario: Scenario, day: number): DocResource {
  const rows: string[] = [];
  let changedDay = -60;
  for (const ev of scenario.events) {
    if (ev.kind !== 'metric-removed' || ev.announceDay === undefined || ev.announceDay > day) continue;
    changedDay = Math.max(changedDay, ev.announceDay);
    for (const name of [ev.metric, ...(ev.alsoAnnounced ?? [])]) {
      const alt =
        name === ev.metric && ev.alternative !== undefined ? `<code>${ev.alternative}</code>` : 'None';
      rows.push(
        `<tr><td><code>${name}</code></td><td>${longDate(scenario, ev.day)}</td><td>${alt}</td></tr>`,
      );
    }
  }
  const table =
    rows.length === 0
      ? '<p>No metrics are currently scheduled for deprecation.</p>'
      : `<table>
  <thead><tr><th>Metric</th><th>Deprecation date</th><th>Alternative</th></tr></thead>
  <tbody>
  ${rows.join('\n  ')}
  </tbody>
</table>`;
  const main = `<h1>Deprecated Page Insights Metrics</h1>
<p>The following metrics are deprecated for all API versions. Requests for a deprecated metric will return an invalid metric error.</p>
${table}`;
  return {
    body: page('Deprecated Metrics - Page Insights', main),
    contentType: 'text/html; charset=utf-8',
    changedDay,
  };
}
