// Tests of the changelog detector on page text as Meta writes it, including the "no parse" info case.
import { describe, expect, it } from 'vitest';
import {
  changelogDoc,
  docChange,
  httpSource,
  metaSource,
  metricOf,
  runSource,
} from '../../test/helpers/deprecation-inputs.js';
import { deprecationChangelog } from './deprecation-changelog.js';

const NOW = '2026-03-01T10:00:00Z';
const doc = changelogDoc();
const source = metaSource(
  ['page_impressions_unique', 'page_media_view', 'post_impressions_unique'],
  'v25.0',
  [doc],
);
const run = (previous: string | undefined, current: string, options = {}, src = source) =>
  runSource(deprecationChangelog, {
    source: src,
    now: NOW,
    docChanges: [docChange(doc, previous, current)],
    options,
  });

const BEFORE = `Pages API changelog
February 18, 2026 — Graph API v25.0
New: page_media_view supports is_from_followers.
`;
const W4 = `${BEFORE}Deprecated metrics
By June 15, 2026, the following metrics will be deprecated for all versions:
page_impressions_unique (Alternative: page_total_media_view_unique)
post_impressions_unique -> post_total_media_view_unique
`;

describe('deprecation-changelog', () => {
  it('warns for each declared metric the new text deprecates, with date, countdown and replacement', () => {
    const d = run(BEFORE, W4);
    expect(d.map((x) => [x.rule, x.severity, x.metric, x.effectiveDate, x.replacement])).toEqual([
      [
        'announced-deprecation',
        'warn',
        'page_impressions_unique',
        '2026-06-15',
        'page_total_media_view_unique',
      ],
      [
        'announced-deprecation',
        'warn',
        'post_impressions_unique',
        '2026-06-15',
        'post_total_media_view_unique',
      ],
    ]);
    expect(d[0]!.evidence).toMatchObject({
      channel: 'changelog',
      daysUntil: 106,
      datePhrase: 'June 15, 2026',
      line: 6,
    });
    expect(d[0]!.explanation).toContain('in 106 days (2026-06-15)');
    expect(d[0]!.subject).toBeUndefined();
  });

  it.each<[string, string, string | undefined]>([
    [
      'version-relative date',
      'These metrics will be deprecated when v26.0 is released, for any version: post_impressions_unique',
      '2026-07-29',
    ],
    ['on-date', 'On March 14, 2024 we removed post_impressions_unique.', '2024-03-14'],
    ['no date', 'post_impressions_unique is deprecated.', undefined],
  ])('%s', (_name, text, date) => {
    const d = run('', text);
    expect(d).toHaveLength(1);
    expect(d[0]!.effectiveDate).toBe(date);
  });

  it('never blocks by default, even after the announced day; blocks with blockOnAnnouncedDate', () => {
    const text = 'On February 1, 2026 we removed post_impressions_unique.';
    expect(run('', text)[0]!.severity).toBe('warn');
    expect(run('', text, { blockOnAnnouncedDate: true })[0]!.severity).toBe('block');
    expect(
      run('', 'By June 15, 2026 we remove post_impressions_unique.', { blockOnAnnouncedDate: true })[0]!
        .severity,
    ).toBe('warn');
  });

  it('reports a change naming nothing declared as info', () => {
    const d = run(BEFORE, `${BEFORE}Deprecated: page_fans_locale will be removed on November 15, 2025.\n`);
    expect(d).toEqual([
      expect.objectContaining({
        rule: 'changelog-changed-unparsed',
        severity: 'info',
        subject: 'doc:pages-changelog',
        evidence: expect.objectContaining({ addedLines: 1 }),
      }),
    ]);
  });

  it('takes the first snapshot of a page as its baseline: no info finding, but announcements already there count', () => {
    expect(run(undefined, BEFORE)).toEqual([]);
    expect(run(undefined, W4).map((f) => [f.rule, f.metric])).toEqual([
      ['announced-deprecation', 'page_impressions_unique'],
      ['announced-deprecation', 'post_impressions_unique'],
    ]);
  });

  it('matches a JSON API field declared on a metric', () => {
    const src = httpSource([metricOf('views', 'stats.total_views')], { docs: [doc] });
    const d = run(
      '',
      'Starting 2027-01-31 the total_views field is deprecated; use media_views instead.',
      {},
      src,
    );
    expect(d[0]).toMatchObject({ metric: 'views', effectiveDate: '2027-01-31', replacement: 'media_views' });
  });

  it('keeps an announcement open on later polls while the page still says it (docs without a change)', () => {
    const later = (text: string) =>
      runSource(deprecationChangelog, {
        source,
        now: NOW,
        docChanges: [],
        docs: [docChange(doc, undefined, text)],
      });
    expect(later(W4).map((x) => [x.rule, x.metric, x.effectiveDate])).toEqual([
      ['announced-deprecation', 'page_impressions_unique', '2026-06-15'],
      ['announced-deprecation', 'post_impressions_unique', '2026-06-15'],
    ]);
    expect(later(BEFORE)).toEqual([]); // and no "unparsed change" for a page that did not change
  });

  it('ignores OpenAPI docs', () => {
    expect(
      runSource(deprecationChangelog, {
        source,
        now: NOW,
        docChanges: [docChange({ ...doc, kind: 'openapi' }, '', W4)],
      }),
    ).toEqual([]);
  });
});
