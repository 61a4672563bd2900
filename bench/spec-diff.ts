// Benchmark of `upwatch spec-diff` on the real Stripe and GitHub pairs: scoped to 20 operations and on all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '../src/deprecation/openapi/load-spec.js';
import { SpecIndex } from '../src/deprecation/openapi/spec-index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = join(ROOT, '../shared/benchmarks/openapi');
const PAIRS = {
  stripe: ['stripe-spec3-2022-10-04.yaml', 'stripe-spec3-2023-09-12.yaml'],
  github: ['github-api-2021-07-02.json', 'github-api-2022-06-11.json'],
} as const;

interface Measured {
  ms: number;
  cpuMs: number;
  maxRssMB: number;
  startupRssMB: number;
  exit: number;
  changes: number;
  wallMs: number;
}

function measure(args: string[]): Measured {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/spec-diff-child.ts'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallMs = performance.now() - t0;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`bench child failed: ${r.stderr}`);
  return { ...(JSON.parse(last) as Omit<Measured, 'wallMs'>), wallMs };
}

/** Twenty operations spread over the base document (every n-th GET, sorted), deterministic. */
function scope(file: string, n = 20): string[] {
  const idx = new SpecIndex(loadSpecFile(join(DOCS, file)));
  const gets = [...idx.operations.keys()].filter((k) => k.startsWith('GET ')).sort();
  const step = Math.max(1, Math.floor(gets.length / n));
  return gets.filter((_, i) => i % step === 0).slice(0, n);
}

/** The documents this benchmark needs that are not on disk (they live outside the repository). */
function missingDocs(): string[] {
  return Object.values(PAIRS)
    .flat()
    .filter((f) => !existsSync(join(DOCS, f)));
}

/** Run every scenario and print a Markdown table (also returned). */
export function run(): string {
  const missing = missingDocs();
  if (missing.length > 0) {
    const message = `spec-diff benchmark skipped: it needs the real Stripe and GitHub OpenAPI documents in ${DOCS} (the shared benchmarks folder beside the repository), and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing there.`;
    console.error(message);
    process.exitCode = 1;
    return message;
  }
  const cacheDir = mkdtempSync(join(tmpdir(), 'upwatch-bench-cache-'));
  const rows: string[] = [
    '| pair | scope | cache | wall time (in-process) | CPU time | peak RSS | process wall (incl. tsx start) | changes | exit |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  try {
    for (const [name, [a, b]] of Object.entries(PAIRS)) {
      const ops = scope(a).flatMap((o) => ['--operation', o]);
      const files = [join(DOCS, a), join(DOCS, b)];
      const yaml = a.endsWith('.yaml');
      const scenarios: [string, string, string[]][] = [];
      if (yaml) {
        scenarios.push(['20 ops', 'none (YAML parsed)', [...files, ...ops, '--no-cache']]);
        scenarios.push(['20 ops', 'cold (parse + write)', [...files, ...ops, '--cache-dir', cacheDir]]);
      }
      scenarios.push([
        '20 ops',
        yaml ? 'warm (JSON)' : 'n/a (JSON)',
        [...files, ...ops, '--cache-dir', cacheDir],
      ]);
      scenarios.push(['all ops', yaml ? 'warm (JSON)' : 'n/a (JSON)', [...files, '--cache-dir', cacheDir]]);
      for (const [label, cache, args] of scenarios) {
        const m = measure(args);
        rows.push(
          `| ${name} | ${label} | ${cache} | ${(m.ms / 1000).toFixed(2)} s | ${(m.cpuMs / 1000).toFixed(2)} s | ${m.maxRssMB.toFixed(0)} MB | ${(m.wallMs / 1000).toFixed(2)} s | ${m.changes} | ${m.exit} |`,
        );
      }
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const table = `${rows.join('\n')}\n\n(1-minute load average at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`;
  console.log(table);
  return table;
}

if (import.meta.url === `file://${process.argv[1]}`) run();
