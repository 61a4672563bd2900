import { describe, expect, it } from 'vitest';
import type { ContractSet } from '../core/contract.js';
import { classifyChanges, type VersionLookup } from './classify.js';
import { feature, metric, set, source } from '../../test/helpers/contract-builders.js';

const now = new Date('2026-11-20T00:00:00Z');
const versions: VersionLookup = (_p, v) =>
  ({
    'v22.0': { version: 'v22.0', endOfLife: '2027-01-10' },
    'v18.0': { version: 'v18.0', endOfLife: '2026-01-26' },
  })[v] ?? { version: v, endOfLife: '2028-02-18' };

const views = metric('page_media_view');
const engagements = metric('page_post_engagements');
const base: ContractSet = set(
  [source('meta', [views, engagements])],
  [feature('views_7d', ['meta/page_media_view'])],
);

function rules(head: ContractSet, from: ContractSet = base): [string, string][] {
  return classifyChanges(from, head, { now, versionLifecycle: versions }).issues.map((i) => [
    i.rule,
    i.severity,
  ]);
}

describe('classifyChanges', () => {
  it.each<[string, ContractSet, [string, string][]]>([
    ['no change', base, []],
    [
      'a metric a feature uses is removed',
      set([source('meta', [engagements])], [feature('views_7d', ['meta/page_media_view'])]),
      [['upwatch/metric-removed', 'block']],
    ],
    [
      'an unused metric is removed',
      set([source('meta', [views])], [feature('views_7d', ['meta/page_media_view'])]),
      [['upwatch/metric-removed', 'info']],
    ],
    [
      'a used metric changes kind',
      set([source('meta', [metric('page_media_view', { kind: 'ratio' }), engagements])], base.features),
      [['upwatch/metric-kind-changed', 'block']],
    ],
    [
      'an unused metric changes unit',
      set(
        [source('meta', [views, metric('page_post_engagements', { kind: 'count', unit: 'k' })])],
        base.features,
      ),
      [['upwatch/metric-unit-changed', 'warn']],
    ],
    [
      'a used metric changes period',
      set([source('meta', [metric('page_media_view', { period: 'week' }), engagements])], base.features),
      [['upwatch/metric-period-changed', 'block']],
    ],
    [
      'a range is narrowed',
      set([source('meta', [metric('page_media_view', { range: { min: 0 } }), engagements])], base.features),
      [['upwatch/metric-range-narrowed', 'warn']],
    ],
    [
      'a check is disabled',
      set(
        [
          source('meta', [
            metric('page_media_view', { checks: { 'frozen-run': { enabled: false } } }),
            engagements,
          ]),
        ],
        base.features,
      ),
      [['upwatch/check-relaxed', 'warn']],
    ],
    [
      'the pinned version moves near its end of life',
      set(
        [
          source('meta', [views, engagements], {
            connection: { ...base.sources[0]!.connection, apiVersion: 'v22.0' } as never,
          }),
        ],
        base.features,
      ),
      [['upwatch/api-version-eol', 'block']],
    ],
    [
      'the pinned version moves to a supported one',
      set(
        [
          source('meta', [views, engagements], {
            connection: { ...base.sources[0]!.connection, apiVersion: 'v25.0' } as never,
          }),
        ],
        base.features,
      ),
      [['upwatch/api-version-changed', 'info']],
    ],
    [
      'a feature newly uses an undeclared metric',
      set(base.sources, [feature('views_7d', ['meta/page_media_view', 'meta/page_fans'])]),
      [
        ['upwatch/undeclared-metric', 'block'],
        ['upwatch/feature-changed', 'info'],
      ],
    ],
    [
      'owners change',
      set(base.sources, [feature('views_7d', ['meta/page_media_view'], { owners: ['other@example.com'] })]),
      [['upwatch/owners-changed', 'info']],
    ],
    [
      'a description changes',
      set(base.sources, [feature('views_7d', ['meta/page_media_view'], { description: 'new words' })]),
      [['upwatch/description-changed', 'info']],
    ],
    [
      'a policy stops blocking',
      set(base.sources, [
        feature('views_7d', ['meta/page_media_view'], { policy: { blockOn: [], warnOn: ['block', 'warn'] } }),
      ]),
      [['upwatch/policy-relaxed', 'warn']],
    ],
    [
      'a source a feature uses is removed',
      set([], [feature('views_7d', ['meta/page_media_view'])]),
      [['upwatch/metric-removed', 'block']],
    ],
    ['a feature is removed', set(base.sources, []), [['upwatch/feature-removed', 'warn']]],
  ])('%s', (_name, head, expected) => {
    expect(rules(head)).toEqual(expected);
  });

  it('lists a removed feature even when its file has errors at head, unless the feature is still declared there', () => {
    const head = set(base.sources, []);
    const unloadedFiles = new Set([base.features[0]!.location.file]);
    const listed = classifyChanges(base, head, { now, unloadedFiles }).issues;
    expect(listed.map((i) => [i.rule, i.severity])).toEqual([['upwatch/feature-removed', 'warn']]);
    expect(listed[0]!.message).toContain('not declared at head');
    const stillThere = classifyChanges(base, head, {
      now,
      unloadedFiles,
      invalidHeadFeatures: new Set(['views_7d']),
    }).issues;
    expect(stillThere).toEqual([]);
  });

  it('puts removals at the base location and additions at the head location', () => {
    const head = set([source('meta', [engagements])], [feature('views_7d', ['meta/page_media_view'])]);
    const removed = classifyChanges(base, head, { now }).issues[0]!;
    expect(removed.location).toEqual(views.location);
    expect(removed.message).toContain('views_7d');
    const added = set(base.sources, [...base.features, feature('new_f', ['meta/page_nope'])]);
    const undeclared = classifyChanges(base, added, { now }).issues.find(
      (i) => i.rule === 'upwatch/undeclared-metric',
    )!;
    expect(undeclared.location).toEqual(added.features[1]!.uses[0]!.location);
  });

  it('marks added and semantically changed features for the health check, not owner-only changes', () => {
    const head = set(base.sources, [
      feature('views_7d', ['meta/page_media_view'], { owners: ['x@example.com'] }),
      feature('eng_7d', ['meta/page_post_engagements']),
    ]);
    const { features } = classifyChanges(base, head, { now });
    expect(features.map((f) => [f.feature.name, f.kind, f.newUses.length])).toEqual([
      ['views_7d', 'unchanged', 0],
      ['eng_7d', 'added', 1],
    ]);
  });

  it('gives the same fingerprint for the same change whatever the message', () => {
    const head = set([source('meta', [engagements])], [feature('views_7d', ['meta/page_media_view'])]);
    const a = classifyChanges(base, head, { now }).issues[0]!;
    const head2 = set(
      [source('meta', [engagements])],
      [feature('views_7d', ['meta/page_media_view']), feature('b', ['meta/page_media_view'])],
    );
    const b = classifyChanges(base, head2, { now }).issues.find((i) => i.rule === 'upwatch/metric-removed')!;
    expect(b.message).not.toBe(a.message);
    expect(b.fingerprint).toBe(a.fingerprint);
  });
});
