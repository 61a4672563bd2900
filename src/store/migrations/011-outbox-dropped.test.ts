import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { openStore } from '../store.js';
import { MIGRATIONS } from './index.js';
import { outboxDroppedMigration } from './011-outbox-dropped.js';

describe('migration 11 (outbox status dropped)', () => {
  it('keeps every outbox row, its dependency and its notification log, and accepts the dropped status', async () => {
    const path = join(tempDir('upwatch-mig11-'), 'v10.db');
    const old = new Database(path);
    const version = MIGRATIONS.indexOf(outboxDroppedMigration);
    for (const m of MIGRATIONS.slice(0, version)) m.up(old);
    old.pragma(`user_version = ${version}`);
    const insert = old.prepare(
      `INSERT INTO outbox (dedup_key, recipient, kind, message_id, status, attempts, created_at, next_attempt_at, after_id, payload)
       VALUES (?, 'ana@example.com', ?, ?, ?, 0, '2026-03-15T07:00:00.000Z', 0, ?, '{"subject":"s","text":"t","html":"h"}')`,
    );
    insert.run('k1', 'alert', '<m1@x>', 'sent', null);
    insert.run('k2', 'resolved', '<m2@x>', 'pending', 1);
    old
      .prepare(
        `INSERT INTO notification_log (at, recipient, fingerprint, episode, kind, outbox_id) VALUES ('t', 'ana@example.com', 'fp', 1, 'alert', 1)`,
      )
      .run();
    old.close();

    const store = openStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect((await store.outbox.list()).map((r) => [r.id, r.kind, r.status, r.afterId ?? null])).toEqual([
        [1, 'alert', 'sent', null],
        [2, 'resolved', 'pending', 1],
      ]);
      expect((await store.outbox.notificationsOf('fp', 1)).map((n) => n.outboxId)).toEqual([1]);
      store.db
        .prepare(`UPDATE outbox SET status = 'dropped', last_error = 'not sent: why' WHERE id = 2`)
        .run();
      expect(await store.outbox.summary()).toMatchObject({
        sent: 1,
        dropped: 1,
        droppedRows: [{ id: 2, reason: 'not sent: why' }],
      });
    } finally {
      await store.close();
    }
  });
});
