// Table-driven tests of announcement parsing on changelog text as Meta and others write it.
import { describe, expect, it } from 'vitest';
import { findAnnouncedDates } from './announced-date.js';
import { analyzeChangelog } from './announcements.js';

describe('findAnnouncedDates', () => {
  it.each([
    ['On March 14, 2024, the following metrics will be deprecated', '2024-03-14'],
    ['By June 15, 2026 these metrics will no longer be available', '2026-06-15'],
    ['Effective 15 November 2025.', '2025-11-15'],
    ['on Nov. 15th, 2025', '2025-11-15'],
    ['removal date: 2026-12-31', '2026-12-31'],
    ['when v26.0 is released, for any version', '2026-07-29'],
    ['When Graph API v25.0 is released', '2026-02-18'],
  ])('%s → %s', (text, date) => {
    expect(findAnnouncedDates(text)[0]?.date).toBe(date);
  });

  it('keeps a version phrase it cannot resolve, without a date', () => {
    expect(findAnnouncedDates('when v99.0 is released')).toEqual([
      { phrase: 'when v99.0 is released', index: 0 },
    ]);
  });

  it('rejects impossible dates and finds nothing in plain prose', () => {
    expect(findAnnouncedDates('February 30, 2026')).toEqual([]);
    expect(findAnnouncedDates('We improved the docs.')).toEqual([]);
  });
});

const W3_PAGE = `Page Insights API Updates
August 15, 2025
Starting November 15, 2025, the following Page Insights metrics will be deprecated for all API versions.
page_fans (Alternative: page_follows)
page_impressions* (Alternative: page_media_view)
page_impressions_paid* (Alternative: page_media_view with is_from_ads)
page_fans_locale (no alternative)
`;

describe('analyzeChangelog', () => {
  it('finds declared metrics listed under a dated deprecation heading, with their alternatives', () => {
    const a = analyzeChangelog('Page Insights API Updates\n', W3_PAGE, [
      'page_impressions',
      'page_fans_locale',
      'page_media_view',
    ]);
    expect(a.announcements.map((x) => [x.name, x.effectiveDate, x.replacement])).toEqual([
      ['page_impressions', '2025-11-15', 'page_media_view'],
      ['page_fans_locale', '2025-11-15', undefined],
    ]);
    expect(a.addedLines).toBe(6);
  });

  it.each([
    [
      'inline sentence with by-date and "use"',
      'By June 15, 2026, page_impressions_unique will be removed. Use page_total_media_view_unique instead.',
      'page_impressions_unique',
      '2026-06-15',
      'page_total_media_view_unique',
    ],
    [
      'version-relative date',
      'These metrics will be deprecated when v26.0 is released, for any version: post_impressions_unique',
      'post_impressions_unique',
      '2026-07-29',
      undefined,
    ],
    [
      "Meta's notation in the list",
      'On March 14, 2024 we deprecate page_views_logged_in_{total,unique} and page_content_activity(_unique).',
      'page_content_activity_unique',
      '2024-03-14',
      undefined,
    ],
    [
      'arrow notation',
      'Deprecated on 2025-11-15:\npage_fans -> page_follows',
      'page_fans',
      '2025-11-15',
      'page_follows',
    ],
  ])('%s', (_name, text, metric, date, replacement) => {
    const a = analyzeChangelog('', text, [metric]);
    expect(a.announcements).toHaveLength(1);
    expect(a.announcements[0]).toMatchObject({ name: metric, effectiveDate: date });
    expect(a.announcements[0]!.replacement).toBe(replacement);
  });

  it('ignores mentions without deprecation words nearby', () => {
    const a = analyzeChangelog('', 'New in v25.0: page_media_view now supports is_from_followers.', [
      'page_media_view',
    ]);
    expect(a.announcements).toEqual([]);
    expect(a.addedLines).toBe(1);
  });

  it('only reads added lines: an old announcement does not fire again', () => {
    const prev = 'On March 14, 2024 we deprecate page_engaged_users.\n';
    const a = analyzeChangelog(prev, `${prev}Minor fixes to the docs.\n`, ['page_engaged_users']);
    expect(a.announcements).toEqual([]);
    expect(a.addedLines).toBe(1);
    expect(a.addedExcerpt).toBe('Minor fixes to the docs.');
  });

  it('matches whole names only', () => {
    const a = analyzeChangelog('', 'We will deprecate page_impressions_unique on June 15, 2026.', [
      'page_impressions',
    ]);
    expect(a.announcements).toEqual([]);
  });
});
