// The files `upwatch init` writes: contracts pointing at the sandbox (`upwatch sim`), .gitignore lines, a CI workflow.
import { addDays, isoDay } from '../core/clock.js';
import { GRAPH_VERSIONS } from '../sim/graph-versions.js';
import { SANDBOX_LOOKBACK_DAYS } from '../sim/sandbox-anchor.js';

/** The port `upwatch sim` listens on by default, and the one the scaffolded contracts point at. */
export const SANDBOX_PORT = 4010;
/** The sandbox's base URL on its default port. */
export const SANDBOX_URL = `http://127.0.0.1:${SANDBOX_PORT}`;
/** The variable the scaffolded contract reads the sandbox's Graph token from. */
export const SANDBOX_TOKEN_VAR = 'SIM_META_TOKEN';

/** What the Source template needs to know about the sandbox it points at. */
export interface SourceTemplateInput {
  /** Sandbox base URL (no trailing slash). */
  baseUrl: string;
  /** Graph API version to pin. */
  apiVersion: string;
  /** The sandbox's page ids. */
  pages: readonly string[];
}

/**
 * The Graph version a new contract should pin on `now`: the newest one the sandbox already served
 * {@link SANDBOX_LOOKBACK_DAYS} days ago and that stays usable for at least 90 more days (so that neither the
 * sandbox nor the version calendar has anything to say about it).
 *
 * @example
 * sandboxGraphVersion(new Date('2026-12-07')) // 'v26.0'
 */
export function sandboxGraphVersion(now: Date): string {
  const first = addDays(isoDay(now), -SANDBOX_LOOKBACK_DAYS);
  const last = addDays(isoDay(now), 90);
  const fits = GRAPH_VERSIONS.filter(
    (v) => v.released <= first && (v.availableUntil === undefined || v.availableUntil >= last),
  );
  return (fits[fits.length - 1] ?? GRAPH_VERSIONS[GRAPH_VERSIONS.length - 1]!).version;
}

/**
 * The Source contract: the sandbox's Graph API, with the real Meta lines beside each sandbox line, commented.
 *
 * @example
 * sourceTemplate({ baseUrl: SANDBOX_URL, apiVersion: 'v26.0', pages: ['104100000000001'] })
 */
export function sourceTemplate(input: SourceTemplateInput): string {
  const pages = input.pages.map((p) => `    - '${p}'`).join('\n');
  return `# yaml-language-server: $schema=../node_modules/upwatch/schema/contract.schema.json
# One upstream API: Meta's Graph API Page Insights. Here it points at the sandbox (\`npx upwatch sim\`, which serves
# a simulated Graph API on ${SANDBOX_URL}); the commented lines beside are what the real thing looks like.
apiVersion: upwatch/v1
kind: Source
name: meta-page-insights
description: Daily Page Insights of our pages.
owners: [data-platform@example.com] # who is mailed about this source
provider: meta-graph
connection:
  baseUrl: ${input.baseUrl}
  # baseUrl: https://graph.facebook.com
  apiVersion: ${input.apiVersion} # pinned: a response served by another version is a finding
  accessToken: \${${SANDBOX_TOKEN_VAR}} # from the environment only; upwatch sim prints the value to export
  # accessToken: \${META_PAGE_TOKEN}   # a Page access token with read_insights
  pages: # page ids are strings: quote them
${pages}
  # pages: ['<your page id>']
  # The sandbox starts up to ${SANDBOX_LOOKBACK_DAYS - 4} days behind today and catches up (docs/simulator.md), so the
  # poller looks far back. Against the real Graph API a few days are enough:
  lookbackDays: ${SANDBOX_LOOKBACK_DAYS}
  # lookbackDays: 3
schedule: '0 9 * * *' # when \`upwatch run\` polls (cron, UTC); \`upwatch poll\` polls now
docs: # watched pages: an announcement naming a declared metric warns its features
  - name: pages-changelog
    kind: changelog
    url: ${input.baseUrl}/docs/pages-api/changelog
    # url: https://developers.facebook.com/docs/pages-api/changelog
  - name: deprecated-metrics
    kind: changelog
    url: ${input.baseUrl}/docs/platforminsights/page/deprecated-metrics
    # url: https://developers.facebook.com/docs/platforminsights/page/deprecated-metrics
metrics:
  - name: page_media_view
    period: day
    kind: count
    description: Times any content of the Page was viewed.
    range: { min: 0 }
  - name: page_post_engagements
    period: day
    kind: count
    description: Reactions, comments, shares and clicks on the Page's posts.
    range: { min: 0 }
  - name: page_video_views
    period: day
    kind: count
    description: Times the Page's videos played for at least 3 seconds.
    range: { min: 0 }
    checks:
      # a video counter frozen on a quarter of the pages already poisons the features built on it: block
      frozen-run: { options: { escalateShare: 0.25 } }
`;
}

/**
 * A short contract to paste (a Source and one Feature, few comments), as `upwatch sim` prints it.
 *
 * @example
 * snippetTemplate({ baseUrl: sandbox.url, apiVersion: 'v26.0', pages: ['104100000000001'] })
 */
export function snippetTemplate(input: SourceTemplateInput): string {
  return `apiVersion: upwatch/v1
kind: Source
name: meta-page-insights
owners: [data-platform@example.com]
provider: meta-graph
connection:
  baseUrl: ${input.baseUrl}
  apiVersion: ${input.apiVersion}
  accessToken: \${${SANDBOX_TOKEN_VAR}}
  pages: [${input.pages.map((p) => `'${p}'`).join(', ')}]
  lookbackDays: ${SANDBOX_LOOKBACK_DAYS} # the sandbox runs behind today; 3 is enough against Meta
schedule: '0 9 * * *'
metrics:
  - { name: page_media_view, period: day, kind: count }
  - name: page_video_views
    period: day
    kind: count
    checks: { frozen-run: { options: { escalateShare: 0.25 } } }
---
apiVersion: upwatch/v1
kind: Feature
name: video_watch_rate_14d
owners: [video-ml@example.com]
uses: [meta-page-insights/page_video_views, meta-page-insights/page_media_view]
`;
}

/**
 * The Feature contracts: what the ML features use, and so what upwatch gates.
 *
 * @example
 * writeFileSync('contracts/features.yaml', featuresTemplate());
 */
export function featuresTemplate(): string {
  return `# yaml-language-server: $schema=../node_modules/upwatch/schema/contract.schema.json
# The ML features built on meta-page-insights. \`npx upwatch gate FEATURE\` exits 1 when one of them is blocked.
apiVersion: upwatch/v1
kind: Feature
name: engagement_per_view_7d
description: 7-day post engagements per media view.
owners: [ranking-ml@example.com] # who is mailed when an upstream metric it uses breaks
uses:
  - meta-page-insights/page_post_engagements
  - meta-page-insights/page_media_view
---
apiVersion: upwatch/v1
kind: Feature
name: video_watch_rate_14d
description: Video views per media view over 14 days.
owners: [video-ml@example.com]
uses:
  - meta-page-insights/page_video_views
  - meta-page-insights/page_media_view
# policy:                 # the default: block on block findings, warn on warn
#   blockOn: [block, warn]
`;
}

/** Lines `upwatch init` makes sure .gitignore has. */
export const GITIGNORE_LINES: readonly string[] = ['node_modules/', '.upwatch/', 'upwatch-report.html'];

/**
 * The .gitignore written when there is none.
 *
 * @example
 * gitignoreTemplate().includes('.upwatch/') // true
 */
export function gitignoreTemplate(): string {
  return `# upwatch's local store (SQLite) and HTML report are not versioned; snapshots/ is (doc history, status.json)
${GITIGNORE_LINES.join('\n')}
`;
}

/**
 * The GitHub Actions workflow running `upwatch ci` on pull requests.
 *
 * @example
 * writeFileSync('.github/workflows/upwatch.yml', workflowTemplate());
 */
export function workflowTemplate(): string {
  return `# upwatch ci on every pull request that touches the contracts: fails when a feature is added or changed to
# depend on a deprecated, blocked, frozen or undeclared upstream metric, with annotations on the YAML lines.
# Exit codes: 0 passed, 1 policy failed, 2 could not run, 3 could not verify. Docs: upwatch's docs/ci.md.
# Current health comes from snapshots/status.json (written by \`upwatch poll\` / \`upwatch run\`; commit it).
name: upwatch
on:
  pull_request:
    paths: ['contracts/**', 'snapshots/status.json']
permissions:
  contents: read
jobs:
  upwatch-ci:
    name: upwatch ci
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
      - name: Fetch the base branch
        # upwatch ci reads the base tree only, so its tip is enough
        run: git fetch --no-tags --depth=1 origin "+refs/heads/\${GITHUB_BASE_REF}:refs/remotes/origin/\${GITHUB_BASE_REF}"
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - name: upwatch ci
        run: npx upwatch ci --base "origin/\${GITHUB_BASE_REF}" --contracts contracts --format github
# Or, without installing upwatch in this repository, the reusable workflow:
# jobs:
#   upwatch:
#     uses: upwatch/upwatch/.github/workflows/upwatch-ci.yml@main
#     with:
#       contracts: contracts
`;
}
