// Benchmark: observations per second into a store, SQLite file or PostgreSQL server (the engine is a parameter):
// through Store.recordPoll (one transaction per poll), and through `upwatch ingest` as a user runs it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { CliIO } from '../src/cli/io.js';
import { runCli } from '../src/cli/main.js';
import { ManualClock } from '../src/core/clock.js';
import type { FetchResult, RawObservation } from '../src/core/observation.js';
import { openAnyStore } from '../src/store/open.js';
import type { Store } from '../src/store/ports.js';

export type Engine = 'sqlite' | 'postgres';

const PG_URL =
  process.env.UPWATCH_BENCH_PG ?? process.env.UPWATCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOTAL = 1_000_000;
const PER_POLL = 10_000;
/** `upwatch ingest`: 10 metrics × 500 entities × 20 days in one CSV pushed as one poll. */
const CLI = { metrics: 10, entities: 500, days: 20 } as const;
const CLI_ROWS = CLI.metrics * CLI.entities * CLI.days;

function batch(poll: number, restate: boolean): RawObservation[] {
  // 100 metrics × 100 entities per poll; a new day per poll, or the same days again when restating.
  const day = restate ? poll - TOTAL / PER_POLL : poll;
  const periodEnd = new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString();
  return Array.from({ length: PER_POLL }, (_, i) => ({
    source: 'bench',
    metric: `metric_${i % 100}`,
    entity: `page_${Math.floor(i / 100)}`,
    periodEnd,
    value: restate ? i + 1 : i,
    jsonType: 'int' as const,
  }));
}

/** Where one measurement writes: a store location (file or URL with its own schema) and how to remove it. */
interface Target {
  location: string;
  /** CPU seconds the server's backends for this target have used so far (PostgreSQL on this machine only). */
  serverCpu: () => Promise<number | undefined>;
  drop: () => Promise<void>;
}

/** CPU seconds of the PostgreSQL backends named `app`, read from /proc (a server on this machine, readable by this user). */
async function backendCpu(admin: pg.Client, app: string): Promise<number | undefined> {
  const pids = (
    await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [app])
  ).rows.map((r) => r.pid);
  let sum = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      sum += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return undefined;
    }
  }
  return sum;
}

function target(engine: Engine, admin: pg.Client | undefined): Target {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-ingest-'));
    return {
      location: join(dir, 'bench.db'),
      serverCpu: () => Promise.resolve(undefined),
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const schema = `upwatch_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  // The store's pool names itself `upwatch`; the bench tells its backends apart by the schema's own name.
  url.searchParams.set('application_name', schema);
  return {
    location: url.toString(),
    serverCpu: () => backendCpu(admin!, schema),
    drop: async () => void (await admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
  };
}

interface Measure {
  rows: number;
  wall: number;
  cpu: number;
  server?: number;
}

async function measured(t: Target, rows: number, work: () => Promise<void>): Promise<Measure> {
  const s0 = await t.serverCpu();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const s1 = await t.serverCpu();
  return {
    rows,
    wall,
    cpu: (c.user + c.system) / 1e6,
    ...(s0 !== undefined && s1 !== undefined ? { server: s1 - s0 } : {}),
  };
}

/** 100 polls of 10,000 observations through Store.recordPoll. */
async function pollPass(t: Target, store: Store, first: number, restate: boolean): Promise<Measure> {
  const inputs = Array.from({ length: TOTAL / PER_POLL }, (_, k) => batch(first + k, restate));
  return measured(t, TOTAL, async () => {
    for (const observations of inputs) {
      const fetch: FetchResult = { observations, requests: [], metricOutcomes: [] };
      await store.recordPoll({
        source: 'bench',
        startedAt: 't',
        finishedAt: new Date().toISOString(),
        outcome: 'ok',
        fetch,
      });
    }
  });
}

function pushFiles(dir: string): void {
  const metrics = Array.from({ length: CLI.metrics }, (_, m) => `  - name: metric_${m}\n    kind: count`);
  mkdirSync(join(dir, 'contracts'), { recursive: true });
  writeFileSync(
    join(dir, 'contracts', 'push.yaml'),
    `apiVersion: upwatch/v1\nkind: Source\nname: warehouse\nowners: [data@example.com]\nprovider: push\nmetrics:\n${metrics.join('\n')}\n`,
  );
  const lines = ['date,source,metric,entity,value'];
  for (let d = 0; d < CLI.days; d++) {
    const date = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    for (let m = 0; m < CLI.metrics; m++)
      for (let e = 0; e < CLI.entities; e++)
        lines.push(`${date},warehouse,metric_${m},page_${e},${1000 + e + d}`);
  }
  writeFileSync(join(dir, 'push.csv'), `${lines.join('\n')}\n`);
}

/** `upwatch ingest --db LOCATION` of one CSV, in this process, as a user's warehouse job runs it. */
async function cliPass(t: Target): Promise<Measure> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-push-'));
  try {
    pushFiles(dir);
    let stderr = '';
    const io: CliIO = {
      stdout: () => undefined,
      stderr: (s) => void (stderr += s),
      env: {},
      cwd: dir,
      clock: new ManualClock('2026-01-21T08:00:00Z'),
      isTTY: false,
    };
    const args = ['ingest', '--db', t.location, '--source', 'warehouse', 'push.csv'];
    let code = -1;
    const m = await measured(t, CLI_ROWS, async () => void (code = await runCli(args, io)));
    if (code > 1) throw new Error(`upwatch ingest exited ${code}: ${stderr}`);
    // The command closes its store, and with it the backends whose CPU the bench reads: not measured here.
    const { server: _closed, ...measure } = m;
    return measure;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: [string, Measure][]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  const line = ([label, m]: [string, Measure]) =>
    `| ${label} | ${fmt(m.rows)} | ${m.wall.toFixed(2)} s | ${fmt(m.rows / m.wall)} | ${m.cpu.toFixed(2)} s | ${m.server === undefined ? '–' : `${m.server.toFixed(2)} s`} | ${fmt(m.rows / (m.cpu + (m.server ?? 0)))} |`;
  return [
    '| pass | observations | wall | observations/s (wall) | CPU of upwatch | CPU of the server | observations per CPU-second |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(line),
  ].join('\n');
}

/** Run the ingest benchmark on one engine (fresh store file, or a schema of its own dropped afterwards). */
export async function run(engine: Engine = 'sqlite'): Promise<string> {
  let admin: pg.Client | undefined;
  let server = 'SQLite (WAL, synchronous=FULL)';
  if (engine === 'postgres') {
    admin = new pg.Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch (e) {
      const line = `skipped: no PostgreSQL server at ${PG_URL} (${(e as Error).message}); set UPWATCH_BENCH_PG`;
      console.log(line);
      return line;
    }
    const v = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v;
    server = `PostgreSQL ${v ?? '?'} on the same machine`;
  }
  const load = loadavg()[0]!.toFixed(1);
  const polls = target(engine, admin);
  const push = target(engine, admin);
  try {
    const store = await openAnyStore(polls.location);
    const insert = await pollPass(polls, store, 0, false);
    const restate = await pollPass(polls, store, TOTAL / PER_POLL, true);
    await store.close();
    const cli = await cliPass(push);
    const out = [
      `${server}; load average at start: ${load} (2 cores)`,
      '',
      table([
        ['recordPoll, new periods (insert), 100 polls of 10,000', insert],
        ['recordPoll, same periods again (restatement upsert)', restate],
        [
          `upwatch ingest of one CSV (${CLI.metrics} metrics × ${CLI.entities} entities × ${CLI.days} days)`,
          cli,
        ],
      ]),
    ].join('\n');
    console.log(out);
    return out;
  } finally {
    await polls.drop();
    await push.drop();
    await admin?.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run(process.argv[2] === 'postgres' ? 'postgres' : 'sqlite');
