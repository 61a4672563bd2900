// `upwatch backtest` on a 1-million-row CSV: writes the file from a generated panel, replays it in a child process
// and reports time and peak memory. `node --import tsx bench/detection/backtest-1m.ts 139 556 2224` measures the
// growth (10 metrics × N entities × 180 days: 250,200, 1,000,800 and 4,003,200 rows), one line each;
// `--workers N` first replays on N threads (default: the CLI's, every core; `--workers 1`: in one thread).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generatePanel, panelRows } from './generate.js';

/**
 * What one backtest run measured: rows, CSV size, wall and CPU time of the child, its peak RSS (all its threads),
 * findings printed, and the worker threads asked for (undefined: the CLI's default).
 */
export interface BacktestMeasure {
  workers: number | undefined;
  rows: number;
  mb: number;
  ms: number;
  cpuMs: number;
  maxRssMB: number;
  findings: number;
}

/**
 * Write ≈1,000,000 rows (10 metrics × 556 entities × 180 days) and time the backtest over them, on `workers`
 * threads (default: the CLI's).
 */
export function measureBacktest1M(workers?: number): Promise<BacktestMeasure> {
  return measureBacktest(556, workers);
}

/** Write 10 metrics × `entities` × 180 days of the benchmark panel as a CSV and time `upwatch backtest` over it. */
export async function measureBacktest(entities: number, workers?: number): Promise<BacktestMeasure> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bt1m-'));
  const file = join(dir, 'history.csv');
  const panel = generatePanel(1002, {
    metrics: 10,
    entities,
    days: 180,
    injectFrom: 120,
    injectShare: 0.5,
  });
  const out = createWriteStream(file);
  out.write('date,source,metric,entity,value\n');
  let rows = 0;
  let buf = '';
  for (const r of panelRows(panel)) {
    buf += `${r.date},${r.source},${r.metric},${r.entity},${r.value ?? ''}\n`;
    rows++;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((res) => out.end(res));
  const mb = statSync(file).size / 1e6;
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'backtest-child.ts'),
      file,
      ...(workers !== undefined ? [String(workers)] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  rmSync(dir, { recursive: true, force: true });
  const line = child.stdout.trim().split('\n').pop() ?? '{}';
  const res = JSON.parse(line) as { ms: number; cpuMs: number; maxRssMB: number; findings: number };
  return { workers, rows, mb, ...res };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const flag = args.indexOf('--workers');
  const workers = flag >= 0 ? Number(args.splice(flag, 2)[1]) : undefined;
  for (const n of args.map(Number)) {
    const m = await measureBacktest(n, workers);
    console.log(
      JSON.stringify({
        entities: n,
        ...m,
        rowsPerSecondWall: Math.round(m.rows / (m.ms / 1000)),
        rowsPerSecondCpu: Math.round(m.rows / (m.cpuMs / 1000)),
      }),
    );
  }
}
