// The detection benchmark: labelled synthetic panels replayed through the real backtest path, scored per class,
// plus the speed of one detection pass. `npm run bench:detect` (or `tsx bench/detection/index.ts [--calibration]`).
import { pathToFileURL } from 'node:url';
import { HistorySet } from '../../src/backtest/history-set.js';
import { replayHistory } from '../../src/backtest/replay.js';
import { generatePanel, panelRows, type PanelSpec } from './generate.js';
import { entityHitCollector, scoreSeeds, TYPES, type Score, type SeedResult } from './score.js';
import { measureDetectionPass } from './speed.js';
import { measureBacktest1M } from './backtest-1m.js';
import { formatHold, runHoldCases, type HoldScore } from './hold.js';

/** Calibration seeds (tune defaults on these only) and held-out test seeds. */
export const CALIBRATION_SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
export const TEST_SEEDS = Array.from({ length: 50 }, (_, i) => i + 51);

export const BENCH_PANEL: PanelSpec = {
  metrics: 10,
  entities: 100,
  days: 180,
  injectFrom: 100,
  injectShare: 0.8,
};
/** Days replayed before scoring starts (the first 60 build history). */
export const WARMUP_DAYS = 60;

/** Replay one seed and collect its events and entity-level hits. */
export function replaySeed(seed: number, spec: PanelSpec = BENCH_PANEL): SeedResult {
  const panel = generatePanel(seed, spec);
  const set = new HistorySet();
  for (const row of panelRows(panel)) set.add(row);
  set.finish();
  const { hits, onDay } = entityHitCollector(panel);
  const events = replayHistory(set, { warmupDays: WARMUP_DAYS, onDay });
  return {
    panel,
    events,
    entityHits: hits,
    evaluatedDays: spec.days - WARMUP_DAYS,
    firstEvaluatedDay: WARMUP_DAYS,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
const num = (x: number) => (Number.isFinite(x) ? String(x) : '—');

/** The score as the text the benchmark prints. */
export function formatScore(title: string, s: Score): string {
  const lines: string[] = [];
  lines.push(
    `${title}: seeds ${s.seeds[0]}–${s.seeds[s.seeds.length - 1]} (${s.seeds.length}), ${s.seriesDays.toLocaleString('en-US')} series-days evaluated, ${s.cleanSeriesDays.toLocaleString('en-US')} clean`,
  );
  lines.push('');
  lines.push('class    labels  episodes  precision  recall    F1      median delay  p90 delay');
  for (const k of TYPES) {
    const pc = s.perClass[k];
    if (!pc) continue;
    lines.push(
      `${k.padEnd(8)} ${String(pc.labels).padStart(6)}  ${String(pc.episodes).padStart(8)}  ${pct(pc.precision).padStart(9)}  ${pct(pc.recall).padStart(7)}  ${pct(pc.f1).padStart(7)}  ${num(pc.medianDelay).padStart(12)}  ${num(pc.p90Delay).padStart(9)}`,
    );
  }
  lines.push('');
  lines.push(
    `false-alarm episodes on clean series: ${s.falseAlarmEpisodes} (${s.falseAlarmsPer1000.toFixed(3)} per 1,000 series-days; by type ${JSON.stringify(s.falseAlarmsByKind)})`,
  );
  lines.push(`block-severity false alarms: ${s.blockFalseAlarms}`);
  for (const b of s.blockFalseAlarmList)
    lines.push(`  seed ${b.seed} ${b.metric} day ${b.day} ${b.kind} on ${b.entities.join(', ')}`);
  lines.push('');
  lines.push('typing confusion (rows: injected class; columns: first matching finding type)');
  const cols = [...TYPES, 'missed'];
  lines.push(`${''.padEnd(8)} ${cols.map((c) => c.padStart(7)).join('')}`);
  for (const [row, counts] of Object.entries(s.confusion))
    lines.push(`${row.padEnd(8)} ${cols.map((c) => String(counts[c] ?? 0).padStart(7)).join('')}`);
  lines.push('');
  const g = s.goals;
  lines.push(
    `goal: freeze recall ≤4 d, entities ≥5/day: ${g.freezeRecall4d.caught}/${g.freezeRecall4d.entities} = ${pct(g.freezeRecall4d.recall)} (goal ≥ 95 %)`,
  );
  lines.push(
    `goal: unit recall ≤2 d, ×60/×100/×1000 on entities ≥100/day, factor named: ${g.unitRecall2d.caught}/${g.unitRecall2d.entities} = ${pct(g.unitRecall2d.recall)} (goal ≥ 98 %)`,
  );
  lines.push(
    `      judged 2 days in (a first-day ×60 corrected to ×100 by then counts): ${g.unitRecall2dSettled.caught}/${g.unitRecall2dSettled.entities} = ${pct(g.unitRecall2dSettled.recall)}`,
  );
  lines.push(
    `      same for reciprocals (÷60, ÷100, ÷1000): ${g.unitRecall2dReciprocal.caught}/${g.unitRecall2dReciprocal.entities} = ${pct(g.unitRecall2dReciprocal.recall)}`,
  );
  lines.push(
    `goal: no block false alarm over ≥100,000 clean series-days: ${s.blockFalseAlarms === 0 && s.cleanSeriesDays >= 100_000 ? 'met' : 'NOT met'}`,
  );
  return lines.join('\n');
}

/**
 * Run the detection benchmark (called by bench/run.ts). Options: `calibration` scores the calibration seeds instead
 * of the test seeds; `seeds` limits how many are replayed.
 */
export function runDetectionBench(
  options: {
    calibration?: boolean;
    seeds?: number;
    /** Seeds of the set skipped first (`--skip=32` starts the test seeds at 83). */
    skip?: number;
    speed?: boolean;
    log?: (s: string) => void;
  } = {},
): { score: Score; hold: HoldScore; speed?: ReturnType<typeof measureDetectionPass> } {
  const log = options.log ?? ((s: string) => console.log(s));
  const all = options.calibration ? CALIBRATION_SEEDS : TEST_SEEDS;
  const skip = options.skip ?? 0;
  const seeds = all.slice(skip, skip + (options.seeds ?? 4));
  const results: SeedResult[] = [];
  const t0 = performance.now();
  for (const seed of seeds) {
    results.push(replaySeed(seed));
    log(`  seed ${seed} replayed (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const score = scoreSeeds(results);
  log(formatScore(options.calibration ? 'calibration seeds' : 'test seeds', score));
  const hold = runHoldCases(seeds);
  log('');
  log(formatHold(hold));
  let speed;
  if (options.speed !== false) {
    speed = measureDetectionPass(3);
    log('');
    log(
      `speed: one detection pass over ${speed.series.toLocaleString('en-US')} series × ${speed.days} days: wall ${speed.ms.map((x) => x.toFixed(0)).join(' / ')} ms, CPU ${speed.cpuMs.map((x) => x.toFixed(0)).join(' / ')} ms (${speed.findings} findings)`,
    );
  }
  return { score, hold, ...(speed ? { speed } : {}) };
}

/**
 * Entry for bench/run.ts (`npm run bench:detect`): test seeds, the speed pass and the 1-million-row backtest.
 * Environment knobs: UPWATCH_BENCH_SEEDS (default 4), UPWATCH_BENCH_CALIBRATION=1, UPWATCH_BENCH_BACKTEST=0.
 */
export async function run(): Promise<string> {
  const lines: string[] = [];
  const log = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  const seeds = Number(process.env['UPWATCH_BENCH_SEEDS'] ?? 4);
  runDetectionBench({ calibration: process.env['UPWATCH_BENCH_CALIBRATION'] === '1', seeds, log });
  if (process.env['UPWATCH_BENCH_BACKTEST'] !== '0') {
    const bt = await measureBacktest1M();
    log(
      `backtest: ${bt.rows.toLocaleString('en-US')} rows (${bt.mb.toFixed(1)} MB CSV) replayed in ${(bt.ms / 1000).toFixed(1)} s wall, ` +
        `${(bt.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${bt.maxRssMB.toFixed(0)} MB, ${bt.findings} findings printed`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const seedsArg = args.find((a) => a.startsWith('--seeds='));
  const skipArg = args.find((a) => a.startsWith('--skip='));
  runDetectionBench({
    calibration: args.includes('--calibration'),
    speed: !args.includes('--no-speed'),
    ...(seedsArg ? { seeds: Number(seedsArg.slice(8)) } : {}),
    ...(skipArg ? { skip: Number(skipArg.slice(7)) } : {}),
  });
  if (args.includes('--backtest')) console.log(await measureBacktest1M());
}
