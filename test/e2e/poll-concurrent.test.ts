// Two processes writing polls to one store at once (two `upwatch poll` runs that overlap): SQLite serialises them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { exitOf, spawnTsx, waitForOutput } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('upwatch-concurrent-');
const EACH = 30;

describe('two processes polling into one store at once', () => {
  it(`neither fails on the lock: ${EACH} polls each, every acknowledged poll whole and present, integrity ok`, async () => {
    const db = join(dir, 'shared.db');
    await openStore(db).close();
    const writers = [
      spawnTsx('test/helpers/poll-writer.ts', [db]),
      spawnTsx('test/helpers/poll-writer.ts', [db]),
    ];
    const seen = await Promise.all(
      writers.map((w) => waitForOutput(w, new RegExp(`^(?:committed \\d+\\n){${EACH}}`))),
    );
    for (const w of writers) w.kill('SIGKILL');
    for (const w of writers) expect((await exitOf(w)).signal).toBe('SIGKILL');
    const ids = seen.map((s) => [...s.matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));
    for (const own of ids) expect(own.length).toBeGreaterThanOrEqual(EACH);
    // Each poll id was handed to one writer only.
    expect(new Set([...ids[0]!, ...ids[1]!]).size).toBe(ids[0]!.length + ids[1]!.length);

    const store = openStore(db);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set(
      (store.db.prepare('SELECT id FROM polls').all() as { id: number }[]).map((p) => p.id),
    );
    for (const id of [...ids[0]!, ...ids[1]!]) expect(stored.has(id)).toBe(true);
    const partial = store.db
      .prepare(
        `SELECT COUNT(*) AS n FROM polls p
         WHERE (SELECT COUNT(*) FROM requests r WHERE r.poll_id = p.id) <> 3
            OR (SELECT COUNT(*) FROM metric_outcomes m WHERE m.poll_id = p.id) <> 2`,
      )
      .get() as { n: number };
    expect(partial.n).toBe(0);
    await store.close();
  }, 60_000);
});
