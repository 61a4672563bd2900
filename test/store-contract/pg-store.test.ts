// The store contract against the PostgreSQL store: each test opens the store in a new schema, dropped at the end.
// Needs a server (UPWATCH_TEST_PG, default postgres://postgres@127.0.0.1:5432/test); without one the suite is skipped
// and says so.
import { afterAll, describe } from 'vitest';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { TEST_PG_URL, dropSchemas, freshSchemaName, testPg } from '../helpers/pg-test-db.js';
import { describeStoreContract } from './store-contract.js';

const server = await testPg();
const schemas: string[] = [];
afterAll(() => (server.up ? dropSchemas(schemas) : undefined));

// Without a server the suite is skipped by name, with the reason testPg printed (CI sets UPWATCH_REQUIRE_PG: there a
// missing server fails instead).
describe.skipIf(!server.up)(
  `on ${server.up ? 'a PostgreSQL server' : (server.reason ?? 'no server')}`,
  () => {
    describeStoreContract('PostgreSQL', () => {
      const schema = freshSchemaName();
      schemas.push(schema);
      return openPgStore(TEST_PG_URL, { schema });
    });
  },
);
