import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { openStore } from '../store.js';
import { MIGRATIONS } from './index.js';

const dir = tempDir('upwatch-mig8-');

describe('migration 8 (audit targets principal and breaker)', () => {
  it('upgrades a version-6 store: audit rows and ids survive, and a cleared pause can be audited', async () => {
    const path = join(dir, 'v6.db');
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    for (const m of MIGRATIONS.slice(0, 6)) m.up(old);
    old.pragma('user_version = 6');
    old.exec(`
      INSERT INTO audit_log (id, at, actor, action, target_kind, target, reason, details)
        VALUES (5, '2026-03-14T07:00:00.000Z', 'ana', 'acknowledged', 'finding', 'fp1', 'known', '{"episode":1}');
    `);
    old.close();

    const store = openStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      await store.audit.write({
        at: '2026-03-14T08:00:00.000Z',
        actor: 'ana',
        action: 'pause-cleared',
        targetKind: 'principal',
        target: 'meta-graph:ab12',
        reason: 'clock was wrong',
      });
      expect((await store.audit.read()).map((a) => [a.id, a.targetKind, a.target])).toEqual([
        [5, 'finding', 'fp1'],
        [6, 'principal', 'meta-graph:ab12'],
      ]);
      expect(() =>
        store.db
          .prepare(
            "INSERT INTO audit_log (at, actor, action, target_kind, target) VALUES ('t', 'a', 'x', 'nonsense', 't')",
          )
          .run(),
      ).toThrow(/CHECK/);
    } finally {
      await store.close();
    }
  });
});
