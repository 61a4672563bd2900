import { describe, expect, it } from 'vitest';
import { HistorySet } from './history-set.js';
import { historyOf, shareHistory } from './shared-history.js';

describe('shareHistory / historyOf', () => {
  it('gives back the same sources, metrics, entities, order, days and values (null as NaN)', () => {
    const set = new HistorySet();
    const rows: [string, string, string, string, number | null][] = [
      ['2026-01-06', 'b', 'm2', 'z', 3.5],
      ['2026-01-05', 'b', 'm2', 'z', 1],
      ['2026-01-05', 'a', 'm1', 'y', null],
      ['2026-01-07', 'a', 'm1', 'x', 7],
      ['2026-01-05', 'b', 'm1', 'x', 0.25],
    ];
    for (const [date, source, metric, entity, value] of rows)
      set.add({ date, source, metric, entity, value });
    set.finish();
    const copy = historyOf(shareHistory(set));
    expect(copy.sources).toEqual(set.sources);
    expect([...copy.sources.get('b')!.keys()]).toEqual(['m2', 'm1']);
    expect([...copy.sources.get('a')!.get('m1')!.keys()]).toEqual(['y', 'x']);
    expect(copy.sources.get('a')!.get('m1')!.get('y')!.values).toEqual([NaN]);
    expect([copy.minDay, copy.maxDay, copy.rows]).toEqual([set.minDay, set.maxDay, set.rows]);
    // New column objects: nothing a replay caches on one set's columns reaches the other's.
    expect(copy.sources.get('b')!.get('m2')!.get('z')).not.toBe(set.sources.get('b')!.get('m2')!.get('z'));
  });
});
