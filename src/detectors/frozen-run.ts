// F1: a value repeated improbably long, judged against the series' own adaptive tie rate.
import type { Severity } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { entitiesToday, entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { NULL, VALUE, type EntitySeries, type MetricFrame } from './stats/frame.js';
import { mad, median, variance } from './stats/robust.js';
import { room } from './stats/scratch.js';
import { formatNumber, formatProbability } from './stats/units.js';
import { poissonBinomialUpperTails } from './stats/probability.js';

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
  /** Share of the metric's volume (pre-freeze levels) frozen at FAIL from which the finding blocks. */
  escalateVolumeShare: number;
  /** Flat days after which a freeze at FAIL blocks whatever its share, once it carries minVolumeShare. */
  blockAfterDays: number;
  /** Share of the metric's volume below which a long freeze stays a warning (a small page gone dormant). */
  minVolumeShare: number;
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

/** The run ending today for one entity and the repeat rate learned before it, whatever the run's length. */
interface RunStats {
  entity: string;
  value: number;
  runLength: number;
  runStart: number;
  onset: number;
  ties: number;
  pairs: number;
  /**
   * Median of the history before the run: the entity's pre-freeze level, its weight in the metric's volume. NaN
   * until asked for (see levelOf): most entities of a healthy panel never are.
   */
  level: number;
  /** The series' days and presence, and the grid days [histFrom, histTo) of the history before the run. */
  seriesValues: Float64Array;
  seriesPresence: Uint8Array;
  histFrom: number;
  histTo: number;
  /** Values in the history before the run. */
  histCount: number;
  historyDays: number;
  /** Chance of a repeat on one day-pair; NaN with fewer than minPairs day-pairs of history. */
  tieRate: number;
  /** No value before the run: constant since monitoring began. */
  sinceStart: boolean;
  /** Position in the panel's list of runs (set by the detector; −1 until then). */
  index: number;
}

// Day-pair changes of one entity's history at a time (measureRun), and its values for a median (historyMedian).
let diffsBuf = new Float64Array(64);
let histBuf = new Float64Array(64);

/** Median of the values over grid days [from, to), in day order (nulls and missing days left out). */
function historyMedian(values: Float64Array, presence: Uint8Array, from: number, to: number): number {
  histBuf = room(histBuf, to - from);
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (presence[i] === VALUE && Number.isFinite(v)) histBuf[n++] = v;
  }
  return median(histBuf, n);
}

// What historyPairs read from the history before a run (one entity at a time, so no object per entity): its
// day-pairs, ties, changes written to diffsBuf, decimals, values and the last value before the run.
let hpPairs = 0;
let hpTies = 0;
let hpChanges = 0;
let hpDecimals = 0;
let hpCount = 0;
let hpPrev: number | undefined;

/**
 * Read the history over grid days [from, to) in place (a day with a null breaks the pairs; a missing day is
 * skipped) into the hp* variables: its day-pairs' changes go to diffsBuf, its values are read again on demand
 * (historyMedian).
 */
function historyPairs(values: Float64Array, presence: Uint8Array, from: number, to: number, v: number): void {
  diffsBuf = room(diffsBuf, to);
  const diffs = diffsBuf;
  let pairs = 0;
  let ties = 0;
  let nd = 0;
  let decimals = decimalsOf(v);
  let histCount = 0;
  let prev: number | undefined;
  let a = NaN;
  let started = false;
  for (let i = from; i < to; i++) {
    let b: number;
    if (presence[i] === VALUE) b = values[i]!;
    else if (presence[i] === NULL) b = NaN;
    else continue;
    if (Number.isFinite(b)) {
      histCount++;
      prev = b;
    }
    if (started && Number.isFinite(a) && Number.isFinite(b)) {
      pairs++;
      const tol = Number.isInteger(a) && Number.isInteger(b) ? 0 : 1e-9 * Math.abs(a);
      if (Math.abs(a - b) <= tol) ties++;
      diffs[nd++] = b - a;
      // decimalsOf is at most 6 (and formats the number): past 6 nothing can raise it.
      if (decimals < 6) decimals = Math.max(decimals, decimalsOf(b));
    }
    a = b;
    started = true;
  }
  hpPairs = pairs;
  hpTies = ties;
  hpChanges = nd;
  hpDecimals = decimals;
  hpCount = histCount;
  hpPrev = prev;
}

function measureRun(frame: MetricFrame, s: EntitySeries, o: FrozenRunOptions): RunStats | undefined {
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
  // History H: up to historyDays grid days before the run.
  const histFrom = Math.max(0, runStart - o.historyDays);
  historyPairs(values, presence, histFrom, runStart, v);
  const pairs = hpPairs;
  const ties = hpTies;
  const nd = hpChanges;
  const decimals = hpDecimals;
  const histCount = hpCount;
  const prev = hpPrev;
  const diffs = diffsBuf;
  // The level is taken here only when a zero's onset needs it; levelOf takes it on first use otherwise.
  let level = NaN;
  // The run's first value is part of the freeze when it jumped away from its predecessor.
  let onset = runStart + 1;
  if (r === 1) {
    // Not repeating: no run, so no onset to place (spares the spread of every moving entity).
  } else if (prev !== undefined && nd >= 3) {
    const spread = 1.4826 * mad(diffs, nd);
    if (Math.abs(v - prev) > 3 * spread && spread > 0) onset = runStart;
    else if (v === 0) {
      level = histCount > 0 ? historyMedian(values, presence, histFrom, runStart) : v;
      if (level >= o.minLevel) onset = runStart;
    }
  } else if (prev === undefined) {
    onset = runStart;
  }
  if (onset > T) onset = T;
  let tieRate = NaN;
  if (pairs >= o.minPairs) {
    const resolution = Math.pow(10, -decimals);
    const varD = variance(diffs, nd);
    const modelFloor = varD > 0 ? Math.min(1, resolution / Math.sqrt(2 * Math.PI * varD)) : 1;
    tieRate = Math.max((ties + 0.5) / (pairs + 1), modelFloor);
  }
  return {
    entity: s.entity,
    value: v,
    runLength: r,
    runStart,
    onset,
    ties,
    pairs,
    level,
    seriesValues: values,
    seriesPresence: presence,
    histFrom,
    histTo: runStart,
    histCount,
    historyDays: Math.min(o.historyDays, runStart),
    tieRate,
    sinceStart: histCount === 0,
    index: -1,
  };
}

/** An entity's pre-freeze level, computed on first use. */
function levelOf(x: RunStats): number {
  if (Number.isNaN(x.level))
    x.level =
      x.histCount > 0 ? historyMedian(x.seriesValues, x.seriesPresence, x.histFrom, x.histTo) : x.value;
  return x.level;
}

type RunStatus = EntityRun['status'];

/** The status of a run as it is today, or as it would be after `extra` more flat days (undefined: no run to report). */
function statusOf(x: RunStats, o: FrozenRunOptions, extra: number): RunStatus | undefined {
  const r = x.runLength + extra;
  if (r < Math.min(o.minRun, o.qartodSuspect)) return undefined;
  if (Number.isFinite(x.tieRate)) {
    const probability = Math.pow(x.tieRate, r - 1);
    if (r < o.minRun || probability >= o.suspectAlpha) return undefined;
    return levelOf(x) < o.minLevel ? 'undecidable' : probability < o.alpha ? 'fail' : 'suspect';
  }
  if (r < o.qartodSuspect) return undefined;
  // Constant since monitoring began: nothing to compare with, so at most suspect.
  return levelOf(x) < o.minLevel
    ? r >= o.qartodFail
      ? 'undecidable'
      : undefined
    : r >= o.qartodFail && x.value !== 0 && !x.sinceStart
      ? 'fail'
      : 'suspect';
}

/** Classify a run as it is today, or as it would be after `extra` more flat days. */
function classify(x: RunStats, o: FrozenRunOptions, extra = 0): EntityRun | undefined {
  const status = statusOf(x, o, extra);
  if (!status) return undefined;
  const r = x.runLength + extra;
  const {
    tieRate,
    sinceStart: _s,
    seriesValues: _v,
    seriesPresence: _p,
    histFrom: _f,
    histTo: _t,
    histCount: _c,
    index: _i,
    ...rest
  } = x;
  const base = { ...rest, level: levelOf(x), runLength: r };
  if (Number.isFinite(tieRate))
    return { ...base, status, probability: Math.pow(tieRate, r - 1), tieRate, method: 'tie-rate' };
  return { ...base, status, probability: NaN, tieRate: NaN, method: 'qartod' };
}

/** Analyse the run ending today for one entity. Exported for the benchmark and tests. */
export function analyseRun(frame: MetricFrame, s: EntitySeries, o: FrozenRunOptions): EntityRun | undefined {
  const x = measureRun(frame, s, o);
  return x ? classify(x, o) : undefined;
}

/** Entities that repeated since the same day together, and the chance of that at their own repeat rates. */
interface JointRun {
  start: number;
  members: RunStats[];
  probability: number;
}

/**
 * What the joint test reuses within one detect call, today and on every day looked ahead: the entities with a
 * repeat model and, by lag d (days flat), their chances of d repeats in a row, the sum of those and the
 * Poisson-binomial tails. A lag gives the same chances whatever the day it is reached from, so each is computed once.
 */
interface JointCache {
  /** The entities with a repeat model (finite tie rate), in the panel's order. */
  modelled: RunStats[];
  /** Their run starts (grid days). */
  starts: Int32Array;
  lags: Map<number, Lag>;
  /**
   * The largest k the days looked ahead may ask of each lag: its tails are computed up to there at once (one pass
   * gives every k), instead of again for each larger k a later day asks.
   */
  want: Map<number, number>;
}

/** The modelled entities' chances of d repeats in a row (in order), their sum, and the tails known so far. */
interface Lag {
  chances: Float64Array;
  sum: number;
  /** P(at least k repeat) at index k, for k up to its length − 1. */
  tails: Float64Array;
}

function jointCache(stats: readonly RunStats[]): JointCache {
  const modelled = stats.filter((x) => Number.isFinite(x.tieRate));
  return {
    modelled,
    starts: Int32Array.from(modelled, (x) => x.runStart),
    lags: new Map<number, Lag>(),
    want: new Map<number, number>(),
  };
}

function lagOf(c: JointCache, d: number): Lag {
  let lag = c.lags.get(d);
  if (!lag) {
    const n = c.modelled.length;
    const chances = new Float64Array(n);
    let sum = 0;
    for (let m = 0; m < n; m++) {
      chances[m] = Math.pow(c.modelled[m]!.tieRate, d);
      sum += chances[m]!;
    }
    c.lags.set(d, (lag = { chances, sum, tails: new Float64Array(0) }));
  }
  return lag;
}

/** P(at least k of the modelled entities repeat d days in a row). */
function jointTail(c: JointCache, d: number, k: number): number {
  const lag = lagOf(c, d);
  if (k >= lag.tails.length)
    lag.tails = poissonBinomialUpperTails(lag.chances, Math.max(k, c.want.get(d) ?? 0));
  return lag.tails[k]!;
}

/**
 * Which modelled entities count as evidence of a joint freeze: flat (all of them when `flat` is undefined), and not
 * a zero on a low-count entity. One flag per modelled entity.
 */
function evidenceOf(c: JointCache, o: FrozenRunOptions, flat?: ReadonlySet<string>): Uint8Array {
  const ev = new Uint8Array(c.modelled.length);
  for (let m = 0; m < c.modelled.length; m++) {
    const x = c.modelled[m]!;
    ev[m] = (!flat || flat.has(x.entity)) && (x.value !== 0 || levelOf(x) >= o.minLevel) ? 1 : 0;
  }
  return ev;
}

/**
 * The most improbable group of entities flat since a common day: among every entity with a repeat model, how likely
 * at least this many would all have repeated since that day (Poisson-binomial tail, each entity at its own rate).
 * Every day on which a run of at least minRun values starts is tried; a zero on a low-count entity is not evidence
 * (`ev`, from evidenceOf).
 */
function jointRun(c: JointCache, ev: Uint8Array, T: number, o: FrozenRunOptions): JointRun | undefined {
  const { modelled, starts } = c;
  const n = modelled.length;
  const since = sinceCounts(c, ev);
  let best: { start: number; probability: number } | undefined;
  // Each start day once, in the order the entities give them.
  const tried = new Set<number>();
  for (let s = 0; s < n; s++) {
    const start = starts[s]!;
    if (!(T - start >= o.minRun - 1 && ev[s] === 1) || tried.has(start)) continue;
    tried.add(start);
    const members = since[start]!;
    if (members < 2) continue;
    let level = false;
    for (let m = 0; m < n && !level; m++)
      if (ev[m] === 1 && starts[m]! <= start && levelOf(modelled[m]!) >= o.minLevel) level = true;
    if (!level) continue;
    // A Poisson-binomial's median is the floor or ceiling of its mean: no more members than that is no evidence.
    if (members <= Math.floor(lagOf(c, T - start).sum)) continue;
    const probability = jointTail(c, T - start, members);
    if (!best || probability < best.probability) best = { start, probability };
  }
  if (!best) return undefined;
  const { start, probability } = best;
  const members = modelled.filter((_, m) => ev[m] === 1 && starts[m]! <= start);
  return { start, members, probability };
}

/** Entities of evidence (`ev`) flat since grid day d or earlier, by d (run starts are grid days). */
function sinceCounts(c: JointCache, ev: Uint8Array): Int32Array {
  const { starts } = c;
  let last = 0;
  for (let m = 0; m < starts.length; m++) if (starts[m]! > last) last = starts[m]!;
  const since = new Int32Array(last + 1);
  for (let m = 0; m < starts.length; m++) if (ev[m] === 1) since[starts[m]!]!++;
  for (let d = 1; d <= last; d++) since[d]! += since[d - 1]!;
  return since;
}

type Escalation = 'entities' | 'volume' | 'duration';

/** What frozen-run concludes for the panel today. */
interface Assessment {
  runs: EntityRun[];
  joint: JointRun | undefined;
  /** Entities frozen at FAIL: individually improbable, or members of an improbable joint run. */
  failing: string[];
  volumeShare: number;
  flatDays: number;
  escalation: Escalation | undefined;
  severity: Severity;
}

/** The panel one detect call judges: its runs, the count of entities today, the last grid day and the options. */
interface Panel {
  stats: readonly RunStats[];
  n: number;
  T: number;
  o: FrozenRunOptions;
  joint: JointCache;
  /** Σ |level| over every run, in order: the metric's volume (summed once, on first need). */
  volume?: number;
}

function volumeOf(p: Panel): number {
  if (p.volume === undefined) {
    let total = 0;
    for (const x of p.stats) total += Math.abs(levelOf(x));
    p.volume = total;
  }
  return p.volume;
}

/** The escalation of `failing` entities carrying `volumeShare` and flat `flatDays` days. */
function escalationOf(
  failing: number,
  n: number,
  volumeShare: number,
  flatDays: number,
  o: FrozenRunOptions,
): Escalation | undefined {
  if (failing === 0) return undefined;
  if (failing / n >= o.escalateShare) return 'entities';
  if (volumeShare >= o.escalateVolumeShare) return 'volume';
  if (flatDays >= o.blockAfterDays && volumeShare >= o.minVolumeShare) return 'duration';
  return undefined;
}

function assess(p: Panel): Assessment {
  const { stats, n, T, o } = p;
  const runs: EntityRun[] = [];
  for (const x of stats) {
    const run = classify(x, o);
    if (run) runs.push(run);
  }
  const joint = jointRun(p.joint, evidenceOf(p.joint, o), T, o);
  const failingSet = new Set(runs.filter((x) => x.status === 'fail').map((x) => x.entity));
  if (joint && joint.probability < o.alpha) for (const x of joint.members) failingSet.add(x.entity);
  const failing = [...failingSet].sort();
  let frozen = 0;
  let flatDays = 0;
  const total = failing.length > 0 ? volumeOf(p) : 0;
  if (failing.length > 0)
    for (const x of stats) {
      if (!failingSet.has(x.entity)) continue;
      frozen += Math.abs(levelOf(x));
      flatDays = Math.max(flatDays, T - x.onset + 1);
    }
  const volumeShare = total > 0 ? frozen / total : 0;
  const escalation = escalationOf(failing.length, n, volumeShare, flatDays, o);
  const decided = runs.some((x) => x.status !== 'undecidable') || failing.length > 0;
  const severity: Severity = escalation ? 'block' : decided ? 'warn' : 'info';
  return { runs, joint, failing, volumeShare, flatDays, escalation, severity };
}

/**
 * What assess would conclude after `extra` more flat days if only the `flat` entities stay flat (every other entity
 * moves on and keeps today's verdict, `todayStatus`): how many entities fail, and the severity. Flags are by index
 * into the panel's runs; `ev` is evidenceOf the flat entities.
 */
function assessAhead(
  p: Panel,
  extra: number,
  flat: Uint8Array,
  todayStatus: readonly (RunStatus | undefined)[],
  ev: Uint8Array,
  failing: Uint8Array,
): { failing: number; severity: Severity } {
  const { stats, n, T, o } = p;
  failing.fill(0);
  let count = 0;
  let decided = false;
  for (let i = 0; i < stats.length; i++) {
    const status = flat[i] === 1 ? statusOf(stats[i]!, o, extra) : todayStatus[i];
    if (status === undefined) continue;
    if (status !== 'undecidable') decided = true;
    if (status === 'fail' && failing[i] === 0) {
      failing[i] = 1;
      count++;
    }
  }
  const joint = jointRun(p.joint, ev, T + extra, o);
  if (joint && joint.probability < o.alpha)
    for (const x of joint.members)
      if (failing[x.index] === 0) {
        failing[x.index] = 1;
        count++;
      }
  let frozen = 0;
  let flatDays = 0;
  const total = count > 0 ? volumeOf(p) : 0;
  if (count > 0)
    for (let i = 0; i < stats.length; i++) {
      if (failing[i] === 0) continue;
      const x = stats[i]!;
      frozen += Math.abs(levelOf(x));
      flatDays = Math.max(flatDays, T + (flat[i] === 1 ? extra : 0) - x.onset + 1);
    }
  const volumeShare = total > 0 ? frozen / total : 0;
  const escalation = escalationOf(count, n, volumeShare, flatDays, o);
  const severity: Severity = escalation ? 'block' : decided || count > 0 ? 'warn' : 'info';
  return { failing: count, severity };
}

/** Further flat days this panel is from blocking (within a horizon), if the `flat` entities stay flat. */
function daysToBlock(
  p: Panel,
  today: readonly EntityRun[],
  flatSet: ReadonlySet<string>,
): { fail?: number; block?: number } {
  const { stats, o } = p;
  const flat = new Uint8Array(stats.length);
  const statusToday = new Map(today.map((r) => [r.entity, r.status]));
  const todayStatus: (RunStatus | undefined)[] = [];
  for (let i = 0; i < stats.length; i++) {
    flat[i] = flatSet.has(stats[i]!.entity) ? 1 : 0;
    todayStatus.push(statusToday.get(stats[i]!.entity));
  }
  const ev = evidenceOf(p.joint, o, flatSet);
  const failing = new Uint8Array(stats.length);
  const horizon = Math.max(o.blockAfterDays, 60);
  // The most members any start may have at each lag over the horizon (jointRun's candidates, before its checks).
  const since = sinceCounts(p.joint, ev);
  const { starts, want } = p.joint;
  for (let extra = 1; extra <= horizon; extra++)
    for (let m = 0; m < starts.length; m++) {
      const d = p.T + extra - starts[m]!;
      if (ev[m] === 1 && d >= o.minRun - 1 && since[starts[m]!]! > (want.get(d) ?? 1))
        want.set(d, since[starts[m]!]!);
    }
  const out: { fail?: number; block?: number } = {};
  for (let extra = 1; extra <= horizon; extra++) {
    const a = assessAhead(p, extra, flat, todayStatus, ev, failing);
    if (out.fail === undefined && a.failing > 0) out.fail = extra;
    if (a.severity === 'block') {
      out.block = extra;
      break;
    }
  }
  return out;
}

const pct = (x: number): string => formatNumber(Math.round(1000 * x) / 10);

export const frozenRun: Detector<FrozenRunOptions> = {
  id: 'frozen-run',
  title: 'Value repeated improbably long',
  description:
    'Flags entities whose latest value has repeated for a run whose probability, given how often the series ' +
    'repeated itself over the prior 56 days (Jeffreys-smoothed tie rate floored by the chance two noisy draws ' +
    'coincide), is below alpha. Entities flat since the same day are also judged together: when the chance that ' +
    'at least that many of the panel’s entities repeat since that day, each at its own rate (Poisson-binomial ' +
    'tail), is below alpha, all of them are frozen; this is what lets a freeze of small counts (1–100 a day) block ' +
    'in 2–4 days instead of a week, and a zero on a low-count entity is never part of that evidence. A freeze ' +
    'blocks when it covers half the entities (`escalateShare` 0.5); or a quarter of the metric’s volume, the sum ' +
    'of the frozen entities’ pre-freeze medians over the panel’s (`escalateVolumeShare` 0.25: a quarter of the ' +
    'volume replaced by a constant moves totals and shares as much as a real trend would, and the largest pages ' +
    'are the ones a model leans on); or when it has stayed flat 7 days (`blockAfterDays`: past a week it is no ' +
    'vendor hiccup, and a week of stale rows is what a weekly retrain would learn from) while carrying at least ' +
    '5 % of the volume (`minVolumeShare`: a small page gone quiet stays a warning). Otherwise it warns and says ' +
    'how many more flat days it needs to rule out chance and on which day it would block. The run’s own days ' +
    'never enter its baseline, so a freeze is reported every day until it thaws. Series below the level guard ' +
    'are undecidable (info) on their own. Short histories fall back to the QARTOD flat-line rule (suspect after ' +
    '3, fail after 5, zero exempt from fail).',
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
    escalateVolumeShare: 0.25,
    blockAfterDays: 7,
    minVolumeShare: 0.05,
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
      escalateVolumeShare: { type: 'number', minimum: 0, maximum: 1 },
      blockAfterDays: { type: 'integer', minimum: 1 },
      minVolumeShare: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  // eslint-disable-next-line max-lines-per-function -- one statistical test read top to bottom: tie rate, run length, probability, evidence, explanation
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const stats: RunStats[] = [];
    for (const s of frame.entities) {
      const x = measureRun(frame, s, o);
      if (x) {
        x.index = stats.length;
        stats.push(x);
      }
    }
    const n = Math.max(1, entitiesToday(frame));
    const panel: Panel = { stats, n, T, o, joint: jointCache(stats) };
    const today = assess(panel);
    const { runs, joint, failing, severity } = today;
    if (runs.length === 0 && failing.length === 0) return [];
    const failingSet = new Set(failing);
    const decided = runs.filter((x) => x.status !== 'undecidable' || failingSet.has(x.entity));
    const chosen = decided.length > 0 ? decided : runs;
    chosen.sort((a, b) => (a.probability || 1) - (b.probability || 1) || b.runLength - a.runLength);
    // Members of a suspect joint run not flagged on their own are part of the freeze all the same.
    const suspectGroup =
      severity !== 'info' && joint && joint.probability < o.suspectAlpha ? joint.members : [];
    const entities = [
      ...new Set([...chosen.map((x) => x.entity), ...failing, ...suspectGroup.map((x) => x.entity)]),
    ].sort();
    const worst: EntityRun | RunStats =
      chosen[0] ?? stats.filter((x) => failingSet.has(x.entity)).sort((a, b) => b.level - a.level)[0]!;
    const onsets = stats.filter((x) => entities.includes(x.entity)).map((x) => x.onset);
    const onset = Math.min(...onsets);
    const d1 = dayString(frame.startDay + worst.runStart);
    const d2 = dayString(frame.endDay);
    const probability = 'probability' in worst ? worst.probability : NaN;
    const method = 'method' in worst ? worst.method : 'tie-rate';
    const others =
      entities.length > 1 ? ` ${entities.length}/${n} entities are stuck (${entityList(entities)}).` : '';
    const chance =
      method === 'tie-rate'
        ? `in the prior ${worst.historyDays} d it repeated on ${worst.ties}/${worst.pairs} day-pairs, so this run has chance ≈${formatProbability(probability)}`
        : `with only ${worst.pairs} day-pairs of history, the QARTOD flat-line rule applies (suspect after ${o.qartodSuspect}, fail after ${o.qartodFail})`;
    const together =
      joint && joint.probability < o.suspectAlpha
        ? ` Together, ${joint.members.length} entities flat since ${dayString(frame.startDay + joint.start)} have chance ≈${formatProbability(joint.probability)} at their own repeat rates.`
        : '';
    // The volume the named entities carry: those at FAIL when any, else every entity this finding names.
    const volumeOfNamed = (): string => {
      const named = new Set(failing.length > 0 ? failing : entities);
      const part = stats.reduce((a, x) => a + (named.has(x.entity) ? Math.abs(levelOf(x)) : 0), 0);
      const total = stats.reduce((a, x) => a + Math.abs(levelOf(x)), 0);
      return `${pct(total > 0 ? part / total : 0)} % of the metric's volume`;
    };
    const rule =
      `blocks from ${pct(o.escalateVolumeShare)} % of the volume or ${pct(o.escalateShare)} % of the entities, ` +
      `or after ${o.blockAfterDays} flat days from ${pct(o.minVolumeShare)} % of the volume`;
    let explanation: string;
    let ahead: { fail?: number; block?: number } = {};
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
        `${chance}. Likely the upstream stopped updating.${others}${together}`;
      const volume = volumeOfNamed();
      if (severity === 'block') {
        explanation +=
          today.escalation === 'entities'
            ? ` It blocks because ${failing.length}/${n} of the entities are frozen (they carry ${volume}).`
            : today.escalation === 'volume'
              ? ` It blocks because the frozen entities carry ${volume} (blocks from ${pct(o.escalateVolumeShare)} %).`
              : ` It blocks because it has been flat ${today.flatDays} days (blocks after ${o.blockAfterDays}) ` +
                `and the frozen entities carry ${volume} (from ${pct(o.minVolumeShare)} %).`;
      } else {
        // "Still flat": the runs named here and the group flat since the same day stay flat; other entities that
        // join them can only bring the block sooner.
        const flat = new Set([...entities, ...(joint?.members ?? []).map((x) => x.entity)]);
        ahead = daysToBlock(panel, runs, flat);
        const through = (d: number) => dayString(frame.endDay + d);
        const plural = (d: number) => `${d} more flat day${d === 1 ? '' : 's'}`;
        if (failing.length === 0 && ahead.fail !== undefined && ahead.block === ahead.fail) {
          explanation +=
            ` It needs ${plural(ahead.fail)} to rule out chance at these counts: ` +
            `would block if still flat through ${through(ahead.fail)}.`;
        } else if (ahead.block !== undefined) {
          explanation +=
            (failing.length === 0 && ahead.fail !== undefined
              ? ` It needs ${plural(ahead.fail)} to rule out chance at these counts.`
              : '') +
            ` The frozen entities carry ${volume} (${rule}): would block if still flat through ${through(ahead.block)}.`;
        } else {
          explanation += ` It stays a warning while flat: the frozen entities carry ${volume} (${rule}).`;
        }
      }
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
        probability: Number.isFinite(probability) ? probability : null,
        tieRate: Number.isFinite(worst.tieRate) ? round6(worst.tieRate) : null,
        ties: worst.ties,
        pairs: worst.pairs,
        value: worst.value,
        level: round6(worst.level),
        method,
        frozenEntities: decided.length,
        failEntities: failing.length,
        undecidableEntities: runs.length - runs.filter((x) => x.status !== 'undecidable').length,
        entitiesChecked: n,
        lastNormalDay: worst.runStart > 0 ? dayString(frame.startDay + worst.onset - 1) : null,
        jointProbability: joint ? joint.probability : null,
        volumeShare: round6(today.volumeShare),
        flatDays: T - onset + 1,
        escalation: today.escalation ?? null,
        moreFlatDays: ahead.block ?? null,
        wouldBlockThrough: ahead.block !== undefined ? dayString(frame.endDay + ahead.block) : null,
      },
      explanation,
    };
    return [draft];
  }),
};
