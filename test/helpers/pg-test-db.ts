// A PostgreSQL server for tests: the URL (UPWATCH_TEST_PG, default a local server with trust auth), whether it
// answers, and fresh schemas that are dropped when the test file ends.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use. */
export const TEST_PG_URL = process.env.UPWATCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the test server answers; when it does not, the reason, printed once so that a skipped suite says why.
 *
 * @example
 * const server = await testPg();
 * describe.skipIf(!server.up)('…', () => { … });
 */
export async function testPg(): Promise<{ up: boolean; reason?: string }> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { up: true };
  } catch (e) {
    // CI sets UPWATCH_REQUIRE_PG: there a missing server is a failure, never a skipped suite.
    if (process.env.UPWATCH_REQUIRE_PG === '1')
      throw new Error(
        `UPWATCH_REQUIRE_PG is set but no PostgreSQL answers at ${TEST_PG_URL.replace(/:[^:@/]*@/, '@')}: ${(e as Error).message}`,
      );
    const reason = `PostgreSQL tests skipped: no server at ${TEST_PG_URL.replace(/:[^:@/]*@/, '@')} (${(e as Error).message}); set UPWATCH_TEST_PG to run them`;
    // The one line that says why the PostgreSQL suites did not run.
    // eslint-disable-next-line no-console
    console.warn(reason);
    return { up: false, reason };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other test run uses. */
export function freshSchemaName(): string {
  return `upwatch_test_${randomBytes(6).toString('hex')}`;
}

/** Run statements as the test server's administrator (dropping schemas, ending another connection). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Drop test schemas and everything in them. */
export async function dropSchemas(names: readonly string[]): Promise<void> {
  for (const name of names) await adminQuery(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
}
