// Fleet faults end to end: a worker killed with SIGKILL mid-poll, and a worker whose database connections are ended
// mid-transaction. Either way the job is retried, the slot is stored once, and the store ends as after a clean run
// (`upwatch poll` of the same contracts into a fresh schema). Daemons start at FIXED_NOW (libfaketime).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, exitOf, waitForOutput } from '../helpers/cli.js';
import {
  FLEET_TOKEN,
  fleetProject,
  jobStates,
  pollsPerSource,
  spawnRole,
  stopAll,
  storeUrl,
} from '../helpers/fleet.js';
import { startFleetUpstream, until } from '../helpers/fleet-upstream.js';
import { hasFaketime } from '../helpers/fixed-clock.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { TEST_PG_URL, adminQuery, dropSchemas, freshSchemaName, testPg } from '../helpers/pg-test-db.js';

const server = await testPg();
const schemas: string[] = [];
let graph: GraphServer;

beforeAll(async () => {
  // The second metric is rejected (#100): the poll opens a metric-invalid finding, so there are findings to compare.
  graph = await startGraphServer({
    token: FLEET_TOKEN,
    metrics: { page_metric_0: () => 10 },
    errors: { page_metric_1: { code: 100, message: '(#100) The value must be a valid insights metric' } },
  });
});
afterAll(async () => {
  await graph.close();
  if (server.up) await dropSchemas(schemas.flatMap((s) => [s, `${s}_pgboss`]));
});

function newSchema(): string {
  const s = freshSchemaName();
  schemas.push(s);
  return s;
}

/** What a run leaves in the store, ids and times aside: polls, requests, observations and findings. */
async function storeSummary(schema: string): Promise<unknown> {
  const q = (sql: string) => adminQuery(sql.replaceAll('S.', `"${schema}".`));
  return {
    polls: await q(`SELECT source, outcome, error_code, observation_count FROM S.polls ORDER BY id`),
    requests: await q(`SELECT count(*)::int AS n FROM S.requests`),
    observations: await q(
      `SELECT source, metric, entity, period_end, value FROM S.observations ORDER BY metric, entity, period_end`,
    ),
    findings: await q(
      `SELECT fingerprint, episode, rule, class, severity, source, metric FROM S.findings ORDER BY 1`,
    ),
  };
}

/** The same contracts polled once by `upwatch poll` into a fresh schema: what a clean run stores. */
async function cleanRun(cwd: string): Promise<unknown> {
  const schema = newSchema();
  const r = await cli(['poll', '--db', storeUrl(schema), '--contracts', `${cwd}/contracts`], {
    cwd,
    env: { META_TOKEN: FLEET_TOKEN },
  });
  expect(r.stdout).toMatch(/s1 {2}PARTIAL {2}poll #1/);
  return storeSummary(schema);
}

async function jobRetried(schema: string): Promise<{ state: string; retry_count: number }[]> {
  return adminQuery(
    `SELECT state::text, retry_count FROM "${schema}_pgboss".job WHERE name = 'upwatch-poll'`,
  );
}

describe.skipIf(!server.up || !hasFaketime)('fleet faults', () => {
  it('a worker killed with SIGKILL mid-poll: another worker retries the job, the slot is stored once', async () => {
    const up = await startFleetUpstream(graph.url);
    const cwd = fleetProject(up.url, 1, 2);
    const schema = newSchema();
    const held = up.hold();
    // A 2-second job expiry (set by the scheduler, carried by the job): the killed worker's job is taken as lost
    // within seconds (the workers' queue looks for expired jobs every second).
    const expiry = ['--job-expiry', '2'];
    const first = spawnRole(cwd, schema, 'worker', expiry);
    const children = [first];
    try {
      await waitForOutput(first, /upwatch run: worker \(/);
      children.push(spawnRole(cwd, schema, 'scheduler', expiry));
      await held;
      first.kill('SIGKILL');
      expect((await exitOf(first)).signal).toBe('SIGKILL');
      up.release();
      const second = spawnRole(cwd, schema, 'worker', expiry);
      children.push(second);
      await until(
        'the retried job completed',
        async () => (await jobStates(schema))['completed'] === 1,
        children,
      );
      expect(await stopAll(children.slice(1))).toEqual([0, 0]);
      expect(first.output()).not.toMatch(/poll #/);
      expect(second.output()).toMatch(/s1 {2}PARTIAL {2}poll #\d+/);
      expect(await jobRetried(schema)).toEqual([{ state: 'completed', retry_count: 1 }]);
      expect(await pollsPerSource(schema)).toEqual(new Map([['s1', 1]]));
      expect(await storeSummary(schema)).toEqual(await cleanRun(cwd));
    } finally {
      for (const c of children) c.kill('SIGKILL');
      await up.close();
    }
  }, 120_000);

  it('a dropped database connection mid-transaction: a clear error, the job retried, nothing half written', async () => {
    const up = await startFleetUpstream(graph.url);
    const cwd = fleetProject(up.url, 1, 2);
    const schema = newSchema();
    const app = `upwatch_fleet_drop_${schema.slice(-6)}`;
    // The test holds an uncommitted claim of s1's slot row, so the worker's poll waits inside its transaction for it
    // (its own claim of the slot needs that row).
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    const children = [spawnRole(cwd, schema, 'scheduler')];
    try {
      await waitForOutput(children[0]!, /upwatch run: scheduler of/);
      await admin.query('BEGIN');
      await admin.query(
        `INSERT INTO "${schema}".poll_slots (source, last_slot, polled_at) VALUES ('s1', $1, $1)`,
        ['2000-01-01T00:00:00.000Z'],
      );
      // Every connection of this worker (store, queue, host limit) carries the name, from its store URL.
      children.push(spawnRole(cwd, schema, 'worker', [], {}, { application_name: app }));
      await until(
        "the worker's poll waiting in its transaction",
        async () =>
          (
            await adminQuery(
              `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
              [app],
            )
          ).length > 0,
        children,
      );
      const ended = await adminQuery(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
        [app],
      );
      expect(ended.length).toBeGreaterThan(0);
      await admin.query('ROLLBACK');
      await until(
        'the retried job completed',
        async () => (await jobStates(schema))['completed'] === 1,
        children,
      );
      expect(await stopAll(children)).toEqual([0, 0]);
      const out = children[1]!.output();
      expect(out).toMatch(/lost the connection to the PostgreSQL store .* while /);
      expect(out).toMatch(/job failed; the queue retries it/);
      expect(await jobRetried(schema)).toEqual([{ state: 'completed', retry_count: 1 }]);
      // The first attempt asked the upstream and stored nothing; the retry asked again and stored one poll.
      expect(up.total()).toBe(4);
      expect(await storeSummary(schema)).toEqual(await cleanRun(cwd));
    } finally {
      for (const c of children) c.kill('SIGKILL');
      await admin.end().catch(() => undefined);
      await up.close();
    }
  }, 120_000);
});
