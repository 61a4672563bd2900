// Benchmark: fleet workers (`upwatch run --role worker`, real processes) on one PostgreSQL store polling N sources ×
// 10 metrics against a loopback Graph-like upstream with 20 ms latency and a shared per-host limit, with 1, 2 and 4
// workers, against the ideal. `npm run bench -- fleet`; UPWATCH_BENCH_FLEET_SOURCES sets N (default 10,000).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startUpstreamProcess } from './upstream-process.js';

const SOURCES = Number(process.env['UPWATCH_BENCH_FLEET_SOURCES'] ?? 10_000);
const METRICS = 10;
const LATENCY_MS = 20;
const PER_HOST = 64;
/** Jobs (sources) a worker polls at once; each source's poll has up to 8 requests in flight. */
const JOBS_PER_WORKER = 32;
const REQUESTS_PER_WORKER = JOBS_PER_WORKER * 8;
const PG_URL = process.env['UPWATCH_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REPO = join(import.meta.dirname, '..');

function contracts(dir: string, url: string): string {
  const docs = Array.from(
    { length: SOURCES },
    (_, i) => `apiVersion: upwatch/v1
kind: Source
name: s${i}
owners: [data@example.com]
provider: meta-graph
connection: { baseUrl: '${url}', apiVersion: v26.0, accessToken: '\${META_TOKEN}', pages: ['${100000 + i}'] }
schedule: '0 6 * * *'
metrics:
${Array.from({ length: METRICS }, (_, m) => `  - { name: page_metric_${m}, period: day, kind: count }\n`).join('')}`,
  );
  mkdirSync(join(dir, 'contracts'), { recursive: true });
  // 100 sources a file: a contract file is read only up to 1 MiB.
  for (let i = 0; i < docs.length; i += 100)
    writeFileSync(join(dir, 'contracts', `sources-${i / 100}.yaml`), docs.slice(i, i + 100).join('---\n'));
  return join(dir, 'contracts');
}

function role(name: 'scheduler' | 'worker', db: string, dir: string, extra: string[]): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO, 'src/cli/main.ts'),
      'run',
      '--role',
      name,
      '--db',
      db,
      '--contracts',
      join(dir, 'contracts'),
      '--snapshots',
      join(dir, 'snap'),
      ...extra,
    ],
    {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', META_TOKEN: 'bench-token', UPWATCH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function printed(child: ChildProcess, re: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const on = (b: Buffer) => {
      seen += b.toString();
      if (re.test(seen)) resolve();
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => reject(new Error(`exited ${code} before ${re}: ${seen.slice(-2000)}`)));
  });
}

async function polls(db: pg.Client, schema: string): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".polls`);
  return r.rows[0]?.n ?? 0;
}

/** One run: enqueue every source's slot, then time `workers` workers from their start until every slot is stored. */
async function runWith(
  workers: number,
  url: string,
  dir: string,
  admin: pg.Client,
  stats: () => Promise<{ requests: number; peak: number }>,
) {
  const schema = `upwatch_bench_fleet_${workers}_${process.pid}`;
  const db = `${PG_URL}?schema=${schema}`;
  const before = await stats();
  const scheduler = role('scheduler', db, dir, []);
  await printed(scheduler, /upwatch run: scheduler of/);
  const started = performance.now();
  const children = Array.from({ length: workers }, () =>
    role('worker', db, dir, ['--concurrency', String(JOBS_PER_WORKER), '--per-host-limit', String(PER_HOST)]),
  );
  // Read what the roles print: a pipe nobody reads fills at 64 KB, and a write to a full pipe blocks a Node process
  // on Linux (a worker prints a line per cycle), so an unread worker stops dead.
  for (const c of [scheduler, ...children]) {
    c.stdout?.resume();
    c.stderr?.resume();
  }
  while ((await polls(admin, schema)) < SOURCES) await new Promise((r) => setTimeout(r, 250));
  const wallS = (performance.now() - started) / 1000;
  const after = await stats();
  for (const c of [scheduler, ...children]) c.kill('SIGTERM');
  await Promise.all(
    [scheduler, ...children].map(
      (c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))),
    ),
  );
  await admin.query(
    `DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`,
  );
  const requests = after.requests - before.requests;
  const idealS = (requests * LATENCY_MS) / 1000 / Math.min(PER_HOST, workers * REQUESTS_PER_WORKER);
  return { wallS, idealS, requests, peak: after.peak };
}

/** Run the fleet benchmark and return a Markdown table. */
export async function run(): Promise<string> {
  const server = await startUpstreamProcess(METRICS, LATENCY_MS);
  const { url } = server;
  const stats = server.stats;
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-fleet-'));
  contracts(dir, url);
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const rows: string[] = [];
  try {
    for (const workers of [1, 2, 4]) {
      const r = await runWith(workers, url, dir, admin, stats);
      rows.push(
        `| ${workers} | ${r.requests.toLocaleString('en')} | ${r.wallS.toFixed(1)} | ${r.idealS.toFixed(1)} | ${(r.wallS / r.idealS).toFixed(1)}× | ${r.peak} |`,
      );
      console.error(rows.at(-1));
    }
  } finally {
    await admin.end();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const out = [
    `${SOURCES.toLocaleString('en')} sources × ${METRICS} metrics, ${LATENCY_MS} ms upstream latency, per-host limit ${PER_HOST} shared by all workers, ${JOBS_PER_WORKER} jobs × 8 requests per worker; ideal = requests × ${LATENCY_MS} ms / min(${PER_HOST}, workers × ${REQUESTS_PER_WORKER}); peak = most requests in flight at the upstream so far`,
    '',
    '| workers | requests | wall s | ideal s | wall / ideal | peak |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  console.log(out);
  return out;
}
