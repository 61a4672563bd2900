// The detector interface: pure functions from history, options and "now" to finding drafts.
import type { DocContract, MetricContract, SourceContract } from './contract.js';
import type { FindingClass, FindingDraft } from './finding.js';
import type { JsonType, PollRecord } from './observation.js';

/** One period of one entity's series, as detectors see it. */
export interface SeriesPoint {
  /** ISO date-time of the period end. */
  periodEnd: string;
  /** ISO day the period is attributed to (the day before a Meta `end_time`; the period-end day otherwise). */
  day: string;
  /** Latest value seen for the period (null when the upstream sent null). */
  value: number | null;
  /** First value seen for the period (differs from `value` when restated). */
  firstValue: number | null;
  jsonType: JsonType;
  firstSeen: string;
  lastSeen: string;
  /** Counts per category of a `categorical` metric (or per key of a breakdown), when the value had them. */
  breakdown?: Readonly<Record<string, number>>;
}

/** A metric's history: one ascending series per entity, at most one point per period. */
export interface MetricHistory {
  source: string;
  metric: string;
  /**
   * Entity → its points. The stores and the backtest hand a lazy map (core/lazy-map.ts): `keys`, `has` and `size`
   * are free, but reading an entity's points (`get`, `values`, iteration) makes its point objects, which a cron poll
   * of a large store pays for in seconds. A detector that needs only days and values reads `columns` or the grid.
   */
  entities: ReadonlyMap<string, readonly SeriesPoint[]>;
  /**
   * The same series as columns (entity → columns index-aligned with its points, in the same entity order), when the
   * reader built them (the stores, the backtest, `withColumns`): detectors lay the day grid from these typed arrays
   * instead of reading every point object. Absent on a history built or cut by hand; it must then not be added unless
   * it matches `entities`.
   */
  columns?: ReadonlyMap<string, SeriesColumns>;
}

/** One entity's series as typed arrays; index p is the entity's point p. */
export interface SeriesColumns {
  /** Day number (days since 1970-01-01) of the point's `day` (an ISO day: `day < d` exactly when its number is). */
  days: Int32Array;
  /** The point's `value`; NaN when null or not finite. */
  values: Float64Array;
  /** The point's `firstValue`; NaN when null. */
  firstValues: Float64Array;
  /** Day number of the point's `firstSeen` (its UTC day): when the period first arrived. */
  firstSeenDays: Int32Array;
}

/** A watched doc whose normalized snapshot changed in this poll. */
export interface DocChange {
  doc: DocContract;
  /** Previous normalized text (pretty JSON for OpenAPI, readable text for HTML); undefined on first fetch. */
  previous?: string;
  current: string;
  fetchedAt: string;
}

/** Where a detector runs in a poll. Earlier stages explain (and suppress) later ones. */
export const DETECTOR_STAGES = ['schema', 'deprecation', 'volume', 'frozen', 'scale', 'drift'] as const;
export type DetectorStage = (typeof DETECTOR_STAGES)[number];

/** What a detector receives. Everything is data; a detector never reads a clock, a file or the network. */
export interface DetectorInput<O> {
  now: Date;
  source: SourceContract;
  /** Set for metric-scope detectors. */
  metric?: MetricContract;
  /**
   * Metric-scope: the metric's history, starting at the current regime (re-baselined after a confirmed change).
   * Source-scope: undefined.
   */
  history?: MetricHistory;
  /** Start of the current regime (ISO day) when a confirmed change re-baselined the metric. */
  regimeStart?: string;
  /**
   * Metric-scope: the history of every metric the source declares (metric name → history, each trimmed to its own
   * current regime like `history`), for checks that relate two metrics (`unique ≤ total`). Undefined when the caller
   * runs one detector on one metric.
   */
  metricHistories?: ReadonlyMap<string, MetricHistory>;
  /** Recent polls of the source, oldest first, the current one last. Failed polls are included and marked. */
  polls: readonly PollRecord[];
  /** Watched docs that changed in the current poll. */
  docChanges: readonly DocChange[];
  /**
   * The latest snapshot of every watched doc of the source, changed in this poll or not (`previous` unset), when the
   * pipeline provides them. Lets doc-derived findings (an announced deprecation, a deprecated operation) persist
   * between doc changes instead of resolving once the change is a few polls old.
   */
  docs?: readonly DocChange[];
  /**
   * The first stored snapshot of each watched doc (by doc name), when it differs from the latest: the baseline the
   * contract started from. Lets a spec change that is still in effect (a field deprecated, then removed) stay a
   * finding while the document says so.
   */
  docBaselines?: ReadonlyMap<string, string>;
  /** Options after defaults and contract overrides. */
  options: O;
}

/**
 * The history a metric-scope detector's test needs before its findings may alert. When the metric has fewer than
 * `days(options)` days of stored history before a finding's onset, the runner reports the finding as `info` and says
 * what it is waiting for (no mail, no gate effect); docs/detectors.md lists it with `why`.
 *
 * @example
 * { days: (o) => o.minPairs + 1, why: 'the tie-rate test needs 8 day-pairs of history before the run' }
 */
export interface WarmUp<O> {
  /** Days with stored values before the finding's onset that the test needs. */
  days: (options: O) => number;
  /** One sentence: why the test needs that much. */
  why: string;
}

/** A plain JSON Schema object for a detector's options. */
export type OptionsSchema = Record<string, unknown>;

/**
 * A detector: one file, one rule family, pure.
 *
 * @example
 * export const frozenRun: Detector<{ alpha: number }> = {
 *   id: 'frozen-run', title: 'Value repeated improbably long', class: 'frozen', stage: 'frozen', scope: 'metric',
 *   defaults: { alpha: 1e-6 }, optionsSchema: { type: 'object', properties: { alpha: { type: 'number' } } },
 *   detect: (input) => [],
 * };
 */
export interface Detector<O = Record<string, unknown>> {
  id: string;
  title: string;
  /** One paragraph for docs/detectors.md: what it flags and why. */
  description: string;
  class: FindingClass;
  stage: DetectorStage;
  scope: 'metric' | 'source';
  defaults: O;
  optionsSchema: OptionsSchema;
  /**
   * Metric scope: why the detector does not apply to a metric (a sentence such as "needs a categorical metric"), or
   * undefined when it does. Unset: it applies to every metric. The runner skips metrics it does not apply to, and
   * contract validation refuses a check override on them.
   */
  appliesTo?: (metric: MetricContract) => string | undefined;
  /** Metric scope: history needed before findings alert (see WarmUp). Unset: the detector guards itself. */
  warmUp?: WarmUp<O>;
  detect(input: DetectorInput<O>): FindingDraft[];
}
