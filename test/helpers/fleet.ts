// Fleet e2e: contracts for N sources on one upstream, `upwatch run --role …` children on a PostgreSQL store, and
// what the store and pg-boss's queue hold afterwards.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOf, spawnTsx } from './cli.js';
import { faketimeEnv } from './fixed-clock.js';
import { TEST_PG_URL, adminQuery } from './pg-test-db.js';
import { tempDir } from './temp-dir.js';

export const FLEET_TOKEN = 'tok-fleet-5150';

/** A project whose sources `s1…sN` each read page `100000+i` of `baseUrl`, daily at 06:00 UTC. */
export function fleetProject(baseUrl: string, sources: number, metrics = 1): string {
  const cwd = tempDir('upwatch-e2e-fleet-');
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  const docs = Array.from(
    { length: sources },
    (_, i) => `apiVersion: upwatch/v1
kind: Source
name: s${i + 1}
owners: [data@example.com]
provider: meta-graph
connection:
  baseUrl: ${baseUrl}
  apiVersion: v26.0
  accessToken: \${META_TOKEN}
  pages: ['${100000 + i + 1}']
schedule: '0 6 * * *'
metrics:
${Array.from({ length: metrics }, (_, m) => `  - name: page_metric_${m}\n    period: day\n    kind: count\n`).join('')}`,
  );
  writeFileSync(join(cwd, 'contracts', 'sources.yaml'), docs.join('---\n'));
  return cwd;
}

/** The metrics of fleetProject's sources, each answering `value`. */
export function fleetMetrics(metrics: number, value = 10): Record<string, () => number> {
  return Object.fromEntries(Array.from({ length: metrics }, (_, m) => [`page_metric_${m}`, () => value]));
}

/** `postgres://…?schema=NAME` of the test server, with more connection parameters if given. */
export function storeUrl(schema: string, params: Record<string, string> = {}): string {
  const u = new URL(TEST_PG_URL);
  u.searchParams.set('schema', schema);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** Spawn `upwatch run --role ROLE` at FIXED_NOW (libfaketime) on the store, with extra flags and env. */
export function spawnRole(
  cwd: string,
  schema: string,
  role: 'scheduler' | 'worker',
  extra: string[] = [],
  env: Record<string, string> = {},
  urlParams: Record<string, string> = {},
): ChildProcess & { output: () => string } {
  const child = spawnTsx(
    'src/cli/main.ts',
    [
      'run',
      '--role',
      role,
      '--db',
      storeUrl(schema, urlParams),
      '--contracts',
      join(cwd, 'contracts'),
      '--snapshots',
      join(cwd, 'snap'),
      ...extra,
    ],
    { ...faketimeEnv(), META_TOKEN: FLEET_TOKEN, ...env },
  );
  let seen = '';
  child.stdout?.on('data', (b: Buffer) => (seen += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (seen += b.toString()));
  return Object.assign(child, { output: () => seen });
}

/** SIGTERM each child and wait for it; returns their exit codes. */
export async function stopAll(children: readonly ChildProcess[]): Promise<(number | null)[]> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  return (await Promise.all(children.map((c) => exitOf(c)))).map((r) => r.code);
}

/** Polls per source in the store. */
export async function pollsPerSource(schema: string): Promise<Map<string, number>> {
  const rows = await adminQuery<{ source: string; n: number }>(
    `SELECT source, count(*)::int AS n FROM "${schema}".polls GROUP BY source`,
  );
  return new Map(rows.map((r) => [r.source, r.n]));
}

/** pg-boss's jobs of the store's queue by state (its schema is `<schema>_pgboss`). */
export async function jobStates(schema: string): Promise<Record<string, number>> {
  const exists = await adminQuery<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [
    `"${schema}_pgboss".job`,
  ]);
  if (exists[0]?.t == null) return {};
  const rows = await adminQuery<{ state: string; n: number }>(
    `SELECT state::text, count(*)::int AS n FROM "${schema}_pgboss".job WHERE name = 'upwatch-poll' GROUP BY state`,
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
