// Replays a history one day at a time through runDetectors and the same findings lifecycle a poll applies
// (planLifecycle, records kept in memory), and reports each finding on the day it would have opened, escalated,
// reopened or resolved.
import type { ContractSet, MetricContract, MetricKind, SourceContract } from '../core/contract.js';
import type { Detector, MetricHistory, SeriesPoint } from '../core/detector.js';
import type { Evidence, Finding } from '../core/finding.js';
import type { FindingLifecycle, FindingResolution } from '../core/finding-lifecycle.js';
import type { FindingRecord } from '../core/finding-record.js';
import { LazyMap } from '../core/lazy-map.js';
import type { PollRecord } from '../core/observation.js';
import { planLifecycle, type FindingChange } from '../findings/lifecycle.js';
import { parseTemplate } from '../core/secret.js';
import { runDetectors } from '../detectors/run.js';
import { regimeChanges } from '../detectors/regime.js';
import { dayString } from '../detectors/stats/days.js';
import { FRAME_MAX_DAYS, NULL, VALUE, primeFrame, type EntitySeries, type SeriesMemo } from '../detectors/stats/frame.js';
import type { EntityColumns, HistorySet } from './history-set.js';

/** One finding as the backtest reports it. */
export interface BacktestFinding {
  rule: string;
  severity: Finding['severity'];
  class: Finding['class'];
  source: string;
  metric?: string;
  entities: string[];
  entityShare?: number;
  onset: string;
  /** Day of the poll that would have raised it (the morning after the newest data day). */
  detectedOn: string;
  /** Newest data day at that poll. */
  dataDay: string;
  explanation: string;
  evidence: Evidence;
  fingerprint: string;
  /**
   * `new` the first time, `escalated` when its severity rose, `reopened` after it had resolved, `resolved` when the
   * lifecycle ended the episode (a condition absent for the configured good polls, or a held change reverted), as a
   * poll would. A change (see `lifecycleOf`) that the detectors no longer see holds: no `resolved` event.
   */
  event: 'new' | 'escalated' | 'reopened' | 'resolved';
  /** `change` findings hold until the upstream reverts or someone decides; `condition`s resolve by absence. */
  lifecycle: FindingLifecycle;
  /** How a `resolved` event ended the episode. */
  resolution?: FindingResolution;
}

/** What a replay ends with: the events in order, and every fingerprint's latest episode as a poll's store holds it. */
export interface ReplayResult {
  events: BacktestFinding[];
  /** Latest episode per fingerprint at the end of the replay (open, or resolved). */
  records: FindingRecord[];
}

export interface ReplayOptions {
  contracts?: ContractSet;
  detectors?: readonly Detector<Record<string, unknown>>[];
  /** Consecutive good polls without a condition before it resolves (default: the poll's, 2). Changes hold. */
  resolveAfterGoodPolls?: number;
  /** Days replayed before the first evaluation (nothing can be judged on day one). */
  warmupDays?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * A metric no contract declares was read as another kind than `count` (a 0..1 ratio), once its kind is fixed
   * after KIND_DAYS days of history.
   */
  onKind?: (source: string, metric: string, kind: MetricKind) => void;
  onFinding?: (f: BacktestFinding) => void;
  /** Every finding of every replayed day (benchmarks score entity-level detection from it). */
  onDay?: (dataDay: string, source: string, findings: readonly Finding[]) => void;
}

/** The contract used for a source the contracts do not declare: every metric a daily `count` with default checks. */
export function defaultSource(name: string, metrics: readonly string[]): SourceContract {
  const location = { file: '(backtest)', line: 1, col: 1 };
  return {
    name,
    owners: [],
    provider: 'http-json',
    connection: {
      kind: 'http-json',
      url: parseTemplate('backtest://history'),
      headers: {},
      entities: [],
      select: { records: 'data', time: 'date' },
      lookbackDays: 1,
    },
    schedule: '0 6 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: [],
    metrics: metrics.map((m): MetricContract => ({
      name: m,
      period: 'day',
      kind: 'count',
      checks: {},
      location,
    })),
    checks: {},
    location,
  };
}

/** Days of a metric's history after which the kind read from it is fixed. */
export const KIND_DAYS = 14;

/**
 * The kind a metric's values suggest when no contract declares one: `ratio` when every value lies in [0, 1] and at
 * least one is not whole (a share, a rate), otherwise `count` (the backtest's default).
 *
 * @example
 * inferKind([0.04, 0.12, 0.07]) // 'ratio'
 * inferKind([0, 1, 1, 0]) // 'count' (flags or small counts)
 */
export function inferKind(values: Iterable<number>): MetricKind {
  let fraction = false;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (v < 0 || v > 1) return 'count';
    if (!Number.isInteger(v)) fraction = true;
  }
  return fraction ? 'ratio' : 'count';
}

function lowerBound(days: number[], d: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * lowerBound(days, d) looked for from index `from` first: a replay's window moves by a day, so the answer of the day
 * before is a step or two away (a binary search takes about nine). Far from it, the binary search.
 */
function boundFrom(days: number[], d: number, from: number): number {
  let i = Math.min(Math.max(from, 0), days.length);
  for (let step = 0; step < 4; step++) {
    if (i > 0 && days[i - 1]! >= d) i--;
    else if (i < days.length && days[i]! < d) i++;
    else return i;
  }
  return lowerBound(days, d);
}

/**
 * One entity's values, first values, first-seen days and presence by absolute day over the whole history (NaN /
 * MISSING where it has no row), with running counts of its value days: a day's grid row is then a view, not a copy.
 */
interface DayColumns {
  /** Absolute day of index 0. */
  base: number;
  values: Float64Array;
  firstValues: Float64Array;
  /** Day number the day's point was first seen: the morning after (HistorySet's points). */
  firstSeenDays: Int32Array;
  presence: Uint8Array;
  /** valueDays[j]: days with a value in [base, base + j). */
  valueDays: Int32Array;
}

/** The entity's day columns, kept in its `grid` slot. */
function dayColumns(set: HistorySet, cols: EntityColumns): DayColumns {
  const hit = cols.grid as DayColumns | undefined;
  const last = cols.days[cols.days.length - 1]!;
  if (hit && hit.base <= cols.days[0]! && last < hit.base + hit.values.length) return hit;
  const base = Math.min(set.minDay, cols.days[0]!);
  const n = Math.max(set.maxDay, last) - base + 1;
  const values = new Float64Array(n).fill(NaN);
  const firstValues = new Float64Array(n).fill(NaN);
  const firstSeenDays = new Int32Array(n);
  const presence = new Uint8Array(n);
  for (let k = 0; k < cols.days.length; k++) {
    const i = cols.days[k]! - base;
    const v = cols.values[k]!;
    // A point's first value is its value here; null is NaN (an infinite value is kept, as in metricFrame).
    firstValues[i] = v;
    firstSeenDays[i] = cols.days[k]! + 1;
    if (Number.isFinite(v)) {
      presence[i] = VALUE;
      values[i] = v;
    } else presence[i] = NULL;
  }
  const valueDays = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) valueDays[j + 1] = valueDays[j]! + (presence[j] === VALUE ? 1 : 0);
  const made = { base, values, firstValues, firstSeenDays, presence, valueDays };
  cols.grid = made;
  return made;
}

/**
 * One entity's row of a day's grid: views of its day columns. The index of each day's point in the window is made
 * when a detector first reads it (few do, and rarely; filling it for every series and day was a window's worth of
 * writes each).
 */
class GridRow implements EntitySeries {
  memo: SeriesMemo | undefined = undefined;
  // Private: a row's own properties are those of an EntitySeries.
  #pointIndex: Int32Array | undefined = undefined;
  /** The window's points are origin.days[lo, hi); the grid's first day is startDay. */
  readonly #lo: number;
  readonly #hi: number;
  readonly #startDay: number;

  constructor(
    readonly entity: string,
    readonly values: Float64Array,
    readonly firstValues: Float64Array,
    readonly presence: Uint8Array,
    readonly firstSeenDays: Int32Array,
    readonly valueCount: number,
    /** The columns are append-only and a day's value never changes: fits over the same days carry over. */
    readonly origin: EntityColumns,
    lo: number,
    hi: number,
    startDay: number,
  ) {
    this.#lo = lo;
    this.#hi = hi;
    this.#startDay = startDay;
  }

  get pointIndex(): Int32Array {
    if (this.#pointIndex) return this.#pointIndex;
    const index = new Int32Array(this.values.length).fill(-1);
    const { days } = this.origin;
    // Days are sorted and unique (HistorySet.finish), all within the grid.
    for (let k = this.#lo; k < this.#hi; k++) index[days[k]! - this.#startDay] = k - this.#lo;
    return (this.#pointIndex = index);
  }
}

function gridRow(
  set: HistorySet,
  entity: string,
  cols: EntityColumns,
  lo: number,
  hi: number,
  startDay: number,
  length: number,
): EntitySeries {
  const c = dayColumns(set, cols);
  const at = startDay - c.base;
  return new GridRow(
    entity,
    c.values.subarray(at, at + length),
    c.firstValues.subarray(at, at + length),
    c.presence.subarray(at, at + length),
    c.firstSeenDays.subarray(at, at + length),
    c.valueDays[at + length]! - c.valueDays[at]!,
    cols,
    lo,
    hi,
    startDay,
  );
}

/**
 * One metric's history as a poll on data day `d` would read it (the last FRAME_MAX_DAYS days), with its grid laid
 * straight from the day/value columns and memoised for the detectors (the same grid metricFrame builds from points).
 * An entity's points and columns are made only when a detector reads them.
 *
 * @example
 * const h = dayHistory(set, 'src', 'm', set.sources.get('src')!.get('m')!, dayNumber('2026-03-01'));
 * metricFrame(h).endDay // the newest day ≤ 2026-03-01 with data
 */
export function dayHistory(
  set: HistorySet,
  source: string,
  metric: string,
  entities: ReadonlyMap<string, EntityColumns>,
  d: number,
): MetricHistory {
  // Each entity read: its name, columns and window [lo, hi) of them, in parallel arrays (an object each lived the
  // whole day, through enough collections of the young generation to be copied into the old one).
  const names: string[] = [];
  const spanCols: EntityColumns[] = [];
  const los: number[] = [];
  const his: number[] = [];
  let start = Infinity;
  let end = -Infinity;
  for (const [entity, cols] of entities) {
    const hi = (cols.windowHi = boundFrom(cols.days, d + 1, cols.windowHi));
    if (hi === 0) continue;
    const lo = (cols.windowLo = boundFrom(cols.days, d - FRAME_MAX_DAYS + 1, cols.windowLo));
    if (lo >= hi) continue;
    names.push(entity);
    spanCols.push(cols);
    los.push(lo);
    his.push(hi);
    if (cols.days[lo]! < start) start = cols.days[lo]!;
    if (cols.days[hi - 1]! > end) end = cols.days[hi - 1]!;
  }
  const points = new LazyMap<readonly SeriesPoint[]>(names, (i) =>
    set.windowPoints(spanCols[i]!, los[i]!, his[i]!),
  );
  const columns = points.withSameKeys((i) => set.windowColumns(spanCols[i]!, los[i]!, his[i]!));
  const history: MetricHistory = { source, metric, entities: points, columns };
  if (names.length === 0) return history;
  const length = Math.min(FRAME_MAX_DAYS, end - start + 1);
  const startDay = end - length + 1;
  // Laid when a detector first asks for it: the detection pass takes one metric after the other and lets each grid
  // go before the next is laid.
  primeFrame(history, () => {
    const count = names.length;
    const series: EntitySeries[] = new Array<EntitySeries>(count);
    // The grid starts at the earliest day read (≥ d − FRAME_MAX_DAYS + 1), so every view holds only the window's
    // days.
    for (let row = 0; row < count; row++)
      series[row] = gridRow(set, names[row]!, spanCols[row]!, los[row]!, his[row]!, startDay, length);
    // Every entity with a value on a grid day is on the grid, and past days never change: panel statistics of a day
    // carry over from one day's grid to the next under the metric's columns.
    return { startDay, endDay: end, length, entities: series, origin: entities };
  });
  return history;
}

function eventOf(
  rec: Pick<
    FindingRecord,
    'rule' | 'severity' | 'class' | 'source' | 'metric' | 'entities' | 'entityShare' | 'onset'
  >,
  extra: {
    detectedOn: string;
    dataDay: string;
    explanation: string;
    evidence: Evidence;
    fingerprint: string;
    event: BacktestFinding['event'];
    lifecycle: FindingLifecycle;
    resolution?: FindingResolution;
  },
): BacktestFinding {
  return {
    rule: rec.rule,
    severity: rec.severity,
    class: rec.class,
    source: rec.source,
    ...(rec.metric ? { metric: rec.metric } : {}),
    entities: rec.entities,
    ...(rec.entityShare !== undefined ? { entityShare: rec.entityShare } : {}),
    onset: rec.onset,
    ...extra,
  };
}

/** The event a lifecycle change is reported as (undefined: nothing to report, as a poll would send nothing). */
function eventOfChange(change: FindingChange, pollDay: string, dataDay: string): BacktestFinding | undefined {
  const at = { detectedOn: pollDay, dataDay };
  switch (change.kind) {
    case 'opened': {
      const r = change.record;
      return eventOf(r, {
        ...at,
        explanation: r.explanation,
        evidence: r.evidence,
        fingerprint: r.fingerprint,
        event: r.episode > 1 ? 'reopened' : 'new',
        lifecycle: r.lifecycle,
      });
    }
    case 'escalated':
      return eventOf(change.after, {
        ...at,
        explanation: change.after.explanation,
        evidence: change.after.evidence,
        fingerprint: change.after.fingerprint,
        event: 'escalated',
        lifecycle: change.after.lifecycle,
      });
    case 'resolved': {
      const a = change.after;
      const resolution = a.resolution ?? 'absent';
      const why =
        resolution === 'reverted'
          ? `the upstream returned to the old scale on ${change.revertedOn ?? dataDay}`
          : `absent for ${a.goodPollsSinceAbsent} consecutive good polls`;
      return eventOf(a, {
        ...at,
        explanation: `Resolved: ${why}. It was: ${a.explanation}`,
        evidence: a.evidence,
        fingerprint: a.fingerprint,
        event: 'resolved',
        lifecycle: a.lifecycle,
        resolution,
      });
    }
    default:
      return undefined;
  }
}

/**
 * Replay `set` day by day and return the findings in the order they would have fired, resolved or reopened.
 *
 * @example
 * const findings = replayHistory(set, { contracts });
 */
export function replayHistory(set: HistorySet, options: ReplayOptions = {}): BacktestFinding[] {
  return replayFindings(set, options).events;
}

/** One source as a replay carries it from one day to the next. */
export interface ReplaySource {
  name: string;
  metrics: ReadonlyMap<string, ReadonlyMap<string, EntityColumns>>;
  /** The contract the detectors read (undeclared metrics' kinds set by `readKinds` as their first days come in). */
  source: SourceContract;
  /** Undeclared metrics whose kind is still being read → their first day. */
  inferring: Map<string, number>;
  /** Metric → ISO day a new regime started (a re-baselining scale change), as a poll's store keeps it. */
  regimes: Map<string, string>;
  /** The synthetic polls of the last days (the detectors read the last 30). */
  polls: PollRecord[];
}

/** Every source of `set` as a replay starts it: declared contracts extended with the undeclared metrics. */
export function replaySources(set: HistorySet, contracts: ContractSet | undefined): ReplaySource[] {
  return [...set.sources.entries()].map(([name, metrics]) => {
    const declared = contracts?.sources.find((s) => s.name === name);
    const names = [...metrics.keys()];
    const source: SourceContract = declared
      ? {
          ...declared,
          metrics: [
            ...declared.metrics,
            ...defaultSource(
              name,
              names.filter((m) => !declared.metrics.some((d) => d.name === m)),
            ).metrics,
          ],
        }
      : defaultSource(name, names);
    // Undeclared metrics get their kind from their own first days: a 0..1 fraction reads as a ratio, so a ×100
    // (a fraction become a percent) is measured on the ratio's scale instead of through a count's log(1 + x).
    const inferring = new Map(
      names
        .filter((m) => !declared?.metrics.some((d) => d.name === m))
        .map((m) => [m, Math.min(...[...metrics.get(m)!.values()].map((c) => c.days[0] ?? Infinity))]),
    );
    return { name, metrics, source, inferring, regimes: new Map<string, string>(), polls: [] };
  });
}

/**
 * Set the kind of the metrics still being read, as of data day `d` (fixed after KIND_DAYS days). The kinds depend
 * on the data and `d` only, so a replay may start at any day; `onKind` hears a kind other than `count` as it is
 * fixed (a replay started later than a metric's KIND_DAYS hears it on its first day).
 */
export function readKinds(src: ReplaySource, d: number, onKind?: ReplayOptions['onKind']): void {
  for (const [metric, first] of src.inferring) {
    if (first > d) continue;
    // Only the metric's first KIND_DAYS days count, however late the replay starts judging (warm-up).
    const until = Math.min(d, first + KIND_DAYS - 1);
    const values: number[] = [];
    for (const cols of src.metrics.get(metric)!.values())
      for (let i = 0; i < cols.days.length && cols.days[i]! <= until; i++) values.push(cols.values[i]!);
    const kind = inferKind(values);
    const current = src.source.metrics.find((m) => m.name === metric)!;
    if (current.kind !== kind)
      src.source = {
        ...src.source,
        metrics: src.source.metrics.map((m) => (m.name === metric ? { ...m, kind } : m)),
      };
    if (d - first + 1 >= KIND_DAYS) {
      src.inferring.delete(metric);
      if (kind !== 'count') onKind?.(src.name, metric, kind);
    }
  }
}

/** The morning poll after data day `d` (06:00 UTC the next day), as the replay simulates it. */
export function pollTime(d: number): Date {
  return new Date(`${dayString(d + 1)}T06:00:00.000Z`);
}

function pollOf(src: ReplaySource, d: number): PollRecord {
  const at = pollTime(d).toISOString();
  return {
    id: d,
    source: src.name,
    startedAt: at,
    finishedAt: at,
    outcome: 'ok',
    observationCount: 0,
    requests: [],
    metricOutcomes: [],
  };
}

/**
 * Fill `src.polls` with the polls a replay judging from `firstJudged` would hold before day `d` (the polls are a
 * function of the day), so a replay can start at `d` with the same poll history.
 */
export function seedPolls(src: ReplaySource, firstJudged: number, d: number): void {
  src.polls = [];
  for (let p = Math.max(firstJudged, d - POLLS_KEPT); p < d; p++) src.polls.push(pollOf(src, p));
}

/** Polls of a source the replay keeps (the detectors read no further back). */
const POLLS_KEPT = 30;

/**
 * One source's poll on data day `d`: kinds read, the day's histories, the poll recorded, the detectors run, and
 * the regimes a re-baselining scale change starts taken up for the next day. Returns the day's findings.
 */
export function detectDay(
  set: HistorySet,
  src: ReplaySource,
  d: number,
  options: Pick<ReplayOptions, 'detectors' | 'onKind'> = {},
): Finding[] {
  readKinds(src, d, options.onKind);
  const histories = new Map<string, MetricHistory>();
  for (const [metric, entities] of src.metrics)
    histories.set(metric, dayHistory(set, src.name, metric, entities, d));
  src.polls.push(pollOf(src, d));
  if (src.polls.length > POLLS_KEPT) src.polls.shift();
  const findings = runDetectors({
    source: src.source,
    histories,
    polls: src.polls,
    docChanges: [],
    now: pollTime(d),
    regimes: src.regimes,
    ...(options.detectors ? { detectors: options.detectors } : {}),
  });
  takeRegimes(src.regimes, findings);
  return findings;
}

/** Take up the regimes the findings start (a metric's latest start wins; regimes only move forward). */
export function takeRegimes(regimes: Map<string, string>, findings: readonly Finding[]): void {
  for (const c of regimeChanges(findings)) {
    if ((regimes.get(c.metric) ?? '') < c.startDay) regimes.set(c.metric, c.startDay);
  }
}

/**
 * The poll's findings lifecycle over a replay's days (`planLifecycle`, records in a Map instead of SQLite): each
 * day's findings in, the events out in order. Applied in day order, one source after the other, as a poll would.
 */
export class ReplayLifecycle {
  readonly #events: BacktestFinding[] = [];
  /** Latest episode per fingerprint, per source (the store of a poll, in memory). */
  readonly #records = new Map<string, Map<string, FindingRecord>>();
  #nextId = 1;
  readonly #options: Pick<ReplayOptions, 'resolveAfterGoodPolls' | 'onFinding'>;

  constructor(options: Pick<ReplayOptions, 'resolveAfterGoodPolls' | 'onFinding'> = {}) {
    this.#options = options;
  }

  /** Apply one source's findings of data day `d`. */
  apply(source: string, d: number, findings: readonly Finding[]): void {
    const pollDay = dayString(d + 1);
    let store = this.#records.get(source);
    if (!store) this.#records.set(source, (store = new Map<string, FindingRecord>()));
    const mine = store;
    const changes = planLifecycle({
      active: [...mine.values()].filter((r) => r.status !== 'resolved'),
      lastEpisode: (fp) => mine.get(fp)?.episode ?? 0,
      findings,
      pollOutcome: 'ok',
      now: pollTime(d),
      ...(this.#options.resolveAfterGoodPolls !== undefined
        ? { options: { resolveAfterGoodPolls: this.#options.resolveAfterGoodPolls } }
        : {}),
    });
    for (const change of changes) {
      const rec: FindingRecord =
        change.kind === 'opened' ? { ...change.record, id: this.#nextId++ } : change.after;
      mine.set(rec.fingerprint, rec);
      const bf = eventOfChange(change, pollDay, dayString(d));
      if (!bf) continue;
      this.#events.push(bf);
      this.#options.onFinding?.(bf);
    }
  }

  result(): ReplayResult {
    return { events: this.#events, records: [...this.#records.values()].flatMap((m) => [...m.values()]) };
  }
}

/**
 * Replay `set` day by day through the detectors and the poll's findings lifecycle (`planLifecycle`, the records
 * kept in a Map instead of SQLite), so a held change stays held here exactly as it does under `poll`.
 *
 * @example
 * const { events, records } = replayFindings(set, { contracts });
 * records.filter((r) => r.status !== 'resolved') // what a poll's store would hold open at the end
 */
export function replayFindings(set: HistorySet, options: ReplayOptions = {}): ReplayResult {
  const warmup = options.warmupDays ?? 1;
  const lifecycle = new ReplayLifecycle(options);
  if (!Number.isFinite(set.minDay)) return lifecycle.result();
  const sources = replaySources(set, options.contracts);
  const total = set.maxDay - set.minDay + 1;
  for (let d = set.minDay; d <= set.maxDay; d++) {
    options.onProgress?.(d - set.minDay + 1, total);
    if (d - set.minDay < warmup) continue;
    for (const src of sources) {
      const findings = detectDay(set, src, d, options);
      options.onDay?.(dayString(d), src.name, findings);
      lifecycle.apply(src.name, d, findings);
    }
  }
  return lifecycle.result();
}
