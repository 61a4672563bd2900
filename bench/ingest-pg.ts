// Benchmark: observations per second into the PostgreSQL store through Store.recordPoll (one transaction per poll,
// multi-row unnest inserts), the same workload as bench/ingest.ts for the SQLite file.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import type { FetchResult, RawObservation } from '../src/core/observation.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import type { Store } from '../src/store/ports.js';

const URL =
  process.env.UPWATCH_BENCH_PG ?? process.env.UPWATCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOTAL = 1_000_000;
const PER_POLL = 10_000;

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

/** Wall seconds and CPU seconds of this process (the server's CPU is not counted) for one pass. */
async function pass(store: Store, first: number, restate: boolean): Promise<{ wall: number; cpu: number }> {
  const polls = TOTAL / PER_POLL;
  const inputs = Array.from({ length: polls }, (_, k) => batch(first + k, restate));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
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
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** Run the PostgreSQL ingest benchmark in a schema of its own (dropped afterwards) and return a Markdown table. */
export async function run(): Promise<string> {
  const schema = `upwatch_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: URL });
  try {
    await admin.connect();
  } catch (e) {
    const line = `skipped: no PostgreSQL server at ${URL} (${(e as Error).message}); set UPWATCH_BENCH_PG`;
    console.log(line);
    return line;
  }
  try {
    const server =
      (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
    const store = await openPgStore(URL, { schema });
    const polls = TOTAL / PER_POLL;
    const load = loadavg()[0]!.toFixed(1);
    const insert = await pass(store, 0, false);
    const restate = await pass(store, polls, true);
    await store.close();
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    const row = (label: string, r: { wall: number; cpu: number }) =>
      `| ${label} | ${fmt(TOTAL)} | ${polls} | ${r.wall.toFixed(2)} s | ${fmt(TOTAL / r.wall)} | ${r.cpu.toFixed(2)} s |`;
    const table = [
      `PostgreSQL ${server} on the same machine; load average at start: ${load} (2 cores)`,
      '',
      '| pass | observations | polls (transactions) | wall | observations/s (wall) | CPU of upwatch |',
      '|---|---|---|---|---|---|',
      row('new periods (insert)', insert),
      row('same periods again (restatement upsert)', restate),
    ].join('\n');
    console.log(table);
    return table;
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
