// Replay of a generated panel in-process, for profiling the backtest without the CSV step
// (`node --cpu-prof --import tsx bench/detection/replay-profile.ts 150`): prints rows, wall and CPU time, events.
import { HistorySet } from '../../src/backtest/history-set.js';
import { replayFindings } from '../../src/backtest/replay.js';
import { generatePanel, panelRows } from './generate.js';

const entities = Number(process.argv[2] ?? 150);
const panel = generatePanel(1002, { metrics: 10, entities, days: 180, injectFrom: 120, injectShare: 0.5 });
const set = new HistorySet();
for (const r of panelRows(panel)) set.add(r);
set.finish();
const t0 = performance.now();
const c0 = process.cpuUsage();
const { events } = replayFindings(set, {});
const c = process.cpuUsage(c0);
console.log(
  JSON.stringify({
    rows: set.rows,
    ms: Math.round(performance.now() - t0),
    cpuMs: Math.round((c.user + c.system) / 1000),
    events: events.length,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
