// The detection pass a cron `upwatch poll` pays, from a SQLite store: 10 metrics × 1,000 entities × 180 days stored,
// then, each in a fresh process, the reads alone or the whole detectSource (120 days read, every detector run).
//   node --import tsx bench/detection/store-pass.ts build FILE    write the store (once)
//   node --import tsx bench/detection/store-pass.ts read FILE     time the history reads in this fresh process
//   node --import tsx bench/detection/store-pass.ts poll FILE     time detectSource in this fresh process
import { existsSync } from 'node:fs';
import { addDays, isoDay } from '../../src/core/clock.js';
import type { RawObservation } from '../../src/core/observation.js';
import { defaultSource } from '../../src/backtest/replay.js';
import { FRAME_MAX_DAYS } from '../../src/detectors/stats/frame.js';
import { detectSource } from '../../src/pipeline/detect.js';
import { openStore } from '../../src/store/store.js';
import { START } from './generate.js';
import { detectionPassPanel } from './speed.js';

const panel = detectionPassPanel();
const source = defaultSource(panel.source, panel.metrics);
const NOW = new Date(`${addDays(START, 180)}T06:00:00.000Z`);

/** One poll a day of every metric and entity (the day's period ends at 07:00 UTC that day, seen the next morning). */
async function build(file: string): Promise<void> {
  if (existsSync(file)) throw new Error(`${file} exists: remove it or give another path`);
  const store = openStore(file);
  try {
    for (let t = 0; t < 180; t++) {
      const day = addDays(START, t);
      const observations: RawObservation[] = [];
      for (const m of panel.metrics)
        for (const [entity, values] of panel.values.get(m)!) {
          const v = values[t];
          if (v === undefined) continue;
          const periodEnd = `${day}T07:00:00.000Z`;
          observations.push({
            source: panel.source,
            metric: m,
            entity,
            periodEnd,
            value: v,
            jsonType: v === null ? 'null' : 'int',
          });
        }
      const at = `${addDays(day, 1)}T06:00:00.000Z`;
      await store.recordPoll({
        source: panel.source,
        startedAt: at,
        finishedAt: at,
        outcome: 'ok',
        fetch: { observations, requests: [], metricOutcomes: [] },
      });
    }
  } finally {
    await store.close();
  }
}

async function timed(what: string, file: string): Promise<void> {
  // Opening is timed too (`openMs`): a cron poll pays it, and it ran SQLite's quick_check every time until
  // migration 14.
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const store = openStore(file);
  const openMs = Math.round(performance.now() - t0);
  try {
    let n = 0;
    if (what === 'read') {
      const sinceDay = addDays(isoDay(NOW), -FRAME_MAX_DAYS);
      // What the detectors read of every metric: its columns (point objects are made only when asked for).
      for (const m of panel.metrics)
        for (const c of (await store.metricHistory(panel.source, m, { sinceDay })).columns?.values() ?? [])
          n += c.days.length;
    } else {
      n = (await detectSource(store, source, NOW, [])).length;
    }
    const c = process.cpuUsage(c0);
    const out = {
      what,
      openMs,
      ms: Math.round(performance.now() - t0),
      cpuMs: Math.round((c.user + c.system) / 1000),
      n,
    };
    console.log(JSON.stringify(out));
  } finally {
    await store.close();
  }
}

const [what, file] = process.argv.slice(2);
if (!file || !['build', 'read', 'poll'].includes(what ?? '')) {
  console.error('usage: store-pass.ts build|read|poll FILE');
  process.exitCode = 2;
} else if (what === 'build') await build(file);
else await timed(what!, file);
