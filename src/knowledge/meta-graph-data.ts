// Built-in, dated knowledge about Meta's Graph API: version calendar and Page Insights deprecation waves.
//
// HOW TO UPDATE: edit the data below (never the lookup code), bump KNOWLEDGE_VERSION, set `checkedAt` to the day you
// re-read the sources, and keep the source beside each entry. Metric lists are pasted as Meta prints them:
// `(_unique)` = both forms, `{a,b}` = expansions, `*` = Meta's marker (stripped when matching). Run
// `npx vitest run src/knowledge` afterwards: the tests check dates, ordering and expansions.

/** Bump when the data changes; findings and `upwatch validate` quote it so a report says which data it used. */
export const KNOWLEDGE_VERSION = '2026-11-25.1';

export interface GraphVersionEntry {
  version: string;
  /** ISO day the version was released. */
  released: string;
  /** Last ISO day the version is served; undefined while Meta says "TBD". */
  availableUntil?: string;
}

/** Source: https://developers.facebook.com/docs/graph-api/changelog/versions (checked 2026-11-25). */
export const GRAPH_VERSIONS_SOURCE = 'https://developers.facebook.com/docs/graph-api/changelog/versions';

export const GRAPH_VERSIONS: readonly GraphVersionEntry[] = [
  { version: 'v13.0', released: '2022-02-08', availableUntil: '2024-05-28' },
  { version: 'v14.0', released: '2022-05-25', availableUntil: '2024-09-17' },
  { version: 'v15.0', released: '2022-09-15', availableUntil: '2024-11-20' },
  { version: 'v16.0', released: '2023-02-02', availableUntil: '2025-05-14' },
  { version: 'v17.0', released: '2023-05-23', availableUntil: '2025-09-12' },
  { version: 'v18.0', released: '2023-09-12', availableUntil: '2026-01-26' },
  { version: 'v19.0', released: '2024-01-23', availableUntil: '2026-05-21' },
  { version: 'v20.0', released: '2024-05-21', availableUntil: '2026-09-24' },
  { version: 'v21.0', released: '2024-10-02', availableUntil: '2027-01-21' },
  { version: 'v22.0', released: '2025-01-21', availableUntil: '2027-05-20' },
  { version: 'v23.0', released: '2025-05-29', availableUntil: '2027-10-08' },
  { version: 'v24.0', released: '2025-10-08', availableUntil: '2028-02-18' },
  { version: 'v25.0', released: '2026-02-18', availableUntil: '2028-07-29' },
  { version: 'v26.0', released: '2026-07-29' },
];

/** One group of metrics in a wave sharing a replacement (or none). */
export interface WaveGroup {
  /** Metric names as Meta prints them, comma-separated. */
  metrics: string;
  /** Replacement metric, when Meta names one. */
  replacement?: string;
  /** How to use the replacement (breakdown to add), or a caveat. */
  note?: string;
}

/** A Page Insights deprecation wave: deprecated "for all API versions" on its effective date. */
export interface DeprecationWave {
  id: string;
  title: string;
  /** ISO day Meta announced it. */
  announced: string;
  /** ISO day from which the API returns error #100 for these metrics. */
  effective: string;
  /** When sources disagree about the date, what each says. */
  effectiveNote?: string;
  sources: readonly string[];
  groups: readonly WaveGroup[];
}

const PAGES_CHANGELOG = 'https://developers.facebook.com/documentation/pages-api/changelog';
const DEPRECATED_METRICS = 'https://developers.facebook.com/docs/platforminsights/page/deprecated-metrics';

export const PAGE_INSIGHTS_WAVES: readonly DeprecationWave[] = [
  {
    id: 'W1',
    title: 'Page Insights metrics deprecation (89 metrics)',
    announced: '2023-12-14',
    effective: '2024-03-14',
    sources: [
      'Meta for Developers blog "page-insights-metrics-deprecation" (2023-12-14)',
      DEPRECATED_METRICS,
    ],
    groups: [
      {
        metrics: `page_actions_post_reactions_{anger,haha,like,love,sorry,wow}_total, page_actions_post_reactions_total,
page_call_phone_clicks_by_{age_gender,site}_logged_in_unique, page_call_phone_clicks_logged_in_by_{city,country,locale}_unique,
page_consumptions, page_content_activity(_unique), page_content_activity_by_action_type(_unique),
page_content_activity_by_{age_gender,city,country,locale}_unique,
page_cta_clicks_by_{age_gender,site}_logged_in_unique, page_cta_clicks_logged_in_by_{city,country,locale}_unique,
page_daily_follows_by_source_unique, page_daily_unfollows_by_source_unique, page_engaged_users,
page_fans_by_like_source(_unique), page_fans_by_unlike_source(_unique), page_fans_gender_age,
page_follows_{city,country,gender_age,locale},
page_get_directions_clicks_by_{age_gender,site}_logged_in_unique, page_get_directions_clicks_logged_in_by_{city,country}_unique,
page_impressions_frequency_distribution, page_places_checkin_mobile(_unique),
page_places_checkins_by_{age_gender,city,country,locale}, page_positive_feedback(_unique),
page_positive_feedback_by_type(_unique), page_posts_impressions_frequency_distribution,
page_views_by_{age_gender,city,country,internal_referer,locale,profile_tab,referers,site}_logged_in_unique,
page_views_by_profile_tab_total, page_views_external_referrals, page_views_logged_in_{total,unique},
page_views_login(_unique), page_views_logout,
page_website_clicks_by_{age_gender,site}_logged_in_unique, page_website_clicks_logged_in_by_{city,country,locale}_unique,
post_activity(_unique), post_activity_by_action_type(_unique), post_impressions_fan_paid(_unique)*`,
        note: 'no alternative named; "engagement rate" derived from page_engaged_users has no replacement',
      },
    ],
  },
  {
    id: 'W2',
    title: 'Page Insights metrics removal',
    announced: '2024-06-17',
    effective: '2024-09-16',
    sources: ['Meta for Developers blog "page-insights-metrics-removal" (2024-06-17)', DEPRECATED_METRICS],
    groups: [
      {
        metrics: `page_call_phone_clicks_logged_in_by_locale_unique, page_call_phone_clicks_logged_in_{count,unique},
page_consumptions_by_consumption_type(_unique), page_consumptions_unique, page_cta_clicks_logged_in_{total,unique},
page_daily_follows_by_paid_non_paid_unique, page_daily_follows_by_source(_unique), page_daily_unfollows_by_source(_unique),
page_fans_by_like_source(_unique), page_fans_by_unlike_source(_unique), page_fans_online, page_fans_online_per_day,
page_get_directions_clicks_logged_in_{count,unique},
page_impressions_by_{age_gender,city,country_id,country,locale}_unique, page_impressions_by_paid_non_paid(_unique),
page_impressions_by_story_type(_unique), page_impressions_organic_v2, page_impressions_organic_unique_v2,
page_impressions_frequency_distribution, page_impressions_viral_frequency_distribution,
page_negative_feedback(_unique), page_negative_feedback_by_type(_unique), page_places_checkin_total(_unique),
page_palces_checkins_by_age_gender, page_places_checkins_by_{city,country,locale},
page_posts_impressions_by_paid_non_paid(_unique), page_posts_impressions_frequency_distribution,
page_posts_impressions_organic(_unique), page_posts_impressions_organic_v2,
page_story_adds_by_country_unique, page_tab_views_login_top(_unique), page_tab_views_logout_top,
page_views, page_views_unique, page_views_external_referrals, page_views_login(_unique), page_views_logout,
page_website_clicks_logged_in_by_{city,country,locale}_unique, page_website_clicks_logged_in_{count,unique},
post_clicks_unique*, post_clicks_by_type_unique, post_cta_clicks_by_type, post_cta_clicks_total, post_engaged_fan,
post_engaged_users*, post_impressions_by_paid_non_paid, post_impressions_by_story_type(_unique)*,
post_negative_feedback*, post_negative_feedback_by_type(_unique)*, post_negative_feedback_unique*`,
        note: 'page_posts_impressions_organic_v2 was listed as "on hold"; post_engaged_users has no alternative',
      },
    ],
  },
  {
    id: 'W3',
    title: 'Page Insights API updates: "impressions" → "views", page fans removed (90-day notice)',
    announced: '2025-08-15',
    effective: '2025-11-15',
    sources: [
      'Meta for Developers blog "Page Insights API Updates" (2025-08-15)',
      PAGES_CHANGELOG,
      DEPRECATED_METRICS,
    ],
    groups: [
      { metrics: 'page_fans', replacement: 'page_follows' },
      {
        metrics: 'page_fans_city',
        replacement: 'page_follows_city',
        note: 'W1 listed page_follows_city as deprecated: canary it',
      },
      {
        metrics: 'page_fans_country',
        replacement: 'page_follows_country',
        note: 'W1 listed page_follows_country as deprecated: canary it',
      },
      {
        metrics: 'page_impressions*',
        replacement: 'page_media_view',
        note: 'views ≠ impressions: start a new series',
      },
      {
        metrics: 'page_impressions_paid*',
        replacement: 'page_media_view',
        note: 'with breakdown is_from_ads',
      },
      {
        metrics: 'post_impressions*',
        replacement: 'post_media_view',
        note: 'views ≠ impressions: start a new series',
      },
      {
        metrics: 'post_impressions_fan*',
        replacement: 'post_media_view',
        note: 'with breakdown is_from_followers',
      },
      {
        metrics: 'post_impressions_paid*, post_impressions_organic*',
        replacement: 'post_media_view',
        note: 'with breakdown is_from_ads',
      },
      {
        metrics: `page_fans_locale, page_fan_adds(_unique), page_fan_removes, page_fan_removes_unique*,
page_impressions_viral*, page_impressions_nonviral*, post_impressions_viral*, post_impressions_nonviral*`,
        note: 'no alternative',
      },
    ],
  },
  {
    id: 'W4',
    title: 'Page Insights impressions metrics removed with Graph API v26.0 (all versions)',
    announced: '2026-02-18',
    effective: '2026-06-15',
    effectiveNote:
      'Pages docs: "By June 15, 2026" (the deprecated-metrics page prints 2025, a typo); the v25.0 blog says "when v26.0 is released" (2026-07-29)',
    sources: [
      'Meta for Developers blog "introducing-graph-api-v25-and-marketing-api-v25" (2026-02-18)',
      PAGES_CHANGELOG,
      DEPRECATED_METRICS,
    ],
    groups: [
      {
        metrics: 'page_impressions_unique',
        replacement: 'page_total_media_view_unique',
        note: 'page_media_view for paid/organic',
      },
      { metrics: 'post_impressions_unique', replacement: 'post_total_media_view_unique' },
      {
        metrics: `page_impressions_{paid,viral,nonviral}_unique, page_posts_impressions(_unique), page_posts_impressions_paid(_unique),
page_posts_impressions_organic_unique, page_posts_served_impressions_organic_unique,
page_posts_impressions_viral(_unique), page_posts_impressions_nonviral(_unique), page_video_views_unique,
post_impressions_{paid,fan,organic,viral,nonviral}_unique`,
        note: 'no alternative named; unnamed "video impressions and story impressions" metrics also removed',
      },
    ],
  },
];
