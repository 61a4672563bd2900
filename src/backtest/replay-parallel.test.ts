// The parallel replay must report exactly what replayFindings reports: same events in the same order, same
// records, same daily findings, each kind once; also when a re-baselining change in an early chunk proves a later
// chunk's assumed regimes wrong, and it must fail cleanly (no hang) when a worker thread dies.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePanel, panelRows } from '../../bench/detection/generate.js';
import { addDays } from '../core/clock.js';
import { isUpwatchError } from '../core/errors.js';
import { negBinomial, normal, seeded } from '../core/random.js';
import { regimeChanges } from '../detectors/regime.js';
import { dayNumber } from '../detectors/stats/days.js';
import { planChunks } from './day-chunks.js';
import { HistorySet } from './history-set.js';
import { replayFindings, type ReplayOptions } from './replay.js';
import { replayFindingsParallel } from './replay-parallel.js';

const START = '2026-01-05';

/** What a replay reports through every callback, and what it returns. */
function recorder() {
  const days = createHash('sha256');
  const kinds: string[] = [];
  const findings: string[] = [];
  const regimeDays: string[] = [];
  const options: ReplayOptions = {
    onDay: (day, source, fs) => {
      days.update(JSON.stringify({ day, source, fs }));
      if (regimeChanges(fs).length > 0) regimeDays.push(day);
    },
    onKind: (source, metric, kind) => kinds.push(`${source}/${metric} ${kind}`),
    onFinding: (f) => findings.push(JSON.stringify(f)),
  };
  let digest: string | undefined;
  const seen = () => ({ days: (digest ??= days.digest('hex')), kinds, findings });
  return { options, seen, regimeDays };
}

/**
 * One source: `views`, a count divided by 1000 on every page from day `scaleFrom` and multiplied by 10 from day
 * 70 (measured against the new regime only once the first change re-baselined it), and `ctr`, a 0..1 ratio.
 */
function earlyChangeSet(scaleFrom: number): HistorySet {
  const r = seeded(2027);
  const set = new HistorySet();
  for (let t = 0; t < 100; t++)
    for (let e = 0; e < 24; e++) {
      const date = addDays(START, t);
      const views = negBinomial(r, 500 + 60 * e, 20);
      const factor = (t >= scaleFrom ? 1 / 1000 : 1) * (t >= 70 ? 10 : 1);
      set.add({ date, source: 'site', metric: 'views', entity: `p${e}`, value: views * factor });
      const ctr = Math.round(Math.min(0.9, (0.02 + e / 400) * Math.exp(0.3 * normal(r))) * 1e4) / 1e4;
      set.add({ date, source: 'site', metric: 'ctr', entity: `p${e}`, value: ctr });
    }
  set.finish();
  return set;
}

describe('replayFindingsParallel', () => {
  it.each([2, 3])('gives what replayFindings gives on a benchmark panel (%i workers)', async (workers) => {
    const set = new HistorySet();
    const spec = { metrics: 6, entities: 16, days: 110, injectFrom: 70, injectShare: 0.8 };
    for (const row of panelRows(generatePanel(51, spec))) set.add(row);
    set.finish();
    const seq = recorder();
    const expected = replayFindings(set, { ...seq.options, warmupDays: 20 });
    const par = recorder();
    const got = await replayFindingsParallel(set, { ...par.options, warmupDays: 20, workers });
    expect(expected.events.length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
    expect(par.seen()).toEqual(seq.seen());
  });

  it('replays a chunk again when a scale change in an earlier chunk starts a new regime', async () => {
    const set = earlyChangeSet(15);
    const seq = recorder();
    const expected = replayFindings(set, seq.options);
    // The change starts a regime inside the first of two chunks: the second chunk's worker assumed none.
    const [firstChunk] = planChunks(set, set.minDay + 1, set.maxDay, 2);
    expect(seq.regimeDays.length).toBeGreaterThan(0);
    expect(dayNumber(seq.regimeDays[0]!)).toBeLessThanOrEqual(firstChunk!.to);
    expect(seq.seen().kinds).toEqual(['site/ctr ratio']);
    const par = recorder();
    const got = await replayFindingsParallel(set, { ...par.options, workers: 2 });
    expect(got).toEqual(expected);
    expect(par.seen()).toEqual(seq.seen());
  });

  it('reports progress up to every day, and replays in this thread with one worker', async () => {
    const set = earlyChangeSet(200);
    const done: number[] = [];
    await replayFindingsParallel(set, { workers: 2, onProgress: (d, total) => done.push(total - d) });
    expect(Math.min(...done)).toBe(0);
    const one = await replayFindingsParallel(set, { workers: 1 });
    expect(one).toEqual(replayFindings(set));
  });

  it('rejects with WORKER_FAILED when a worker thread runs out of memory', async () => {
    const set = earlyChangeSet(200);
    const failed = await replayFindingsParallel(set, { workers: 2, workerHeapMB: 2 }).catch(
      (e: unknown) => e,
    );
    expect(isUpwatchError(failed, 'WORKER_FAILED')).toBe(true);
    expect((failed as Error).message).toMatch(/a backtest worker thread failed/);
    expect((failed as { hint?: string }).hint).toMatch(/run with fewer --workers/);
  });
});
