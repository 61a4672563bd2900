// `upwatch store copy` from a real SQLite file into a real PostgreSQL server (skipped, saying why, without one).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { TEST_PG_URL, dropSchemas, freshSchemaName, testPg } from '../helpers/pg-test-db.js';
import { tempDir } from '../helpers/temp-dir.js';

const server = await testPg();
const schemas: string[] = [];
afterAll(() => (server.up ? dropSchemas(schemas) : undefined));

async function smallStore(path: string): Promise<void> {
  const store = openStore(path);
  await store.recordPoll({
    source: 'meta',
    startedAt: '2026-03-15T07:00:00.000Z',
    finishedAt: '2026-03-15T07:00:01.000Z',
    outcome: 'ok',
    fetch: {
      observations: [1, 2, 3].map((d) => ({
        source: 'meta',
        metric: 'page_media_view',
        entity: '111',
        periodEnd: `2026-03-1${d}T08:00:00.000Z`,
        value: d * 10,
        jsonType: 'int' as const,
      })),
      requests: [],
      metricOutcomes: [{ metric: 'page_media_view', status: 'ok' }],
    },
  });
  await store.close();
}

describe('upwatch store copy', () => {
  it('refuses a target that is not a PostgreSQL URL, and a missing file, with exit 2 and nothing copied', async () => {
    const dir = tempDir('upwatch-store-copy-');
    const file = join(dir, 'upwatch.db');
    await smallStore(file);
    const bad = await cli(['store', 'copy', '--from', file, '--to', 'mysql://x:secret@db/u'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--to must be a PostgreSQL URL');
    expect(bad.stderr).not.toContain('secret');
    const missing = await cli(['store', 'copy', '--from', join(dir, 'nope.db'), '--to', TEST_PG_URL], {
      cwd: dir,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no store at');
  });

  it.skipIf(!server.up)(
    'copies a SQLite store into PostgreSQL, says what it copied, and refuses to copy twice',
    async () => {
      const dir = tempDir('upwatch-store-copy-');
      const file = join(dir, 'upwatch.db');
      await smallStore(file);
      const schema = freshSchemaName();
      schemas.push(schema);
      const args = ['store', 'copy', '--from', file, '--to', TEST_PG_URL, '--schema', schema];
      const first = await cli(args, { cwd: dir });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/counts verified/);
      expect(first.stdout).toMatch(/observations\s+3/);
      const pg = await openPgStore(TEST_PG_URL, { schema });
      try {
        const history = await pg.metricHistory('meta', 'page_media_view');
        expect(history.entities.get('111')!.map((p) => p.value)).toEqual([10, 20, 30]);
      } finally {
        await pg.close();
      }
      // The reading commands work on the copy: status from PostgreSQL, the URL shown without its password.
      const url = new URL(TEST_PG_URL);
      url.password = 'not-shown';
      url.searchParams.set('schema', schema);
      const status = await cli(['status', '--json', '--db', url.toString()], { cwd: dir });
      expect(status.code).toBe(0);
      expect(status.stdout).not.toContain('not-shown');
      const parsed = JSON.parse(status.stdout) as {
        db: string;
        sources: { source: string; polls: number }[];
      };
      expect(parsed.db).toContain(`schema ${schema}`);
      expect(parsed.sources).toMatchObject([{ source: 'meta', polls: 1 }]);
      const again = await cli(args, { cwd: dir });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('is not empty');
      expect((await cli([...args, '--force'], { cwd: dir })).code).toBe(0);
    },
  );
});
