// Benchmark of the built binary's cold start: --version and `gate` (status file, store) against a bare `node -e ''`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContracts } from '../src/contracts/load.js';
import { checkGate } from '../src/gate/check-gate.js';
import { writeStatusFile } from '../src/gate/status-file.js';
import { openStore } from '../src/store/store.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = 'meta-page-insights';
const FEATURE = 'engagement_per_view_7d';
const NOW = new Date('2026-03-15T07:00:00Z');

/** Runs per case; cases are interleaved round-robin so a change in the machine's load hits every case alike. */
const RUNS = Number(process.env['COLD_START_RUNS'] ?? 20);
/** The binary to time: this checkout's bin/upwatch.js (built first), or another build's (e.g. main's, for "before"). */
const BIN = process.env['COLD_START_BIN']
  ? resolve(process.env['COLD_START_BIN'])
  : join(ROOT, 'bin/upwatch.js');

interface Case {
  label: string;
  args: string[];
  /** Allowed milliseconds above bare Node (median), or undefined for the baseline. */
  goalMs?: number;
  /** Expected exit code (a wrong one means the case measured an error path). */
  exit: number;
}

/** A temp directory with the repository's contracts, a store holding one ok poll of the feature's source, and a status file. */
async function fixture(): Promise<{ dir: string; db: string; statusFile: string; contracts: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-cold-'));
  const contractsDir = join(dir, 'contracts');
  cpSync(join(ROOT, 'contracts'), contractsDir, { recursive: true });
  const db = join(dir, 'upwatch.db');
  const statusFile = join(dir, 'status.json');
  const { contracts } = await loadContracts(contractsDir, { now: NOW, root: dir });
  const store = openStore(db);
  try {
    const at = NOW.toISOString();
    const observations = ['page_post_engagements', 'page_media_view'].flatMap((metric) =>
      Array.from({ length: 28 }, (_, i) => ({
        source: SOURCE,
        metric,
        entity: '111',
        periodEnd: new Date(NOW.getTime() - i * 86_400_000).toISOString(),
        value: 1000 + i,
        jsonType: 'int' as const,
      })),
    );
    await store.recordPoll({
      source: SOURCE,
      startedAt: at,
      finishedAt: at,
      outcome: 'ok',
      fetch: { observations, requests: [], metricOutcomes: [] },
    });
    writeStatusFile(statusFile, await checkGate({ store, contracts, features: [FEATURE], now: NOW }));
  } finally {
    await store.close();
  }
  return { dir, db, statusFile, contracts: contractsDir };
}

/** CPU milliseconds of this process's waited-for children (Linux /proc, 10 ms ticks), or NaN elsewhere. */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime at the usual 100 ticks per second
  } catch {
    return NaN;
  }
}

interface Timed {
  ms: number;
  cpuMs: number;
  status: number | null;
  stderr: string;
}

function timeOnce(args: string[], cwd: string): Timed {
  const c = childrenCpuMs();
  const t = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - t;
  return { ms, cpuMs: childrenCpuMs() - c, status: r.status, stderr: r.stderr };
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Build unless timing another binary, then time every case RUNS times and print a Markdown table (also returned). */
export async function run(): Promise<string> {
  if (!process.env['COLD_START_BIN']) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
  if (!existsSync(join(BIN, '..', '..', 'dist', 'cli', 'main.js'))) {
    throw new Error(`${BIN} has no dist/cli/main.js next to it: run npm run build there first`);
  }
  const fx = await fixture();
  const cases: Case[] = [
    { label: "`node -e ''` (bare Node)", args: ['-e', ''], exit: 0 },
    { label: '`upwatch --version`', args: [BIN, '--version'], goalMs: 100, exit: 0 },
    {
      label: `\`upwatch gate ${FEATURE} --status-file S\``,
      args: [BIN, 'gate', FEATURE, '--status-file', fx.statusFile],
      goalMs: 150,
      exit: 0,
    },
    {
      label: `\`upwatch gate ${FEATURE} --db D --contracts C\``,
      args: [BIN, 'gate', FEATURE, '--db', fx.db, '--contracts', fx.contracts],
      goalMs: 250,
      exit: 0,
    },
  ];
  const load = loadavg()[0]!.toFixed(1);
  const times: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  try {
    for (const c of cases) {
      const warm = timeOnce(c.args, fx.dir); // fills the OS file cache; not counted
      if (warm.status !== c.exit)
        throw new Error(`${c.label} exited ${warm.status}, expected ${c.exit}:\n${warm.stderr}`);
    }
    for (let r = 0; r < RUNS; r++) {
      for (const [i, c] of cases.entries()) {
        const m = timeOnce(c.args, fx.dir);
        times[i]!.push(m.ms);
        cpu[i]!.push(m.cpuMs);
      }
    }
  } finally {
    rmSync(fx.dir, { recursive: true, force: true });
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const stats = times.map((t, i) => ({
    median: quantile(sorted(t), 0.5),
    p90: quantile(sorted(t), 0.9),
    cpu: quantile(sorted(cpu[i]!), 0.5),
  }));
  const base = stats[0]!;
  const rows = [
    `Binary: ${BIN === join(ROOT, 'bin/upwatch.js') ? 'bin/upwatch.js (built)' : BIN}; ${RUNS} runs per case, interleaved; load average ${load} at start (${loadavg()[0]!.toFixed(1)} at end).`,
    '',
    '| command | median | p90 | median − bare Node | goal | met | CPU (median) | CPU − bare Node |',
    '|---|---|---|---|---|---|---|---|',
    ...cases.map((c, i) => {
      const s = stats[i]!;
      const diff = s.median - base.median;
      const goal = c.goalMs === undefined ? '' : `≤ ${c.goalMs} ms`;
      const met = c.goalMs === undefined ? '' : diff <= c.goalMs ? 'yes' : '**no**';
      const cpuDiff = i === 0 ? '—' : `${(s.cpu - base.cpu).toFixed(0)} ms`;
      return `| ${c.label} | ${s.median.toFixed(0)} ms | ${s.p90.toFixed(0)} ms | ${i === 0 ? '—' : `${diff.toFixed(0)} ms`} | ${goal} | ${met} | ${s.cpu.toFixed(0)} ms | ${cpuDiff} |`;
    }),
  ];
  const md = rows.join('\n');
  console.log(md);
  return md;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
