// kill -9 in the middle of writing polls: the store stays intact and holds whole polls only.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { exitOf, spawnTsx, waitForOutput } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('upwatch-crash-');

describe('SIGKILL while writing polls', () => {
  it.each([1, 2, 3])(
    'round %i: integrity ok, every acknowledged poll present, no partial poll',
    async (round) => {
      const db = join(dir, `crash-${round}.db`);
      const child = spawnTsx('test/helpers/poll-writer.ts', [db]);
      const seen = await waitForOutput(child, new RegExp(`committed ${20 * round}\\n`));
      child.kill('SIGKILL');
      expect((await exitOf(child)).signal).toBe('SIGKILL');
      const acknowledged = Math.max(...[...seen.matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));

      const store = openStore(db);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const polls = store.db.prepare('SELECT id FROM polls ORDER BY id').all() as { id: number }[];
      expect(polls.length).toBeGreaterThanOrEqual(acknowledged);
      const perPoll = store.db
        .prepare(
          `SELECT p.id,
           (SELECT COUNT(*) FROM observations o WHERE o.first_poll_id = p.id) AS obs,
           (SELECT COUNT(*) FROM requests r WHERE r.poll_id = p.id) AS reqs,
           (SELECT COUNT(*) FROM metric_outcomes m WHERE m.poll_id = p.id) AS outs
         FROM polls p`,
        )
        .all() as { id: number; obs: number; reqs: number; outs: number }[];
      for (const p of perPoll) expect([p.id, p.obs, p.reqs, p.outs]).toEqual([p.id, 200, 3, 2]);
      const orphans = store.db
        .prepare('SELECT COUNT(*) AS n FROM observations WHERE first_poll_id NOT IN (SELECT id FROM polls)')
        .get() as { n: number };
      expect(orphans.n).toBe(0);
      await store.close();
    },
    30_000,
  );
});
