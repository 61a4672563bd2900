// Replay of a generated panel in-process, for profiling the backtest without the CSV step
// (`node --cpu-prof --import tsx bench/detection/replay-profile.ts 150`): prints rows, wall and CPU time, events
// and a digest of every event and every day's findings (equal digests: an identical replay). It holds the collector
// settings `upwatch backtest` holds (heap-bound.ts).
import { createHash } from 'node:crypto';
import { HistorySet } from '../../src/backtest/history-set.js';
import { boundHeapGrowth } from '../../src/backtest/heap-bound.js';
import { replayFindings } from '../../src/backtest/replay.js';
import { generatePanel, panelRows } from './generate.js';

const entities = Number(process.argv[2] ?? 150);
const panel = generatePanel(1002, { metrics: 10, entities, days: 180, injectFrom: 120, injectShare: 0.5 });
const set = new HistorySet();
for (const r of panelRows(panel)) set.add(r);
set.finish();
const t0 = performance.now();
const c0 = process.cpuUsage();
const digest = createHash('sha256');
// The collector settings `upwatch backtest` holds while it replays in one thread (see heap-bound.ts).
const release = boundHeapGrowth(100);
const { events } = replayFindings(set, {
  onDay: (day, source, fs) => void digest.update(JSON.stringify({ day, source, fs })),
});
release();
const c = process.cpuUsage(c0);
console.log(
  JSON.stringify({
    rows: set.rows,
    ms: Math.round(performance.now() - t0),
    cpuMs: Math.round((c.user + c.system) / 1000),
    events: events.length,
    // Every event and every day's findings: equal digests mean an identical replay.
    digest: createHash('sha256')
      .update(JSON.stringify(events))
      .update(digest.digest('hex'))
      .digest('hex')
      .slice(0, 16),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
