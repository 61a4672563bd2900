// F1: a value repeated improbably long, judged against the series' own adaptive tie rate (detection.md §3.2).
import type { Severity } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { entitiesToday, entityList, metricInput, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { NULL, VALUE, type EntitySeries, type MetricFrame } from './stats/frame.js';
import { mad, median, variance } from './stats/robust.js';
import { formatNumber, formatProbability } from './stats/units.js';

export interface FrozenRunOptions {
  /** Run probability below which a run is a freeze (FAIL). */
  alpha: number;
  /** Run probability below which a run is suspect. */
  suspectAlpha: number;
  /** Shortest run considered. */
  minRun: number;
  /** Days of history before the run used to learn the tie rate (H). */
  historyDays: number;
  /** Median level per period below which a freeze cannot be told from noise (reported as info). */
  minLevel: number;
  /** Day-pairs of history needed for the statistical test; below it the QARTOD 3/5 rule applies. */
  minPairs: number;
  /** QARTOD flat-line thresholds (run lengths) used with short history. */
  qartodSuspect: number;
  qartodFail: number;
  /** Share of entities frozen at FAIL from which the finding blocks (panel-wide); below it, warn. */
  escalateShare: number;
}

/** What F1 concluded for one entity. */
export interface EntityRun {
  entity: string;
  status: 'fail' | 'suspect' | 'undecidable';
  value: number;
  runLength: number;
  probability: number;
  tieRate: number;
  ties: number;
  pairs: number;
  level: number;
  historyDays: number;
  runStart: number;
  onset: number;
  method: 'tie-rate' | 'qartod';
}

function decimalsOf(v: number): number {
  if (Number.isInteger(v)) return 0;
  const s = String(v);
  const e = s.indexOf('e');
  if (e >= 0) return 6;
  const dot = s.indexOf('.');
  return Math.min(6, s.length - dot - 1);
}

/** Analyse the run ending today for one entity. Exported for the benchmark and tests. */
export function analyseRun(frame: MetricFrame, s: EntitySeries, o: FrozenRunOptions): EntityRun | undefined {
  const T = frame.length - 1;
  const { values, presence } = s;
  if (presence[T] !== VALUE) return undefined;
  const v = values[T]!;
  const eps = Number.isInteger(v) ? 0 : 1e-9 * Math.abs(v);
  let runStart = T;
  let r = 1;
  for (let i = T - 1; i >= 0; i--) {
    if (presence[i] === NULL) break;
    if (presence[i] !== VALUE) continue;
    if (Math.abs(values[i]! - v) > eps) break;
    runStart = i;
    r++;
  }
  if (r < Math.min(o.minRun, o.qartodSuspect)) return undefined;
  // History H: up to historyDays grid days before the run.
  const hist: number[] = [];
  for (let i = Math.max(0, runStart - o.historyDays); i < runStart; i++) {
    if (presence[i] === VALUE) hist.push(values[i]!);
    else if (presence[i] === NULL) hist.push(NaN);
  }
  let pairs = 0;
  let ties = 0;
  const diffs: number[] = [];
  let decimals = decimalsOf(v);
  for (let k = 1; k < hist.length; k++) {
    const a = hist[k - 1]!;
    const b = hist[k]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    pairs++;
    const tol = Number.isInteger(a) && Number.isInteger(b) ? 0 : 1e-9 * Math.abs(a);
    if (Math.abs(a - b) <= tol) ties++;
    diffs.push(b - a);
    decimals = Math.max(decimals, decimalsOf(b));
  }
  const histValues = hist.filter(Number.isFinite);
  const level = histValues.length > 0 ? median(histValues) : v;
  // The run's first value is part of the freeze when it jumped away from its predecessor.
  let onset = runStart + 1;
  const prev = histValues[histValues.length - 1];
  if (prev !== undefined && diffs.length >= 3) {
    const spread = 1.4826 * mad(diffs);
    if ((Math.abs(v - prev) > 3 * spread && spread > 0) || (v === 0 && level >= o.minLevel)) onset = runStart;
  } else if (prev === undefined) {
    onset = runStart;
  }
  if (onset > T) onset = T;
  const base = {
    entity: s.entity,
    value: v,
    runLength: r,
    ties,
    pairs,
    level,
    historyDays: Math.min(o.historyDays, runStart),
    runStart,
    onset,
  };
  if (pairs >= o.minPairs) {
    const resolution = Math.pow(10, -decimals);
    const varD = variance(diffs);
    const modelFloor = varD > 0 ? Math.min(1, resolution / Math.sqrt(2 * Math.PI * varD)) : 1;
    const tieRate = Math.max((ties + 0.5) / (pairs + 1), modelFloor);
    const probability = Math.pow(tieRate, r - 1);
    if (r < o.minRun || probability >= o.suspectAlpha) return undefined;
    const status = level < o.minLevel ? 'undecidable' : probability < o.alpha ? 'fail' : 'suspect';
    return { ...base, status, probability, tieRate, method: 'tie-rate' };
  }
  if (r < o.qartodSuspect) return undefined;
  // Constant since monitoring began: nothing to compare with, so at most suspect.
  const sinceStart = histValues.length === 0;
  const status =
    level < o.minLevel
      ? r >= o.qartodFail
        ? 'undecidable'
        : undefined
      : r >= o.qartodFail && v !== 0 && !sinceStart
        ? 'fail'
        : 'suspect';
  if (!status) return undefined;
  return { ...base, status, probability: NaN, tieRate: NaN, method: 'qartod' };
}

export const frozenRun: Detector<FrozenRunOptions> = {
  id: 'frozen-run',
  title: 'Value repeated improbably long',
  description:
    'Flags entities whose latest value has repeated for a run whose probability, given how often the series ' +
    'repeated itself over the prior 56 days (Jeffreys-smoothed tie rate floored by the chance two noisy draws ' +
    'coincide), is below alpha. Blocks when at least half the entities are frozen, warns otherwise; series below ' +
    'the level guard are reported as undecidable (info), never as frozen. Short histories fall back to the ' +
    'QARTOD flat-line rule (suspect after 3, fail after 5, zero exempt from fail).',
  class: 'frozen',
  stage: 'frozen',
  scope: 'metric',
  warmUp: {
    days: (o) => o.minPairs + 1,
    why: 'the tie-rate test learns how often the series repeats itself from `minPairs` day-pairs before the run; with fewer, a few equal low counts look like a freeze',
  },
  defaults: {
    alpha: 1e-6,
    suspectAlpha: 1e-3,
    minRun: 3,
    historyDays: 56,
    minLevel: 5,
    minPairs: 8,
    qartodSuspect: 3,
    qartodFail: 5,
    escalateShare: 0.5,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      suspectAlpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      minRun: { type: 'integer', minimum: 2 },
      historyDays: { type: 'integer', minimum: 7 },
      minLevel: { type: 'number', minimum: 0 },
      minPairs: { type: 'integer', minimum: 1 },
      qartodSuspect: { type: 'integer', minimum: 2 },
      qartodFail: { type: 'integer', minimum: 2 },
      escalateShare: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  detect(input) {
    const m = metricInput(input);
    if (!m) return [];
    const { frame, metric } = m;
    const o = input.options;
    const runs: EntityRun[] = [];
    for (const s of frame.entities) {
      const run = analyseRun(frame, s, o);
      if (run) runs.push(run);
    }
    if (runs.length === 0) return [];
    const n = Math.max(1, entitiesToday(frame));
    const decided = runs.filter((x) => x.status !== 'undecidable');
    const chosen = decided.length > 0 ? decided : runs;
    const failing = chosen.filter((x) => x.status === 'fail').length;
    let severity: Severity = 'info';
    if (decided.length > 0) severity = failing > 0 && failing / n >= o.escalateShare ? 'block' : 'warn';
    chosen.sort((a, b) => (a.probability || 1) - (b.probability || 1) || b.runLength - a.runLength);
    const worst = chosen[0]!;
    const entities = chosen.map((x) => x.entity).sort();
    const onset = Math.min(...chosen.map((x) => x.onset));
    const d1 = dayString(frame.startDay + worst.runStart);
    const d2 = dayString(frame.endDay);
    const others =
      chosen.length > 1 ? ` ${chosen.length}/${n} entities are stuck (${entityList(entities)}).` : '';
    const chance =
      worst.method === 'tie-rate'
        ? `in the prior ${worst.historyDays} d it repeated on ${worst.ties}/${worst.pairs} day-pairs, so this run has chance ≈${formatProbability(worst.probability)}`
        : `with only ${worst.pairs} day-pairs of history, the QARTOD flat-line rule applies (suspect after ${o.qartodSuspect}, fail after ${o.qartodFail})`;
    let explanation: string;
    if (severity === 'info') {
      explanation =
        `${metric.name}, ${worst.entity}: exactly ${formatNumber(worst.value)} for ${worst.runLength} days (${d1}–${d2}), ` +
        `but at a level of ${formatNumber(worst.level)} per period (guard ${o.minLevel}) a repeat cannot be told from noise; undecidable.` +
        (chosen.length > 1
          ? ` ${chosen.length}/${n} low-volume entities repeat (${entityList(entities)}).`
          : '');
    } else {
      explanation =
        `${metric.name}, ${worst.entity}: exactly ${formatNumber(worst.value)} for ${worst.runLength} days (${d1}–${d2}); ` +
        `${chance}. Likely the upstream stopped updating.${others}`;
    }
    const draft: FindingDraft = {
      rule: 'frozen-run',
      class: 'frozen',
      severity,
      source: input.source.name,
      metric: metric.name,
      entities,
      entityShare: round6(entities.length / n),
      onset: dayString(frame.startDay + onset),
      evidence: {
        runLength: worst.runLength,
        probability: Number.isFinite(worst.probability) ? worst.probability : null,
        tieRate: Number.isFinite(worst.tieRate) ? round6(worst.tieRate) : null,
        ties: worst.ties,
        pairs: worst.pairs,
        value: worst.value,
        level: round6(worst.level),
        method: worst.method,
        frozenEntities: decided.length,
        failEntities: failing,
        undecidableEntities: runs.length - decided.length,
        entitiesChecked: n,
        lastNormalDay: worst.runStart > 0 ? dayString(frame.startDay + worst.onset - 1) : null,
      },
      explanation,
    };
    return [draft];
  },
};
