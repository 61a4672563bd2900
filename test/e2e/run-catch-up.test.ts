// `upwatch run` after downtime: the slot missed while the daemon was down is polled once at start, and a restart
// that missed nothing polls nothing (the last polled slot lives in the store).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { exitOf, spawnTsx, waitForOutput } from '../helpers/cli.js';
import { metaSourceYaml } from '../helpers/contracts.js';
import { faketimeEnv, FIXED_NOW, hasFaketime } from '../helpers/fixed-clock.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-catch-up-0813';
const dir = tempDir('upwatch-e2e-catch-up-');
let graph: GraphServer;

beforeAll(async () => {
  graph = await startGraphServer({ token: TOKEN, metrics: { page_media_view: () => 10 } });
});
afterAll(() => graph.close());

function project(): { cwd: string; db: string } {
  const cwd = join(dir, 'project');
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  writeFileSync(
    join(cwd, 'contracts', 'meta.yaml'),
    metaSourceYaml({ baseUrl: graph.url, schedule: '0 6 * * *', metrics: ['page_media_view'] }),
  );
  return { cwd, db: join(cwd, 'run.db') };
}

/** Start the daemon at FIXED_NOW, wait for `re`, stop it with SIGTERM; returns everything it printed. */
async function runUntil(cwd: string, db: string, re: RegExp): Promise<string> {
  const child = spawnTsx(
    'src/cli/main.ts',
    ['run', '--db', db, '--contracts', join(cwd, 'contracts'), '--snapshots', join(cwd, 'snap')],
    { ...faketimeEnv(FIXED_NOW), META_TOKEN: TOKEN },
  );
  try {
    const seen = await waitForOutput(child, re);
    child.kill('SIGTERM');
    expect((await exitOf(child)).code).toBe(0);
    return seen;
  } finally {
    child.kill('SIGKILL');
  }
}

describe('upwatch run catch-up', () => {
  // Which slot is "the latest" depends on the hour the daemon starts (the schedule is 06:00 UTC daily), so each
  // daemon starts at FIXED_NOW (10:00 UTC) through libfaketime; without the library the slots are not knowable.
  it.skipIf(!hasFaketime)(
    'polls a never-polled source at start, nothing on a restart, and once after a missed slot',
    async () => {
      const { cwd, db } = project();
      const first = await runUntil(cwd, db, /meta {2}OK/);
      expect(first).toContain(
        'catch-up: meta: never polled by the daemon (latest slot 2026-12-03T06:00:00.000Z); polling now',
      );

      const second = await runUntil(cwd, db, /no catch-up for meta \(up to date/);
      expect(second).not.toContain('polling now');

      // Three days of downtime: the store's last poll and slot are moved back, as if the daemon had been down.
      const store = openStore(db);
      const threeDays = 3 * 86_400_000;
      const back = (iso: string) => new Date(Date.parse(iso) - threeDays).toISOString();
      const slot = (store.db.prepare('SELECT last_slot FROM poll_slots').get() as { last_slot: string })
        .last_slot;
      store.db.prepare('UPDATE poll_slots SET last_slot = ?').run(back(slot));
      for (const p of store.db.prepare('SELECT id, started_at FROM polls').all() as {
        id: number;
        started_at: string;
      }[])
        store.db.prepare('UPDATE polls SET started_at = ? WHERE id = ?').run(back(p.started_at), p.id);
      await store.close();

      expect(slot).toBe('2026-12-03T06:00:00.000Z');

      // "last poll" is the later of the moved-back slot and the moved-back start of the poll (10:00 that day).
      const third = await runUntil(cwd, db, /meta {2}OK/);
      expect(third).toMatch(
        /catch-up: meta: slot 2026-12-03T06:00:00\.000Z was missed \(last poll 2026-11-30T10:\d\d:[\d.]+Z\); polling now/,
      );
      const after = openStore(db, { readonly: true });
      expect(await after.recentPolls('meta', 10)).toHaveLength(2); // one catch-up poll, not one per missed day
      await after.close();
    },
    60_000,
  );
});
