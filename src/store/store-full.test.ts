import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUpwatchError } from '../core/errors.js';
import type { RawObservation } from '../core/observation.js';
import { mountTinyFs, type TinyFs } from '../../test/helpers/tiny-fs.js';
import { openStore } from './store.js';

// The store on a disk that fills up mid-poll: a real SQLite file on a tiny tmpfs, so SQLite itself hits ENOSPC.

function observations(poll: number, n: number): RawObservation[] {
  return Array.from({ length: n }, (_, i) => ({
    source: 's',
    metric: `metric_with_a_long_name_${poll}_${i % 50}`,
    entity: `entity-${i}`,
    periodEnd: '2026-03-13T08:00:00.000Z',
    value: i,
    jsonType: 'int' as const,
  }));
}

describe('a store on a full disk', () => {
  const fs = mountTinyFs(1024);
  afterAll(() => {
    if ('dir' in fs) fs.unmount();
  });
  it.skipIf('skip' in fs)(
    `a poll that does not fit fails STORE_FULL (retryable), is rolled back whole, and the earlier polls stay readable${'skip' in fs ? ` (skipped: ${fs.skip})` : ''}`,
    async () => {
      const path = join((fs as TinyFs).dir, 'upwatch.db');
      const store = openStore(path);
      const record = (poll: number, n: number) =>
        store.recordPoll({
          source: 's',
          startedAt: `2026-03-14T10:${String(poll % 60).padStart(2, '0')}:00.000Z`,
          finishedAt: `2026-03-14T10:${String(poll % 60).padStart(2, '0')}:30.000Z`,
          outcome: 'ok',
          fetch: { observations: observations(poll, n), requests: [], metricOutcomes: [] },
        });
      await record(0, 10);
      let error: unknown;
      let saved = 1;
      for (let poll = 1; poll < 200 && error === undefined; poll++) {
        try {
          await record(poll, 2_000);
          saved++;
        } catch (e) {
          error = e;
        }
      }
      expect(isUpwatchError(error) && error.code).toBe('STORE_FULL');
      expect(isUpwatchError(error) && error.retryable).toBe(true);
      expect(isUpwatchError(error) && error.hint).toMatch(/free disk space/);
      const polls = await store.recentPolls('s', 1_000);
      expect(polls).toHaveLength(saved);
      expect(polls.every((p) => p.outcome === 'ok' && p.observationCount > 0)).toBe(true);
      expect(store.db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      await store.close();

      // Reopened on the still-full disk, what was saved is all there.
      const again = openStore(path);
      expect(await again.recentPolls('s', 1_000)).toHaveLength(saved);
      await again.close();
    },
  );
});
