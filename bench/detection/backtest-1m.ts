// `upwatch backtest` on a 1-million-row CSV: writes the file from a generated panel, replays it in a child process
// and reports time and peak memory.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePanel, panelRows } from './generate.js';

/** Write ≈1,000,000 rows (10 metrics × 556 entities × 180 days) and time the backtest over them. */
export async function measureBacktest1M(): Promise<{
  rows: number;
  mb: number;
  ms: number;
  cpuMs: number;
  maxRssMB: number;
  findings: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bt1m-'));
  const file = join(dir, 'history.csv');
  const panel = generatePanel(1002, {
    metrics: 10,
    entities: 556,
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
    ['--import', 'tsx', join(import.meta.dirname, 'backtest-child.ts'), file],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  rmSync(dir, { recursive: true, force: true });
  const line = child.stdout.trim().split('\n').pop() ?? '{}';
  const res = JSON.parse(line) as { ms: number; cpuMs: number; maxRssMB: number; findings: number };
  return { rows, mb, ...res };
}
