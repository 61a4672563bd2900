import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { openStore } from '../store.js';
import { MIGRATIONS } from './index.js';
import { outboxChannelMigration } from './013-outbox-channel.js';

describe('migration 13 (outbox channel)', () => {
  it('makes every existing row a mail row, and a relay claims only the channels it delivers', async () => {
    const path = join(tempDir('upwatch-mig13-'), 'v12.db');
    const old = new Database(path);
    const version = MIGRATIONS.indexOf(outboxChannelMigration);
    for (const m of MIGRATIONS.slice(0, version)) m.up(old);
    old.pragma(`user_version = ${version}`);
    old
      .prepare(
        `INSERT INTO outbox (dedup_key, recipient, kind, message_id, status, attempts, created_at, next_attempt_at, payload)
         VALUES ('k1', 'ana@example.com', 'alert', '<m1@x>', 'pending', 0, '2026-03-15T07:00:00.000Z', 0, '{"subject":"s","text":"t","html":"h"}')`,
      )
      .run();
    old.close();

    const store = openStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      await store.outbox.enqueue({
        dedupKey: 'k2',
        recipient: 'slack:${SLACK_URL}',
        channel: 'slack',
        kind: 'alert',
        messageId: '<m2@x>',
        createdAt: '2026-03-15T07:00:00.000Z',
        payload: { subject: 's', text: 't', html: 'h', channel: { url: '${SLACK_URL}', findings: [] } },
      });
      expect((await store.outbox.list()).map((r) => [r.id, r.channel])).toEqual([
        [1, 'email'],
        [2, 'slack'],
      ]);
      const now = Date.parse('2026-03-15T07:00:00.000Z');
      expect(
        (await store.outbox.claimDue('a', now, 1000, 10, ['slack', 'webhook'])).map((r) => r.id),
      ).toEqual([2]);
      expect((await store.outbox.claimDue('b', now, 1000, 10, ['email'])).map((r) => r.id)).toEqual([1]);
      expect(() => store.db.prepare(`UPDATE outbox SET channel = 'pager' WHERE id = 1`).run()).toThrow(
        /CHECK constraint/,
      );
    } finally {
      await store.close();
    }
  });
});
