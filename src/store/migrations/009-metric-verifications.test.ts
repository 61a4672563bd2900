import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store.js';
import { MIGRATIONS } from './index.js';

describe('migration 9 (metric verifications)', () => {
  it('fills each metric’s last verification from the stored polls of a version-6 store, then keeps it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'upwatch-mig7-')), 'v6.db');
    const old = new Database(path);
    for (const m of MIGRATIONS.slice(0, 6)) m.up(old);
    old.pragma('user_version = 6');
    const poll = old.prepare(
      `INSERT INTO polls (id, source, started_at, finished_at, outcome) VALUES (?, 'meta', ?, ?, ?)`,
    );
    const outcome = old.prepare(
      `INSERT INTO metric_outcomes (poll_id, seq, metric, entity, status, error) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const timeout = JSON.stringify({ code: 'HTTP_TIMEOUT', message: 'no answer', retryable: true });
    const gone = JSON.stringify({ code: 'UPSTREAM_ERROR', message: 'Gone', status: 410, retryable: false });
    const invalid = JSON.stringify({ code: 'UPSTREAM_INVALID_METRIC', message: '(#100)', retryable: false });
    // Poll 1: everything answered. Poll 2: views answered on one page only; follows rejected with #100, clicks 410.
    // Poll 3: failed, nothing answered (likes was never verified).
    poll.run(1, '2026-03-10T07:00:00.000Z', '2026-03-10T07:00:05.000Z', 'ok');
    outcome.run(1, 0, 'views', '111', 'ok', null);
    outcome.run(1, 1, 'views', '222', 'ok', null);
    outcome.run(1, 2, 'follows', '111', 'missing', null);
    poll.run(2, '2026-03-11T07:00:00.000Z', '2026-03-11T07:00:05.000Z', 'partial');
    outcome.run(2, 0, 'views', '111', 'ok', null);
    outcome.run(2, 1, 'views', '222', 'error', timeout);
    outcome.run(2, 2, 'follows', '111', 'error', invalid);
    outcome.run(2, 3, 'clicks', '111', 'error', gone);
    poll.run(3, '2026-03-12T07:00:00.000Z', '2026-03-12T07:00:05.000Z', 'failed');
    outcome.run(3, 0, 'views', '111', 'error', timeout);
    outcome.run(3, 1, 'likes', '111', 'error', timeout);
    old.close();

    const store = openStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect([...(await store.metricsLastVerified('meta'))]).toEqual([
        ['clicks', '2026-03-11T07:00:05.000Z'],
        ['follows', '2026-03-11T07:00:05.000Z'],
        ['likes', undefined],
        ['views', '2026-03-10T07:00:05.000Z'],
      ]);
      expect((await store.metricsLastVerified('other')).size).toBe(0);
      // A metric that never got a definite answer is known, and never verified.
      await store.recordPoll({
        source: 'meta',
        startedAt: '2026-03-13T07:00:00.000Z',
        finishedAt: '2026-03-13T07:00:05.000Z',
        outcome: 'partial',
        fetch: {
          observations: [],
          requests: [],
          metricOutcomes: [
            { metric: 'views', entity: '111', status: 'ok' },
            { metric: 'reach', entity: '111', status: 'error', error: JSON.parse(timeout) },
          ],
        },
      });
      expect([...(await store.metricsLastVerified('meta'))]).toEqual([
        ['clicks', '2026-03-11T07:00:05.000Z'],
        ['follows', '2026-03-11T07:00:05.000Z'],
        ['likes', undefined],
        ['reach', undefined],
        ['views', '2026-03-13T07:00:05.000Z'],
      ]);
    } finally {
      await store.close();
    }
  });
});
