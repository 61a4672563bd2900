// The `upwatch ci` fixtures: a base commit of contracts and the pull request's head, as object literals.
import type { CommitFiles } from './ci-fixture.js';

/** The Meta Page Insights source as on main: two current metrics. */
export const META_SOURCE = `apiVersion: upwatch/v1
kind: Source
name: meta-page-insights
owners: [growth-data@example.com]
provider: meta-graph
connection:
  baseUrl: https://graph.facebook.com
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["104100000000001", "104100000000002"]
schedule: "0 7 * * *"
metrics:
  - name: page_post_engagements
    period: day
    kind: count
  - name: page_media_view
    period: day
    kind: count
`;

/** The features as on main. */
export const FEATURES = `apiVersion: upwatch/v1
kind: Feature
name: engagement_per_view_7d
owners: [ranking-ml@example.com]
uses:
  - meta-page-insights/page_post_engagements
  - meta-page-insights/page_media_view
`;

export const BASE: CommitFiles = {
  'contracts/meta-page-insights.yaml': META_SOURCE,
  'contracts/features.yaml': FEATURES,
};

const NEW_FEATURE = (metric: string): string => `---
apiVersion: upwatch/v1
kind: Feature
name: reach_quality_28d
owners: [ranking-ml@example.com]
uses:
  - meta-page-insights/${metric}
`;

const MODEL = (kpi: string): string => `apiVersion: upwatch/v1
kind: Model
name: feed-ranker
owners: [ranking-ml@example.com]
features: [engagement_per_view_7d]
kpis:
  - meta-page-insights/${kpi}
`;

export interface CiScenario {
  /** Descriptive name, also the test title. */
  name: string;
  /** Files of the pull request's head commit (null deletes). */
  head: CommitFiles;
  args?: string[];
  /** Expected exit code (the same in every format). */
  exit: 0 | 1 | 2 | 3;
  /** Rules expected at block level, with the file:line they point at (each distinct pair once). */
  blocks: string[];
}

/** Every scenario: base is BASE, head is BASE with these files changed, committed on branch `pr`. */
export const SCENARIOS: CiScenario[] = [
  {
    name: 'a new feature using page_engaged_users fails (removed by Meta, no alternative)',
    head: {
      'contracts/meta-page-insights.yaml': META_SOURCE.replace(
        '  - name: page_media_view',
        '  - name: page_engaged_users\n    period: day\n    kind: count\n  - name: page_media_view',
      ),
      'contracts/features.yaml': FEATURES + NEW_FEATURE('page_engaged_users'),
    },
    exit: 1,
    blocks: [
      'upwatch/metric-deprecated contracts/features.yaml:14',
      'upwatch/contract-invalid contracts/meta-page-insights.yaml:16',
    ],
  },
  {
    name: 'the same pull request fixed to use page_media_view passes',
    head: { 'contracts/features.yaml': FEATURES + NEW_FEATURE('page_media_view') },
    exit: 0,
    blocks: [],
  },
  {
    name: 'removing a metric a feature uses fails',
    head: {
      'contracts/meta-page-insights.yaml': META_SOURCE.replace(
        '  - name: page_media_view\n    period: day\n    kind: count\n',
        '',
      ),
    },
    exit: 1,
    blocks: [
      'upwatch/contract-invalid contracts/features.yaml:7',
      'upwatch/metric-removed contracts/meta-page-insights.yaml:16',
    ],
  },
  {
    name: 'a model whose KPI is an undeclared metric fails',
    head: { 'contracts/models.yaml': MODEL('page_media_views') },
    exit: 1,
    blocks: ['upwatch/contract-invalid contracts/models.yaml:7'],
  },
  {
    name: 'the same model with a declared KPI passes',
    head: { 'contracts/models.yaml': MODEL('page_media_view') },
    exit: 0,
    blocks: [],
  },
  {
    name: 'changing an owner passes',
    head: { 'contracts/features.yaml': FEATURES.replace('ranking-ml@example.com', 'feed-ml@example.com') },
    exit: 0,
    blocks: [],
  },
  {
    name: 'invalid YAML at head fails with the line',
    head: {
      'contracts/features.yaml': FEATURES.replace(
        '  - meta-page-insights/page_media_view',
        '\t- meta-page-insights/page_media_view',
      ),
    },
    exit: 1,
    blocks: ['upwatch/contract-invalid contracts/features.yaml:7'],
  },
  {
    name: 'a metric kind change fails',
    head: {
      'contracts/meta-page-insights.yaml': META_SOURCE.replace(
        'page_media_view\n    period: day\n    kind: count',
        'page_media_view\n    period: day\n    kind: ratio',
      ),
    },
    exit: 1,
    blocks: ['upwatch/metric-kind-changed contracts/meta-page-insights.yaml:16'],
  },
  {
    name: 'a feature newly using an undeclared metric fails',
    head: { 'contracts/features.yaml': FEATURES + '  - meta-page-insights/page_follows\n' },
    exit: 1,
    blocks: ['upwatch/undeclared-metric contracts/features.yaml:8'],
  },
  {
    name: 'moving the pinned version past its end of life fails',
    head: { 'contracts/meta-page-insights.yaml': META_SOURCE.replace('v24.0', 'v18.0') },
    exit: 1,
    // The loader's version-eol-passed error sits at the same place and is folded into the more specific issue.
    blocks: ['upwatch/api-version-eol contracts/meta-page-insights.yaml:1'],
  },
  {
    name: 'moving the pinned version to one 62 days from its end of life fails',
    head: { 'contracts/meta-page-insights.yaml': META_SOURCE.replace('v24.0', 'v21.0') },
    exit: 1,
    // The loader's version-eol-soon warning at the same place is folded into the more specific issue.
    blocks: ['upwatch/api-version-eol contracts/meta-page-insights.yaml:1'],
  },
  {
    name: 'a breaking change passes with --fail-on never',
    head: {
      'contracts/meta-page-insights.yaml': META_SOURCE.replace(
        'page_media_view\n    period: day\n    kind: count',
        'page_media_view\n    period: day\n    kind: ratio',
      ),
    },
    args: ['--fail-on', 'never'],
    exit: 0,
    blocks: ['upwatch/metric-kind-changed contracts/meta-page-insights.yaml:16'],
  },
  {
    name: 'a narrowed range passes by default and fails with --fail-on warn',
    head: {
      'contracts/meta-page-insights.yaml': META_SOURCE.replace(
        'page_media_view\n    period: day\n    kind: count',
        'page_media_view\n    period: day\n    kind: count\n    range: { min: 0 }',
      ),
    },
    args: ['--fail-on', 'warn'],
    exit: 1,
    blocks: [],
  },
  {
    name: 'a clean new feature with --require-health and no health source could not be verified',
    head: { 'contracts/features.yaml': FEATURES + NEW_FEATURE('page_media_view') },
    args: ['--require-health'],
    exit: 3,
    blocks: [],
  },
  {
    name: 'an owner change with --require-health passes (no feature needed the live health)',
    head: { 'contracts/features.yaml': FEATURES.replace('ranking-ml@example.com', 'feed-ml@example.com') },
    args: ['--require-health'],
    exit: 0,
    blocks: [],
  },
  {
    name: 'a breaking change with --require-health and no health source fails (1 wins over 3)',
    head: {
      'contracts/features.yaml': FEATURES + NEW_FEATURE('page_media_view'),
      'contracts/meta-page-insights.yaml': META_SOURCE.replace(
        'page_post_engagements\n    period: day\n    kind: count',
        'page_post_engagements\n    period: week\n    kind: count',
      ),
    },
    args: ['--require-health'],
    exit: 1,
    blocks: ['upwatch/metric-period-changed contracts/meta-page-insights.yaml:13'],
  },
];
