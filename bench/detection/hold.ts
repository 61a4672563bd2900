// Labelled "hold the line" cases, replayed without contracts through the real backtest path:
// a partial freeze weighted by volume, a vanished metric, a 0..1 ratio scaled ×100, and healthy series of both kinds.
// Scored per class: share blocked within 4 days, share whose factor is named right, block false alarms on healthy ones.
import { addDays, daysBetween } from '../../src/core/clock.js';
import type { HistoryRow } from '../../src/backtest/history-file.js';
import { HistorySet } from '../../src/backtest/history-set.js';
import { replayHistory, type BacktestFinding } from '../../src/backtest/replay.js';
import { negBinomial, normal, seeded, type Rand } from '../../src/core/random.js';
import { START } from './generate.js';

/** The classes of this set; `healthy-*` carry no injection. */
export const HOLD_CLASSES = [
  'freeze-by-volume',
  'vanished',
  'ratio-x100',
  'healthy-count',
  'healthy-ratio',
] as const;
export type HoldClass = (typeof HOLD_CLASSES)[number];

export const HOLD_DAYS = 120;
export const HOLD_ONSET = 80;
const ENTITIES = 60;
/** Days replayed before findings count (the history before them is still used). */
const WARMUP = 50;

/** One source of the set: its class, the day it broke (undefined when healthy) and the factor it was scaled by. */
interface Case {
  cls: HoldClass;
  source: string;
  onset?: number;
  factor?: number;
  rows: HistoryRow[];
}

function countPanel(r: Rand): { size: number[]; series: number[][] } {
  // Page sizes spread over two decades, so the 8 largest pages carry most of the volume.
  const size = Array.from({ length: ENTITIES }, () => Math.exp(4 + 1.5 * normal(r)));
  const series = size.map((lvl) => {
    const amp = 0.05 + 0.3 * r();
    let ar = 0;
    return Array.from({ length: HOLD_DAYS }, (_, t) => {
      ar = 0.5 * ar + 0.15 * normal(r);
      return negBinomial(r, lvl * Math.exp(amp * Math.sin((2 * Math.PI * t) / 7) + ar), 10);
    });
  });
  return { size, series };
}

function ratioPanel(r: Rand): number[][] {
  return Array.from({ length: ENTITIES }, () => {
    const base = 0.02 + 0.1 * r();
    return Array.from({ length: HOLD_DAYS }, () =>
      Math.min(0.99, Math.max(0.001, Math.round(base * Math.exp(0.35 * normal(r)) * 1e4) / 1e4)),
    );
  });
}

function rowsOf(source: string, series: (number | undefined)[][]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (let t = 0; t < HOLD_DAYS; t++) {
    const date = addDays(START, t);
    series.forEach((s, i) => {
      const v = s[t];
      if (v !== undefined)
        rows.push({ date, source, metric: 'metric', entity: `page_${String(i).padStart(2, '0')}`, value: v });
    });
  }
  return rows;
}

/** The five sources of one seed. */
export function holdCases(seed: number): Case[] {
  const r = seeded(seed * 104729 + 13);
  const cases: Case[] = [];
  {
    const { size, series } = countPanel(r);
    const largest = size
      .map((s, i) => [s, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 8)
      .map(([, i]) => i);
    for (const i of largest) {
      const s = series[i]!;
      for (let t = HOLD_ONSET; t < HOLD_DAYS; t++) s[t] = s[HOLD_ONSET - 1]!;
    }
    cases.push({
      cls: 'freeze-by-volume',
      source: `freeze-${seed}`,
      onset: HOLD_ONSET,
      rows: rowsOf(`freeze-${seed}`, series),
    });
  }
  {
    const { series } = countPanel(r);
    const cut: (number | undefined)[][] = series.map((s) =>
      s.map((v, t) => (t < HOLD_ONSET ? v : undefined)),
    );
    cases.push({
      cls: 'vanished',
      source: `vanished-${seed}`,
      onset: HOLD_ONSET,
      rows: rowsOf(`vanished-${seed}`, cut),
    });
  }
  {
    const series = ratioPanel(r).map((s) =>
      s.map((v, t) => (t < HOLD_ONSET ? v : Math.round(v * 100 * 100) / 100)),
    );
    cases.push({
      cls: 'ratio-x100',
      source: `ratio-${seed}`,
      onset: HOLD_ONSET,
      factor: 100,
      rows: rowsOf(`ratio-${seed}`, series),
    });
  }
  cases.push({
    cls: 'healthy-count',
    source: `healthy-count-${seed}`,
    rows: rowsOf(`healthy-count-${seed}`, countPanel(r).series),
  });
  cases.push({
    cls: 'healthy-ratio',
    source: `healthy-ratio-${seed}`,
    rows: rowsOf(`healthy-ratio-${seed}`, ratioPanel(r)),
  });
  return cases;
}

/** Per class: cases, blocked within 4 days of onset, factor named right, block false alarms (healthy or pre-onset). */
export interface HoldScore {
  seeds: number;
  perClass: Record<
    HoldClass,
    { cases: number; blocked4d: number; factorNamed: number; factorCases: number; blockFalseAlarms: number }
  >;
  /** The finding each injected case ended the replay with, for reading (first seed only). */
  examples: { cls: HoldClass; rule: string; severity: string; explanation: string }[];
}

function dayOf(f: BacktestFinding): number {
  return daysBetween(START, f.dataDay);
}

/**
 * Replay `seeds` seeds of the hold cases and score them.
 *
 * @example
 * const s = runHoldCases([51, 52]);
 * s.perClass['vanished'].blocked4d // cases blocked within 4 days
 */
export function runHoldCases(seeds: readonly number[]): HoldScore {
  const perClass = Object.fromEntries(
    HOLD_CLASSES.map((c) => [
      c,
      { cases: 0, blocked4d: 0, factorNamed: 0, factorCases: 0, blockFalseAlarms: 0 },
    ]),
  ) as HoldScore['perClass'];
  const examples: HoldScore['examples'] = [];
  for (const seed of seeds) {
    const cases = holdCases(seed);
    const set = new HistorySet();
    for (const c of cases) for (const row of c.rows) set.add(row);
    set.finish();
    const events = replayHistory(set, { warmupDays: WARMUP });
    for (const c of cases) {
      const pc = perClass[c.cls];
      pc.cases++;
      const mine = events.filter((e) => e.source === c.source && e.event !== 'resolved');
      const onset = c.onset;
      const blocks = mine.filter((e) => e.severity === 'block');
      if (onset === undefined) {
        if (blocks.length > 0) pc.blockFalseAlarms++;
        continue;
      }
      if (blocks.some((e) => dayOf(e) < onset)) pc.blockFalseAlarms++;
      if (blocks.some((e) => dayOf(e) >= onset && dayOf(e) - onset <= 4)) pc.blocked4d++;
      if (c.factor !== undefined) {
        pc.factorCases++;
        // The first scale finding after onset names the factor (within 4 days).
        const first = mine.find((e) => e.class === 'scale' && dayOf(e) >= onset && dayOf(e) - onset <= 4);
        const f = first?.evidence['factor'];
        if (typeof f === 'number' && Math.abs(Math.log10(f / c.factor)) < 0.01) pc.factorNamed++;
      }
      if (seed === seeds[0]) {
        const after = mine.filter((e) => dayOf(e) >= onset);
        const ex = after.find((e) => e.severity === 'block') ?? after[after.length - 1];
        if (ex)
          examples.push({ cls: c.cls, rule: ex.rule, severity: ex.severity, explanation: ex.explanation });
      }
    }
  }
  return { seeds: seeds.length, perClass, examples };
}

/** The hold score as the text the benchmark prints. */
export function formatHold(s: HoldScore): string {
  const pct = (a: number, b: number) => (b > 0 ? `${a}/${b} = ${((100 * a) / b).toFixed(0)} %` : '—');
  const lines = [
    `hold-the-line cases (${s.seeds} seeds; ${ENTITIES} pages × ${HOLD_DAYS} days, onset day ${HOLD_ONSET}, no contracts):`,
    'class              blocked ≤4 d    factor named    block false alarms',
  ];
  for (const c of HOLD_CLASSES) {
    const pc = s.perClass[c];
    const healthy = c.startsWith('healthy');
    lines.push(
      `${c.padEnd(18)} ${(healthy ? '—' : pct(pc.blocked4d, pc.cases)).padEnd(15)} ${(pc.factorCases ? pct(pc.factorNamed, pc.factorCases) : '—').padEnd(15)} ${pc.blockFalseAlarms}/${pc.cases}`,
    );
  }
  for (const e of s.examples) lines.push(`  e.g. ${e.cls}: ${e.severity} ${e.rule}: ${e.explanation}`);
  return lines.join('\n');
}
