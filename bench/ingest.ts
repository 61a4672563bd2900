// Benchmark: observations per second into the SQLite store, batched as polls (one transaction per poll).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FetchResult, RawObservation } from '../src/core/observation.js';
import { openStore } from '../src/store/store.js';

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

/** Wall seconds and CPU seconds (user + system of this process) for one pass. */
async function pass(
  store: ReturnType<typeof openStore>,
  first: number,
  restate: boolean,
): Promise<{ wall: number; cpu: number }> {
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

/** Run the ingest benchmark and return a Markdown table. */
export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-ingest-'));
  try {
    const store = openStore(join(dir, 'bench.db'));
    const polls = TOTAL / PER_POLL;
    const load = loadavg()[0]!.toFixed(1);
    const insert = await pass(store, 0, false);
    const restate = await pass(store, polls, true);
    await store.close();
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    const row = (label: string, r: { wall: number; cpu: number }) =>
      `| ${label} | ${fmt(TOTAL)} | ${polls} | ${r.wall.toFixed(2)} s | ${fmt(TOTAL / r.wall)} | ${r.cpu.toFixed(2)} s | ${fmt(TOTAL / r.cpu)} |`;
    const rows = [
      `load average at start: ${load} (2 cores)`,
      '',
      '| pass | observations | polls (transactions) | wall | observations/s (wall) | CPU | observations per CPU-second |',
      '|---|---|---|---|---|---|---|',
      row('new periods (insert)', insert),
      row('same periods again (restatement upsert)', restate),
    ];
    const table = rows.join('\n');
    console.log(table);
    return table;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
