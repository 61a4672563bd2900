import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store.js';
import { MIGRATIONS } from './index.js';

describe('migration 4 (outbox kind digest)', () => {
  it('upgrades a version-3 store with queued mail: rows, ids and the notification log survive', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'upwatch-mig4-')), 'v3.db');
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    for (const m of MIGRATIONS.slice(0, 3)) m.up(old);
    old.pragma('user_version = 3');
    old.exec(`
      INSERT INTO outbox (id, dedup_key, recipient, kind, message_id, status, created_at, next_attempt_at, payload)
        VALUES (7, 'k7', 'ana@example.com', 'alert', '<upwatch-k7@h>', 'sent', '2026-03-14T07:00:00.000Z', 0,
                '{"subject":"s","text":"t","html":"h"}');
      INSERT INTO notification_log (at, recipient, fingerprint, episode, kind, outbox_id)
        VALUES ('2026-03-14T07:00:00.000Z', 'ana@example.com', 'fp', 1, 'alert', 7);
    `);
    old.close();

    const store = openStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect((await store.outbox.list()).map((r) => [r.id, r.kind, r.status])).toEqual([
        [7, 'alert', 'sent'],
      ]);
      expect((await store.outbox.notificationsOf('fp', 1)).map((n) => [n.outboxId, n.messageId])).toEqual([
        [7, '<upwatch-k7@h>'],
      ]);
      store.db
        .prepare(
          `INSERT INTO outbox (dedup_key, recipient, kind, message_id, created_at, next_attempt_at, payload)
             VALUES ('k8', 'ana@example.com', 'digest', '<upwatch-k8@h>', 't', 0, '{}')`,
        )
        .run();
      expect(() =>
        store.db
          .prepare(
            `INSERT INTO notification_log (at, recipient, fingerprint, episode, kind, outbox_id) VALUES ('t', 'a', 'f', 1, 'alert', 999)`,
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
