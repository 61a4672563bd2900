// The loaded contract model: upstream sources, their metrics and watched docs, and the features that use them.
import type { SourceLocation } from './diagnostic.js';
import type { TemplateValue } from './secret.js';

/**
 * What a metric's numbers are. `ratio` is a 0..1 share, `percent` a 0..100 share, `amount` carries a unit,
 * `categorical` is a count per category (the value is the total; the counts per category are its breakdown).
 */
export const METRIC_KINDS = ['count', 'ratio', 'percent', 'amount', 'gauge', 'categorical'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Aggregation period of a metric series (Meta's names; `hour` for internal endpoints). */
export const METRIC_PERIODS = [
  'hour',
  'day',
  'week',
  'days_28',
  'month',
  'lifetime',
  'total_over_range',
] as const;
export type MetricPeriod = (typeof METRIC_PERIODS)[number];

/** How serious a finding is for the features that depend on it. Ordered: block > warn > info. */
export const SEVERITIES = ['block', 'warn', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How a source's values arrive: polled from Meta or a JSON API, or pushed (`upwatch ingest`, never polled). */
export const PROVIDERS = ['meta-graph', 'http-json', 'push'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Per-detector settings on a metric (or source): turn it off, change its severity, or tune its options. */
export interface CheckOverride {
  enabled?: boolean;
  severity?: Severity;
  /** Detector-specific options, validated against the detector's own schema. */
  options?: Record<string, unknown>;
}

export interface MetricContract {
  name: string;
  period: MetricPeriod;
  kind: MetricKind;
  /** Unit of an `amount` (e.g. `USD`, `seconds`, `bytes`) or of a gauge. */
  unit?: string;
  /** Expected range of values; a value outside it is a `range-violated` finding. */
  range?: { min?: number; max?: number };
  description?: string;
  /** For `http-json`: selector of the value inside each record (defaults to the metric name). */
  field?: string;
  /** Per-check overrides keyed by detector id (e.g. `frozen-run`, `unit-scale`). */
  checks: Record<string, CheckOverride>;
  /**
   * A ratio computed from two counts of the same source (claims / policies): upwatch derives its values per entity
   * and day instead of fetching them, and knows how many trials each rate rests on. Both set, or neither.
   */
  numerator?: string;
  denominator?: string;
  /** A `categorical` metric's known categories and its catch-all label. */
  categories?: CategorySpec;
  /** The dimension whose values are the metric's entities (risk band, country, intent), when it is segmented. */
  segments?: SegmentSpec;
  location: SourceLocation;
}

/**
 * The categories a `categorical` metric is expected to carry. A category outside `known` that takes a real share is
 * new; a known one that stops arriving has vanished; `other` names the catch-all bucket (`other`, `unknown`) whose
 * share rising means the categories no longer fit the data.
 */
export interface CategorySpec {
  /** Categories the consumers know; empty = learn them from the baseline. */
  known: string[];
  /** Label of the catch-all category, when the data has one. */
  other?: string;
}

/**
 * A segmented metric: its entities are the values of `dimension`. With `order`, the values are ordered bands
 * (predicted risk low → high) whose rates are expected to keep that order.
 */
export interface SegmentSpec {
  /** What the entities are values of, e.g. `risk_band`, `country`, `intent`. */
  dimension: string;
  /** The values from lowest to highest, for ordered bands; absent for unordered segments. */
  order?: string[];
}

/**
 * True for a metric computed from a numerator and a denominator (never fetched or pushed itself).
 *
 * @example
 * isDerived({ numerator: 'claims', denominator: 'policies' }) // true
 */
export function isDerived(m: Pick<MetricContract, 'numerator' | 'denominator'>): boolean {
  return m.numerator !== undefined && m.denominator !== undefined;
}

export interface DocContract {
  name: string;
  kind: 'openapi' | 'changelog';
  url: string;
  /** OpenAPI only: operations in scope, as `METHOD /path` (e.g. `GET /v1/charges`). Empty = all. */
  operations: string[];
  /** OpenAPI only: response fields the contract reads (dotted paths); empty = all fields of the operations. */
  fields: string[];
  location: SourceLocation;
}

export interface MetaGraphConnection {
  kind: 'meta-graph';
  baseUrl: string;
  /** Pinned Graph API version, e.g. `v24.0`. */
  apiVersion: string;
  accessToken: TemplateValue;
  /** Page ids polled for every metric. */
  pages: string[];
  /** How many days back each poll asks for (restatements arrive within it). Default 3. */
  lookbackDays: number;
}

export interface HttpJsonConnection {
  kind: 'http-json';
  /**
   * URL template. Placeholders: `{since}`, `{until}` (ISO days), `{entity}`, `{metric}`; `${VAR}` for secrets.
   * Example: `https://partner.example.com/v2/stats?day={since}&account={entity}`.
   */
  url: TemplateValue;
  headers: Record<string, TemplateValue>;
  /** Entities substituted for `{entity}`; empty when the URL returns every entity at once. */
  entities: string[];
  /** Pinned API version, compared with `versionHeader` on each response when both are set. */
  apiVersion?: string;
  versionHeader?: string;
  /** JSON selectors (dotted paths, `[]` for arrays) that turn a response into records. */
  select: {
    /** Path to the array of records, e.g. `data` or `results[]`. */
    records: string;
    /** Path inside a record to the entity id; omitted when the URL is per entity. */
    entity?: string;
    /** Path inside a record to the period end (ISO date or date-time, or epoch seconds). */
    time: string;
    /** Path inside a record to its metric name, for long-format responses (one record per metric). */
    metric?: string;
    /** Path inside a record to the value in long format; wide format reads each metric's `field`. */
    value?: string;
    /** Path in the response to the next page's URL (next-link pagination). */
    next?: string;
  };
  lookbackDays: number;
}

/**
 * A `push` source has nothing to connect to: a warehouse job sends its values (`upwatch ingest`). Its
 * `freshnessHours` is the expectation that a push arrives in time.
 */
export interface PushConnection {
  kind: 'push';
  /** Nothing is pinned: a push carries no API version. */
  apiVersion?: undefined;
}

export type Connection = MetaGraphConnection | HttpJsonConnection | PushConnection;

/**
 * True for a source upwatch polls (every provider but `push`).
 *
 * @example
 * isPolled(claimsWarehouse) // false: provider push, fed by upwatch ingest
 */
export function isPolled(source: Pick<SourceContract, 'provider'>): boolean {
  return source.provider !== 'push';
}

/**
 * Where a team's alerts go besides its owners' mail: a Slack incoming webhook, or a JSON webhook signed with
 * HMAC-SHA256. URLs and secrets stay `${VAR}` templates until the relay sends.
 */
export type ChannelContract =
  { kind: 'slack'; url: TemplateValue } | { kind: 'webhook'; url: TemplateValue; secret: TemplateValue };

export interface SourceContract {
  name: string;
  description?: string;
  owners: string[];
  /** Channels told about this source's findings, like its owners. Default none. */
  channels?: ChannelContract[];
  provider: ProviderName;
  connection: Connection;
  /** Five-field cron expression; empty for a `push` source (never polled). */
  schedule: string;
  /** IANA time zone for the schedule; default `UTC`. */
  timezone: string;
  /** How long the source, or one of its metrics, may go unverified before its features turn to `warn`; hours. */
  freshnessHours: number;
  /** Overall deadline of one poll of this source, seconds; default the `pollDeadline` setting. */
  pollDeadlineSeconds?: number;
  docs: DocContract[];
  metrics: MetricContract[];
  /** Source-wide check overrides keyed by detector id. */
  checks: Record<string, CheckOverride>;
  location: SourceLocation;
}

/** A reference from a feature to a metric, `source/metric`, with where it was written. */
export interface MetricRef {
  source: string;
  metric: string;
  location: SourceLocation;
}

export interface FeaturePolicy {
  /** Severities of open findings that block this feature. Default `[block]`. */
  blockOn: Severity[];
  /** Severities that turn it to `warn`. Default `[warn]`. */
  warnOn: Severity[];
}

export interface FeatureContract {
  name: string;
  description?: string;
  owners: string[];
  /** Channels told about findings that touch this feature, like its owners. Default none. */
  channels?: ChannelContract[];
  uses: MetricRef[];
  policy: FeaturePolicy;
  /** Groups features for a whole-model gate (`upwatch gate --model M`). */
  model?: string;
  location: SourceLocation;
}

/**
 * A known happening (campaign launch, UI redesign, outage, backfill) with its days and what it touches. Findings
 * whose onset falls inside it are linked to it; with `train: false` the advisor drops its span from training.
 */
export interface EventContract {
  name: string;
  description?: string;
  /** First and last ISO day of the event, both included. */
  from: string;
  to: string;
  /** Sources it touches (every metric of each). */
  sources: string[];
  /** Metrics it touches, as `source/metric`. */
  metrics: string[];
  /** Features it touches. */
  features: string[];
  /** Whether rows inside the event may be trained on (default false). */
  train: boolean;
  location: SourceLocation;
}

/**
 * A model: its owners, the features it uses, and the metrics that tell whether it still works. KPIs are measured
 * after prediction (a loss ratio per risk band); trust signals show whether people still follow it (an override
 * rate). Both are `source/metric` references to declared metrics.
 */
export interface ModelContract {
  name: string;
  description?: string;
  owners: string[];
  /** Channels told about findings on the model's KPIs and trust signals, like its owners. Default none. */
  channels?: ChannelContract[];
  /** Names of the features the model uses. */
  features: string[];
  kpis: MetricRef[];
  trustSignals: MetricRef[];
  location: SourceLocation;
}

/** Everything loaded from a contracts directory. */
export interface ContractSet {
  /** Directory the contracts were loaded from. */
  root: string;
  /** Files read, relative to the working directory, in load order. */
  files: string[];
  sources: SourceContract[];
  features: FeatureContract[];
  /** Known events (`kind: Event`); absent when the contracts declare none. */
  events?: EventContract[];
  /** Declared models (`kind: Model`); absent when the contracts declare none. */
  models?: ModelContract[];
}

/** Find a source by name. */
export function findSource(set: ContractSet, name: string): SourceContract | undefined {
  return set.sources.find((s) => s.name === name);
}

/** Find a metric of a source by name. */
export function findMetric(source: SourceContract, name: string): MetricContract | undefined {
  return source.metrics.find((m) => m.name === name);
}

/** Features that use `source/metric`. */
export function featuresUsing(set: ContractSet, source: string, metric?: string): FeatureContract[] {
  return set.features.filter((f) =>
    f.uses.some((u) => u.source === source && (metric === undefined || u.metric === metric)),
  );
}

/**
 * Find a declared model by name.
 *
 * @example
 * findModel(contracts, 'underwriting')?.features // ['risk_score_inputs', …]
 */
export function findModel(set: ContractSet, name: string): ModelContract | undefined {
  return set.models?.find((m) => m.name === name);
}

/**
 * Models whose KPIs or trust signals include `source/metric`.
 *
 * @example
 * modelsWatching(contracts, 'loan-desk', 'override_rate').map((m) => m.name) // ['credit-limit']
 */
export function modelsWatching(set: ContractSet, source: string, metric: string): ModelContract[] {
  return (set.models ?? []).filter((m) =>
    [...m.kpis, ...m.trustSignals].some((r) => r.source === source && r.metric === metric),
  );
}

/**
 * Every channel the contracts declare, with the document that declares it (sources, then features, then models).
 *
 * @example
 * declaredChannels(contracts).map((c) => c.channel.kind) // ['slack', 'webhook']
 */
export function declaredChannels(
  set: Pick<ContractSet, 'sources' | 'features' | 'models'>,
): { kind: 'Source' | 'Feature' | 'Model'; name: string; index: number; channel: ChannelContract }[] {
  const of = (
    kind: 'Source' | 'Feature' | 'Model',
    docs: readonly { name: string; channels?: ChannelContract[] }[],
  ) =>
    docs.flatMap((d) => (d.channels ?? []).map((channel, index) => ({ kind, name: d.name, index, channel })));
  return [...of('Source', set.sources), ...of('Feature', set.features), ...of('Model', set.models ?? [])];
}
