// Fleet mode end to end: `upwatch run --role scheduler|worker` as real processes on one PostgreSQL store and one
// pg-boss queue, against a loopback upstream. Every daemon starts at FIXED_NOW (libfaketime), so the due slot of the
// 06:00 UTC schedules is known: 2026-12-03T06:00Z, enqueued by the schedulers' catch-up at start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, waitForOutput } from '../helpers/cli.js';
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
    const children = [spawnRole(cwd, schema, 'scheduler'), spawnRole(cwd, schema, 'scheduler')];
    try {
      // Both schedulers have enqueued their catch-up before any worker polls: both find every slot due.
      await Promise.all(children.map((c) => waitForOutput(c, /upwatch run: scheduler of/)));
      children.push(
        spawnRole(cwd, schema, 'worker', ['--concurrency', '2']),
        spawnRole(cwd, schema, 'worker', ['--concurrency', '2']),
      );
      await until(
        'every slot polled and its job completed',
        async () => {
          const polls = await pollsPerSource(schema).catch(() => new Map<string, number>());
          return polls.size === SOURCES && (await jobsDone(schema, SOURCES));
        },
        children,
      );
      const codes = await stopAll(children);
      const out = children.map((c) => c.output());
      expect(codes, out.join('\n---\n')).toEqual([0, 0, 0, 0]);
      // Both schedulers found every slot due; between them each slot was enqueued once.
      for (const o of out.slice(0, 2)) expect(o).toMatch(/catch-up: s1: never polled/);
      const sent = out.slice(0, 2).join('');
      expect(sent.match(new RegExp(` enqueued s\\d+ slot ${SLOT}`, 'g'))).toHaveLength(SOURCES);
      expect(sent.match(new RegExp(`already queued s\\d+ slot ${SLOT}`, 'g'))).toHaveLength(SOURCES);
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

  it('holds the per-host request limit across two worker processes', async () => {
    const SOURCES = 8;
    const LIMIT = 2;
    // Each request waits 80 ms at the upstream, so requests of both workers overlap unless the limit is shared.
    const up = await startFleetUpstream(graph.url, { delayMs: 80 });
    const cwd = fleetProject(up.url, SOURCES, 2);
    const schema = newSchema();
    const worker = ['--concurrency', '4', '--per-host-limit', String(LIMIT)];
    const workers = [spawnRole(cwd, schema, 'worker', worker), spawnRole(cwd, schema, 'worker', worker)];
    const children = [...workers];
    try {
      // Both workers wait on the queue before the scheduler enqueues, so both take jobs.
      await Promise.all(workers.map((w) => waitForOutput(w, /upwatch run: worker \(/)));
      children.unshift(spawnRole(cwd, schema, 'scheduler'));
      await until('every slot polled', async () => jobsDone(schema, SOURCES).catch(() => false), children);
      expect(await stopAll(children)).toEqual([0, 0, 0]);
      expect(up.total()).toBe(SOURCES * 2);
      expect(up.maxInFlight()).toBeLessThanOrEqual(LIMIT);
      // Both workers polled (each took jobs while the other was busy), so the limit held across processes.
      const polledBy = children.slice(1).map((c) => (c.output().match(/ OK {2}poll #/g) ?? []).length);
      expect(polledBy.reduce((a, b) => a + b, 0)).toBe(SOURCES);
      expect(polledBy.every((n) => n > 0)).toBe(true);
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
