import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store.js';
import { detectSource } from './detect.js';
import { addDays } from '../core/clock.js';
import { countSeries, metricOf, rescale, sourceOf, START_DAY } from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import type { RawObservation } from '../core/observation.js';

let store: Store | undefined;
afterEach(() => store?.close());

async function fill(s: Store, days: number, factorFrom: number) {
  const series = Array.from({ length: 12 }, (_, e) =>
    rescale(
      countSeries(seeded(40 + e), { days, level: 200 + 40 * e, weekdayAmp: 0.2 }),
      factorFrom,
      1000,
      true,
    ),
  );
  for (let d = 0; d < days; d++) {
    const day = addDays(START_DAY, d);
    const at = `${addDays(day, 1)}T07:00:00.000Z`;
    const observations: RawObservation[] = series.map((v, e) => ({
      source: 'src',
      metric: 'm',
      entity: `p${e}`,
      periodEnd: `${day}T00:00:00.000Z`,
      value: v[d]!,
      jsonType: 'int',
    }));
    await s.recordPoll({
      source: 'src',
      startedAt: at,
      finishedAt: at,
      outcome: 'ok',
      fetch: { observations, requests: [], metricOutcomes: [] },
    });
  }
}

describe('detectSource', () => {
  it('reads history from the store, finds a panel ×1000 and records a regime at its onset', async () => {
    store = openStore(':memory:');
    await fill(store, 45, 43);
    const source = sourceOf([metricOf('m', 'count')]);
    const now = new Date(`${addDays(START_DAY, 45)}T07:00:00.000Z`);
    const findings = await detectSource(store, source, now, []);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ class: 'scale', severity: 'block', onset: addDays(START_DAY, 43) });
    expect(findings[0]!.evidence['factor']).toBe(1000);
    expect((await store.regimes.current('src')).get('m')).toBe(addDays(START_DAY, 43));
    // The next poll baselines from the onset: too little history for another scale finding; the old regime stays.
    expect((await detectSource(store, source, now, [])).filter((f) => f.class === 'scale')).toEqual([]);
    expect(await store.regimes.history('src', 'm')).toHaveLength(1);
  });

  it('finds nothing on a clean history and records no regime', async () => {
    store = openStore(':memory:');
    await fill(store, 45, 999);
    const now = new Date(`${addDays(START_DAY, 45)}T07:00:00.000Z`);
    expect(await detectSource(store, sourceOf([metricOf('m', 'count')]), now, [])).toEqual([]);
    expect((await store.regimes.current('src')).size).toBe(0);
  });
});

describe('detectSource with watched docs', () => {
  it('keeps an announcement open on polls where the page did not change, with the onset of the change', async () => {
    store = openStore(':memory:');
    const base = sourceOf([metricOf('page_engaged_users')]);
    const source = {
      ...base,
      docs: [
        {
          name: 'pages-changelog',
          kind: 'changelog' as const,
          url: 'https://example.invalid/changelog',
          operations: [],
          fields: [],
          location: base.location,
        },
      ],
    };
    const text =
      'Pages API changelog\nOn March 14, 2024, the following metric will be deprecated for all versions:\npage_engaged_users\n';
    await store.docs.save({
      source: source.name,
      doc: 'pages-changelog',
      hash: 'h1',
      normalized: text,
      fetchedAt: '2023-12-14T07:00:00.000Z',
    });
    // later polls: the page is unchanged (no docChanges), the announcement is still what it says
    for (const now of ['2023-12-20T07:00:00Z', '2024-01-20T07:00:00Z']) {
      const findings = await detectSource(store, source, new Date(now), []);
      const announced = findings.filter((f) => f.rule === 'announced-deprecation');
      expect(announced.map((f) => [f.metric, f.onset, f.effectiveDate])).toEqual([
        ['page_engaged_users', '2023-12-14', '2024-03-14'],
      ]);
    }
  });
});
