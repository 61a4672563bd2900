// The default scenario: the 2024 Page Insights story (announcement, removal, a freeze, a unit change) over 180 days.
import type { ExpectedEvent, Scenario } from '../scenario.js';

const PAGE_PREFIX = '104100000000';
const page = (index: number): string => `${PAGE_PREFIX}${String(index + 1).padStart(3, '0')}`;

/** Pages (0-based indices) whose `page_video_views` freeze from data day 75. */
const FROZEN_PAGES = [2, 5, 9];

const expectedEvents: ExpectedEvent[] = [
  {
    day: 30,
    maxDelayDays: 0,
    kind: 'deprecation-announced',
    source: 'meta-page-insights',
    metric: 'page_engaged_users',
    rule: 'announced-deprecation',
    rules: ['announced-deprecation', 'known-deprecation'],
    class: 'deprecation',
    severity: 'warn',
    features: [{ name: 'engaged_users_28d', state: 'warn' }],
  },
  {
    day: 70,
    maxDelayDays: 0,
    kind: 'spec-field-deprecated',
    source: 'partner-stats',
    metric: 'clicks',
    rule: 'response-property-deprecated-with-sunset',
    rules: ['response-property-deprecated-with-sunset', 'response-property-deprecated'],
    class: 'deprecation',
    severity: 'warn',
    features: [{ name: 'partner_click_through_7d', state: 'warn' }],
  },
  {
    // Data day 75 repeats day 74 (first visible on clock day 76). Measured with the real detectors: frozen-run
    // warns on day 77 (run of 3, suspect) and blocks on day 78 (run of 4; the contract sets escalateShare 0.25).
    day: 76,
    maxDelayDays: 4,
    kind: 'frozen',
    source: 'meta-page-insights',
    metric: 'page_video_views',
    entities: FROZEN_PAGES.map(page),
    rule: 'frozen-run',
    rules: ['frozen-run', 'frozen-panel'],
    class: 'frozen',
    severity: 'block',
    features: [{ name: 'video_watch_rate_14d', state: 'blocked' }],
  },
  {
    day: 100,
    maxDelayDays: 0,
    kind: 'http-deprecation',
    source: 'partner-stats',
    rule: 'http-deprecation-header-added',
    rules: [
      'http-deprecation-header-added',
      'http-sunset-header-added',
      'http-deprecation-sunset-inconsistent',
    ],
    class: 'deprecation',
    severity: 'warn',
    features: [
      { name: 'partner_conversion_7d', state: 'warn' },
      { name: 'partner_click_through_7d', state: 'warn' },
    ],
  },
  {
    day: 100,
    maxDelayDays: 0,
    kind: 'spec-operation-deprecated',
    source: 'partner-stats',
    rule: 'endpoint-deprecated-with-sunset',
    rules: ['endpoint-deprecated-with-sunset', 'endpoint-deprecated'],
    class: 'deprecation',
    severity: 'warn',
  },
  {
    day: 121,
    maxDelayDays: 0,
    kind: 'metric-removed',
    source: 'meta-page-insights',
    metric: 'page_engaged_users',
    rule: 'metric-invalid',
    rules: ['metric-invalid', 'known-deprecation', 'payload-schema', 'volume-drop', 'freshness'],
    class: 'deprecation',
    severity: 'block',
    features: [{ name: 'engaged_users_28d', state: 'blocked' }],
  },
  {
    // Data day 140 is the first percent value, complete on clock day 141 (measured: panel-scale blocks on day 141).
    day: 141,
    maxDelayDays: 3,
    kind: 'unit-change',
    source: 'meta-page-insights',
    metric: 'page_engagement_rate',
    rule: 'panel-scale',
    rules: ['panel-scale', 'unit-scale', 'range-violated', 'representation-flip'],
    class: 'scale',
    severity: 'block',
    features: [{ name: 'engagement_rate_trend_28d', state: 'blocked' }],
  },
  {
    day: 150,
    maxDelayDays: 0,
    kind: 'spec-field-removed',
    source: 'partner-stats',
    metric: 'clicks',
    rule: 'response-optional-property-removed',
    rules: [
      'response-optional-property-removed',
      'metric-missing-from-data',
      'payload-schema',
      'volume-drop',
      'freshness',
    ],
    class: 'deprecation',
    severity: 'block',
    features: [{ name: 'partner_click_through_7d', state: 'blocked' }],
  },
];

/**
 * `meta-2024`: day 0 is 2023-11-14, so the announcement (day 30) falls on 2023-12-14 and the removal of
 * `page_engaged_users` (day 121) on 2024-03-14, the real dates of Meta's first 2024 wave. The metric names are
 * today's (page_media_view & co.), replayed on that calendar; pinned version v18.0 stays usable throughout.
 */
export const meta2024: Scenario = {
  name: 'meta-2024',
  description:
    'The 2024 Page Insights story: page_engaged_users announced (day 30) and removed with error #100 (day 121), ' +
    'page_video_views frozen on 3 of 12 pages (day 75), page_engagement_rate switching from fraction to percent ' +
    '(day 140), the partner API deprecating a field and then itself with Deprecation/Sunset headers, transient ' +
    'faults, a viral burst and seasonal growing metrics that must stay quiet.',
  startDate: '2023-11-14',
  days: 180,
  pollTimeUtc: '09:00',
  // The sandbox opens eleven days before page_video_views freezes (data day 75).
  sandboxStartDay: 64,
  seed: 2024,
  graph: {
    accessToken: 'sim-meta-page-token',
    historyDays: 120,
    pages: { count: 12, idPrefix: PAGE_PREFIX, sizeSigma: 1.2, growth: { mean: 0.001, sd: 0.0015 } },
    metrics: [
      {
        name: 'page_media_view',
        title: 'Daily Media Views',
        description:
          "Daily: The number of times your Page's content was played or displayed, including repeats.",
        kind: 'count',
        base: 4000,
        weekly: 0.15,
      },
      {
        name: 'page_total_media_view_unique',
        title: 'Daily Total Media Viewers',
        description: "Daily: The number of people who had your Page's content enter their screen.",
        kind: 'unique',
        of: 'page_media_view',
        ratio: 0.62,
      },
      {
        name: 'page_post_engagements',
        title: 'Daily Post Engagements',
        description:
          'Daily: The number of times people have engaged with your posts through reactions, comments, shares and more.',
        kind: 'count',
        of: 'page_media_view',
        ratio: 0.05,
      },
      {
        name: 'page_engaged_users',
        title: 'Daily Page Engaged Users',
        description: 'Daily: The number of people who engaged with your Page. Engagement includes any click.',
        kind: 'unique',
        of: 'page_post_engagements',
        ratio: 0.7,
      },
      {
        name: 'page_actions_post_reactions_total',
        title: 'Daily total post reactions of a page.',
        description: 'Daily: Total post reactions by type.',
        kind: 'breakdown',
        of: 'page_post_engagements',
        ratio: 0.55,
        breakdown: { like: 0.72, love: 0.16, haha: 0.05, wow: 0.04, sorry: 0.02, anger: 0.01 },
        periods: ['day'],
      },
      {
        name: 'page_video_views',
        title: 'Daily Total Video Views',
        description: 'Daily: Total number of times videos have been viewed for 3 seconds or more.',
        kind: 'count',
        of: 'page_media_view',
        ratio: 0.18,
      },
      {
        name: 'page_daily_follows_unique',
        title: 'Daily New Follows',
        description: 'Daily: The number of new followers of your Page.',
        kind: 'count',
        of: 'page_media_view',
        ratio: 0.004,
      },
      {
        name: 'page_follows',
        title: 'Page Follows',
        description: 'The number of people who follow your Page (lifetime total as of the day).',
        kind: 'cumulative',
        of: 'page_daily_follows_unique',
        base: 25000,
      },
      {
        name: 'page_engagement_rate',
        title: 'Daily Engagement Rate',
        description:
          'Daily: Post engagements divided by media views (a 0..1 fraction). Simulated contract-side metric.',
        kind: 'ratio',
        numerator: 'page_post_engagements',
        denominator: 'page_media_view',
      },
    ],
  },
  partner: {
    token: 'sim-partner-token',
    entities: ['acme-eu', 'acme-us', 'acme-apac', 'globex-eu', 'globex-us'],
    pages: { sizeSigma: 0.6, growth: { mean: 0.002, sd: 0.001 } },
    metrics: [
      {
        name: 'sessions',
        title: 'Sessions',
        description: 'Sessions started on the day.',
        kind: 'count',
        base: 20000,
        weekly: 0.15,
      },
      {
        name: 'clicks',
        title: 'Clicks',
        description: 'Outbound clicks on the day.',
        kind: 'count',
        of: 'sessions',
        ratio: 0.12,
      },
      {
        name: 'conversions',
        title: 'Conversions',
        description: 'Conversions on the day.',
        kind: 'count',
        of: 'sessions',
        ratio: 0.02,
      },
      {
        name: 'conversion_rate',
        title: 'Conversion rate',
        description: 'Conversions divided by sessions (0..1).',
        kind: 'ratio',
        numerator: 'conversions',
        denominator: 'sessions',
      },
    ],
  },
  events: [
    {
      kind: 'metric-removed',
      day: 121,
      metric: 'page_engaged_users',
      announceDay: 30,
      alsoAnnounced: [
        'page_consumptions',
        'page_positive_feedback_by_type',
        'page_fans_by_like_source',
        'page_views_logged_in_total',
        'post_activity',
      ],
    },
    { kind: 'fault', day: 45, api: 'graph', fault: { type: 'http', status: 500 }, count: 1 },
    {
      kind: 'fault',
      day: 46,
      api: 'graph',
      fault: { type: 'http', status: 429, retryAfterSeconds: 1 },
      count: 1,
    },
    { kind: 'fault', day: 60, api: 'graph', fault: { type: 'graph', code: 2 }, count: 1 },
    {
      kind: 'fault',
      day: 61,
      api: 'graph',
      fault: { type: 'graph', code: 80001, regainMinutes: 1 },
      count: 1,
    },
    {
      kind: 'changelog-entry',
      day: 70,
      title: 'Graph API v19.0',
      body: 'Graph API v19.0 is now available. Version 19.0 will be available until at least May 21, 2026.',
    },
    {
      kind: 'spec-field-deprecated',
      day: 70,
      field: 'clicks',
      sunsetDay: 150,
      note: 'use the v3 click events export; clicks will be removed on April 12, 2024.',
    },
    { kind: 'freeze', day: 75, metric: 'page_video_views', pages: FROZEN_PAGES, mode: 'last' },
    { kind: 'viral-burst', day: 88, page: 4, days: 2, factor: 6 },
    {
      kind: 'http-deprecation',
      day: 100,
      deprecationDay: 100,
      sunsetDay: 200,
      successor: '/partner/v3/stats',
    },
    { kind: 'fault', day: 130, api: 'partner', fault: { type: 'http', status: 500 } },
    {
      kind: 'fault',
      day: 131,
      api: 'partner',
      fault: { type: 'http', status: 429, retryAfterSeconds: 1 },
      count: 1,
    },
    { kind: 'unit-change', day: 140, metric: 'page_engagement_rate', factor: 100 },
    { kind: 'spec-field-removed', day: 150, field: 'clicks' },
  ],
  expectedEvents,
  retrain: { model: 'feed-ranker', firstDay: 36, everyDays: 7, windowDays: 28 },
  decisions: [
    {
      day: 155,
      source: 'meta-page-insights',
      metric: 'page_engagement_rate',
      as: 'rescaled-history',
      factor: 100,
      reason:
        'feature store history of page_engagement_rate multiplied by 100 from 2024-04-02; engagement_rate_trend_28d now reads percent',
      by: 'ranking-ml@example.com',
      features: ['engagement_rate_trend_28d'],
    },
  ],
  quietEvents: [
    {
      day: 45,
      kind: 'transient-fault',
      source: 'meta-page-insights',
      note: 'one HTTP 500 (plain body); a retry succeeds',
    },
    {
      day: 46,
      kind: 'transient-fault',
      source: 'meta-page-insights',
      note: 'one HTTP 429 with Retry-After: 1',
    },
    {
      day: 60,
      kind: 'transient-fault',
      source: 'meta-page-insights',
      note: 'one Graph error #2 with is_transient',
    },
    {
      day: 61,
      kind: 'throttled',
      source: 'meta-page-insights',
      note: 'one Graph #80001 with estimated_time_to_regain_access 1',
    },
    {
      day: 70,
      kind: 'unrelated-doc-change',
      source: 'meta-page-insights',
      note: 'changelog announces v19.0; names no metric',
    },
    {
      day: 89,
      kind: 'viral-burst',
      source: 'meta-page-insights',
      metric: 'page_media_view',
      note: `page ${page(4)} ×6 on data days 88–89 (all its metrics)`,
    },
    {
      day: 130,
      kind: 'transient-fault',
      source: 'partner-stats',
      note: 'partner API answers 500 all day: the poll cannot verify (never a finding)',
    },
    { day: 131, kind: 'transient-fault', source: 'partner-stats', note: 'one 429 with Retry-After: 1' },
    {
      day: 0,
      kind: 'seasonality',
      source: 'meta-page-insights',
      note: 'weekly seasonality on every count metric',
    },
    {
      day: 0,
      kind: 'growth',
      source: 'meta-page-insights',
      metric: 'page_follows',
      note: 'follower totals grow every day',
    },
  ],
  contractSet: 'meta-2024',
  contractSources: { graph: 'meta-page-insights', partner: 'partner-stats' },
};
