// Benchmark: 1,000 sources × 10 metrics against a loopback Graph-like server with 20 ms latency, per-host limit 16.
import { startUpstreamProcess } from './upstream-process.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { pollSource } from '../src/pipeline/poll-source.js';
import { createHttpClient } from '../src/providers/http.js';
import { runPool } from '../src/providers/pool.js';
import { openStore } from '../src/store/store.js';
import { metaSource } from '../test/helpers/contracts.js';

const SOURCES = 1_000;
const METRICS = 10;
const LATENCY_MS = 20;
const PER_HOST = 16;

/** Run the polling benchmark and return a Markdown table. */
export async function run(): Promise<string> {
  const metrics = Array.from({ length: METRICS }, (_, i) => `page_metric_${i}`);
  const server = await startUpstreamProcess(METRICS, LATENCY_MS);
  const { url } = server;
  const stats = server.stats;
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-polling-'));
  const store = openStore(join(dir, 'bench.db'));
  const http = createHttpClient({ perHostLimit: PER_HOST });
  const sources = Array.from({ length: SOURCES }, (_, i) => ({
    ...metaSource(url, metrics),
    name: `source-${i}`,
  }));
  // Time spent inside the store (synchronous: it blocks the event loop, fsync included with synchronous=FULL).
  let storeMs = 0;
  const record = store.recordPoll.bind(store);
  store.recordPoll = (input) => {
    const t = performance.now();
    try {
      return record(input);
    } finally {
      storeMs += performance.now() - t;
    }
  };
  const deps = { store, http, secrets: () => 'bench-token', clock: systemClock };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const load = loadavg()[0]!.toFixed(1);
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const polls = await runPool(sources, 64, (s) => pollSource(deps, s));
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const ideal = (SOURCES * METRICS * LATENCY_MS) / 1000 / PER_HOST;
    const ok = polls.filter((p) => p.outcome === 'ok').length;
    const { requests, peak } = await stats();
    const table = [
      `load average at start: ${load} (2 cores); upstream server in a child process`,
      '',
      '| sources × metrics | requests | polls ok | server peak concurrency | wall | ideal (N·20 ms / 16) | ratio | CPU (poller) | in store (sync) | peak RSS |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${SOURCES} × ${METRICS} | ${requests} | ${ok}/${SOURCES} | ${peak} | ${wall.toFixed(2)} s | ${ideal.toFixed(2)} s | ${(wall / ideal).toFixed(2)}× | ${cpu.toFixed(2)} s | ${(storeMs / 1000).toFixed(2)} s | ${Math.round(peakRss / 1048576)} MB |`,
    ].join('\n');
    console.log(table);
    return table;
  } finally {
    clearInterval(sampler);
    http.close();
    await store.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
