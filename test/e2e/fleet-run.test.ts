// Fleet mode end to end: `upwatch run --role scheduler|worker` as real processes on one PostgreSQL store and one
// pg-boss queue, against a loopback upstream. Every daemon starts at FIXED_NOW (libfaketime), so the due slot of the
// 06:00 UTC schedules is known: 2026-12-03T06:00Z, enqueued by the schedulers' catch-up at start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import {
  FLEET_TOKEN,
  fleetMetrics,
  fleetProject,
  jobStates,
  pollsPerSource,
  spawnRole,
  stopAll,
} from '../helpers/fleet.js';
import { startFleetUpstream, until, type FleetUpstream } from '../helpers/fleet-upstream.js';
import { hasFaketime } from '../helpers/fixed-clock.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { adminQuery, dropSchemas, freshSchemaName, testPg } from '../helpers/pg-test-db.js';

const server = await testPg();
const schemas: string[] = [];
let graph: GraphServer;

const SLOT = '2026-12-03T06:00:00.000Z';

beforeAll(async () => {
  graph = await startGraphServer({ token: FLEET_TOKEN, metrics: fleetMetrics(2) });
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

/** Every job of the queue finished (completed), and there are `n` of them. */
async function jobsDone(schema: string, n: number): Promise<boolean> {
  const states = await jobStates(schema);
  return states['completed'] === n && Object.keys(states).length === 1;
}

describe.skipIf(!server.up || !hasFaketime)('upwatch run --role scheduler|worker on PostgreSQL', () => {
  it('two schedulers and two workers poll each (source, slot) exactly once', async () => {
    const SOURCES = 6;
    const up: FleetUpstream = await startFleetUpstream(graph.url, { delayMs: 30 });
    const cwd = fleetProject(up.url, SOURCES, 2);
    const schema = newSchema();
    const children = [
      spawnRole(cwd, schema, 'scheduler'),
      spawnRole(cwd, schema, 'scheduler'),
      spawnRole(cwd, schema, 'worker', ['--concurrency', '2']),
      spawnRole(cwd, schema, 'worker', ['--concurrency', '2']),
    ];
    try {
      await until(
        'every slot polled and its job completed',
        async () => {
          const polls = await pollsPerSource(schema).catch(() => new Map<string, number>());
          return polls.size === SOURCES && (await jobsDone(schema, SOURCES));
        },
        children,
      );
      const codes = await stopAll(children);
      expect(codes).toEqual([0, 0, 0, 0]);
      const out = children.map((c) => c.output());
      // Both schedulers found every slot due; between them each slot was enqueued once.
      for (const o of out.slice(0, 2)) expect(o).toMatch(/catch-up: s1: never polled/);
      const enqueued =
        out
          .slice(0, 2)
          .join('')
          .match(new RegExp(`enqueued s\\d+ slot ${SLOT}`, 'g')) ?? [];
      expect(enqueued).toHaveLength(SOURCES);
      expect(await jobStates(schema)).toEqual({ completed: SOURCES });
      // Each source polled once, each page asked once for each of its two metrics, and the slot recorded.
      expect([...(await pollsPerSource(schema)).values()]).toEqual(Array(SOURCES).fill(1));
      const paths = up.requestsByPath();
      expect(paths.size).toBe(SOURCES * 2);
      for (const n of paths.values()) expect(n).toBe(1);
      const slots = await adminQuery<{ last_slot: string }>(`SELECT last_slot FROM "${schema}".poll_slots`);
      expect(slots.map((r) => r.last_slot)).toEqual(Array(SOURCES).fill(SLOT));
      // The workers between them printed one polled cycle per source.
      const polledBy = out.slice(2).map((o) => (o.match(/ OK {2}poll #/g) ?? []).length);
      expect(polledBy.reduce((a, b) => a + b, 0)).toBe(SOURCES);
    } finally {
      for (const c of children) c.kill('SIGKILL');
      await up.close();
    }
  }, 120_000);

  it('refuses the scheduler and worker roles on a SQLite store with a usage error (exit 2)', async () => {
    const cwd = fleetProject('http://127.0.0.1:9', 1);
    const r = await cli(
      ['run', '--role', 'worker', '--db', `${cwd}/x.db`, '--contracts', `${cwd}/contracts`],
      {
        cwd,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--role worker needs a PostgreSQL store, not the SQLite file/);
    expect(r.stderr).toMatch(/hint: pass --db postgres:\/\//);
    const bad = await cli(
      ['run', '--role', 'boss', '--db', `${cwd}/x.db`, '--contracts', `${cwd}/contracts`],
      {
        cwd,
      },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --role "boss"/);
  });
});
