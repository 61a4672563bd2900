// `upwatch poll` into a PostgreSQL store (--db postgres://…), then the gate and status read from it: the same cycle as
// on the SQLite file. Skipped, saying why, without a PostgreSQL server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../src/store/pg/schema.js';
import { cli } from '../helpers/cli.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { TEST_PG_URL, dropSchemas, freshSchemaName, testPg } from '../helpers/pg-test-db.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-e2e-pg-7731';
const server = await testPg();
const schemas: string[] = [];
let graph: GraphServer;

beforeAll(async () => {
  graph = await startGraphServer({ token: TOKEN, metrics: { page_media_view: () => 10 } });
});
afterAll(async () => {
  await graph.close();
  if (server.up) await dropSchemas(schemas);
});

function project(baseUrl: string): string {
  const cwd = tempDir('upwatch-e2e-poll-pg-');
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  // v26.0 has no end of life on the built-in calendar: no date brings a version finding into this poll.
  writeFileSync(
    join(cwd, 'contracts', 'meta.yaml'),
    metaSourceYaml({ baseUrl, apiVersion: 'v26.0', metrics: ['page_media_view'] }) +
      featureYaml('views_7d', ['meta/page_media_view']),
  );
  return cwd;
}

describe.skipIf(!server.up)('upwatch poll into PostgreSQL', () => {
  it('polls, stores and gates in PostgreSQL; status and gate read it back; the URL is never printed with a password', async () => {
    const cwd = project(graph.url);
    const schema = freshSchemaName();
    schemas.push(schema);
    const url = new URL(TEST_PG_URL);
    url.password = 'not-shown';
    url.searchParams.set('schema', schema);
    const env = { META_TOKEN: TOKEN, UPWATCH_DB: url.toString() };
    const poll = await cli(['poll'], { cwd, env });
    expect(poll.stderr).not.toContain('not-shown');
    expect(poll.code).toBe(0);
    const status = await cli(['status', '--json'], { cwd, env });
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain('not-shown');
    const parsed = JSON.parse(status.stdout) as {
      sources: { source: string; polls: number; observations: number }[];
    };
    expect(parsed.sources).toMatchObject([{ source: 'meta', polls: 1 }]);
    expect(parsed.sources[0]!.observations).toBeGreaterThan(0);
    const doctor = await cli(['doctor'], { cwd, env });
    const v = PG_MIGRATIONS.length;
    expect(doctor.stdout).toMatch(
      new RegExp(
        `ok\\s+store: postgres://.*\\(schema upwatch_test_\\w+\\): PostgreSQL check ok, schema version ${v}/${v}`,
      ),
    );
    expect(doctor.stdout + doctor.stderr).not.toContain('not-shown');
    const gate = await cli(['gate', 'views_7d', '--json'], { cwd, env });
    expect(gate.stderr).toBe('');
    expect(gate.code).toBe(0);
    expect(JSON.parse(gate.stdout)).toMatchObject({
      allowed: true,
      features: [{ feature: 'views_7d', state: 'ok' }],
    });
  });
});
