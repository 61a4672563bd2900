import { knownDeprecation } from '../knowledge/lookup.js';
// Tests of the knowledge detector and of fusion across channels through the real detector runner.
import { describe, expect, it } from 'vitest';
import type { Detector } from '../core/detector.js';
import {
  changelogDoc,
  docChange,
  error100,
  httpSource,
  metaSource,
  metricOf,
  poll,
  request,
  runSource,
} from '../../test/helpers/deprecation-inputs.js';
import { deprecationChangelog } from './deprecation-changelog.js';
import { deprecationHeaders } from './deprecation-headers.js';
import { deprecationKnown } from './deprecation-known.js';
import { deprecationRuntime } from './deprecation-runtime.js';
import { runDetectors } from './run.js';

describe('deprecation-known', () => {
  it.each<[string, string, string | undefined, string | undefined, string | undefined]>([
    ['page_impressions', '2026-01-10', '2025-11-15', 'page_media_view', 'removed'],
    ['page_engaged_users', '2026-01-10', '2024-03-14', undefined, 'removed'],
    ['page_impressions_unique', '2026-03-01', '2026-06-15', 'page_total_media_view_unique', 'announced'],
    ['page_impressions', '2025-08-01', undefined, undefined, undefined], // not announced yet on that day
    ['page_media_view', '2026-01-10', undefined, undefined, undefined],
  ])('%s on %s', (metric, day, effective, replacement, status) => {
    const d = runSource(deprecationKnown, { source: metaSource([metric]), now: `${day}T10:00:00Z` });
    if (!effective) return expect(d).toEqual([]);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      rule: 'announced-deprecation',
      severity: 'warn',
      metric,
      effectiveDate: effective,
      evidence: { channel: 'knowledge', status },
    });
    expect(d[0]!.replacement).toBe(replacement);
    // The announcement has its own date; the onset is the day it was read (nothing changed upstream yet).
    expect(d[0]!.announcedOn).toBe(
      knownDeprecation('meta-graph', metric, new Date(`${day}T10:00:00Z`))!.announced,
    );
    expect(d[0]!.onset).toBe(day);
  });

  it('knows nothing about JSON APIs', () => {
    expect(
      runSource(deprecationKnown, {
        source: httpSource([metricOf('page_impressions')]),
        now: '2026-01-10T00:00:00Z',
      }),
    ).toEqual([]);
  });
});

describe('fusion across channels (runDetectors)', () => {
  const doc = changelogDoc();
  const source = metaSource(['page_impressions_unique', 'page_media_view'], 'v25.0', [doc]);
  const detectors = [
    deprecationChangelog,
    deprecationRuntime,
    deprecationKnown,
    deprecationHeaders,
  ] as unknown as Detector<Record<string, unknown>>[];
  const announcement =
    'By June 15, 2026, page_impressions_unique will be deprecated. Alternative: page_total_media_view_unique';

  it('a changelog warning on day 20 and error #100 on day 50 are one finding that escalates', () => {
    const day20 = runDetectors({
      source,
      histories: new Map(),
      polls: [poll('2026-03-10T09:00:00Z')],
      docChanges: [
        docChange(doc, 'Pages changelog\n', `Pages changelog\n${announcement}\n`, '2026-03-10T09:00:00Z'),
      ],
      now: new Date('2026-03-10T09:05:00Z'),
      detectors,
    }).filter((f) => f.metric === 'page_impressions_unique');
    const day50 = runDetectors({
      source,
      histories: new Map(),
      polls: [
        poll('2026-06-16T09:00:00Z', {
          outcome: 'partial',
          requests: [
            request({ status: 400, metric: 'page_impressions_unique', entity: 'p1', error: error100() }),
          ],
          metricOutcomes: [
            { metric: 'page_impressions_unique', entity: 'p1', status: 'error', error: error100() },
          ],
        }),
      ],
      docChanges: [],
      now: new Date('2026-06-16T09:05:00Z'),
      detectors,
    }).filter((f) => f.metric === 'page_impressions_unique');
    expect(day20).toHaveLength(1);
    expect(day50).toHaveLength(1);
    expect(day20[0]).toMatchObject({
      severity: 'warn',
      effectiveDate: '2026-06-15',
      replacement: 'page_total_media_view_unique',
    });
    expect(day50[0]).toMatchObject({
      rule: 'metric-invalid',
      severity: 'block',
      replacement: 'page_total_media_view_unique',
    });
    expect(day50[0]!.fingerprint).toBe(day20[0]!.fingerprint);
  });

  it('knowledge, changelog and a runtime error in the same poll give one blocking finding', () => {
    const f = runDetectors({
      source,
      histories: new Map(),
      polls: [
        poll('2026-06-16T09:00:00Z', {
          outcome: 'partial',
          metricOutcomes: [
            { metric: 'page_impressions_unique', entity: 'p1', status: 'error', error: error100() },
          ],
        }),
      ],
      docChanges: [docChange(doc, '', announcement, '2026-06-16T09:00:00Z')],
      now: new Date('2026-06-16T09:05:00Z'),
      detectors,
    }).filter((x) => x.metric === 'page_impressions_unique');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'metric-invalid', severity: 'block', class: 'deprecation' });
    expect(f[0]!.evidence.absorbed).toEqual(['announced-deprecation']);
    // Onset is the day of the #100 answer; the announcement (the knowledge file's, earlier than the page) is apart.
    expect(f[0]!.onset).toBe('2026-06-16');
    expect(f[0]!.announcedOn).toBe(
      knownDeprecation('meta-graph', 'page_impressions_unique', new Date('2026-06-16'))!.announced,
    );
    expect(f[0]!.announcedOn! < '2026-06-16').toBe(true);
  });
});
