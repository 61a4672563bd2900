// The scenario language of the simulator: pages, metrics and dated events as plain data, plus what should be detected.
import type { MetricPeriod, Severity } from '../core/contract.js';
import type { FindingClass } from '../core/finding.js';
import type { DecisionKind } from '../core/decision.js';

/**
 * How a simulated metric's values are made.
 * - `count`: a driver series (with `base`) or a count at `ratio` × the latent level of `of`;
 * - `unique`: like a related count, but never above the value of `of` (unique ≤ total);
 * - `cumulative`: `base` × page size plus the running sum of `of` (a follower total that grows);
 * - `ratio`: `numerator` / `denominator` of two other metrics' values, a 0..1 fraction;
 * - `breakdown`: a related count split over `breakdown` keys, served as an object of the non-zero keys.
 */
export const SIM_METRIC_KINDS = ['count', 'unique', 'cumulative', 'ratio', 'breakdown'] as const;
export type SimMetricKind = (typeof SIM_METRIC_KINDS)[number];

/** One metric the simulated upstream serves. */
export interface SimMetric {
  name: string;
  /** Graph `title` (e.g. "Daily Total Media Views"). */
  title: string;
  /** Graph `description`. */
  description: string;
  kind: SimMetricKind;
  /** Driver `count`: the daily level of a median-sized page. `cumulative`: the starting total of such a page. */
  base?: number;
  /** Related metric this one follows (`count`, `unique`, `breakdown`, `cumulative`). */
  of?: string;
  /** Level relative to `of` (engagements ≈ 0.05 × views). */
  ratio?: number;
  /** `ratio` kind: the two metrics divided. */
  numerator?: string;
  denominator?: string;
  /** `breakdown` kind: share of each key (they need not sum to 1). */
  breakdown?: Record<string, number>;
  /** Periods served; default `['day', 'week', 'days_28']` (`cumulative` and `ratio`: `['day']`). */
  periods?: MetricPeriod[];
  /** Weekly seasonality amplitude in log units (driver only; default 0.15). */
  weekly?: number;
  /** AR(1) log-noise: coefficient and innovation sd (default 0.5 and 0.12 for drivers, 0.3 and 0.08 otherwise). */
  ar?: { phi: number; sigma: number };
  /** Count-noise dispersion (Poisson–Gamma shape; default 30). */
  shape?: number;
}

/** One simulated page population (Meta) or entity set (partner API). */
export interface SimPages {
  count: number;
  /** Page id prefix; ids are prefix + a 3-digit index (`104100000000001`). */
  idPrefix: string;
  /** Log-normal page size: exp(N(0, sigma)); the median page has size 1. */
  sizeSigma: number;
  /** Daily growth of the latent level: mean and sd across pages (log units per day). */
  growth: { mean: number; sd: number };
}

/** An injected failure of a request. */
export type SimFault =
  /** A plain HTTP error (a load balancer 500 or a 429 with Retry-After), body not in Graph's shape. */
  | { type: 'http'; status: 429 | 500 | 502 | 503; retryAfterSeconds?: number }
  /** A Graph error body (`{"error":{…}}`) with a real code: 1/2 transient, 4/17/32/613/80001 throttling, 190 token. */
  | { type: 'graph'; code: number; subcode?: number; regainMinutes?: number };

/** A scripted change, on a simulated day (day 0 = `startDate`). */
export type ScenarioEvent =
  /** From `day` (clock day) every request naming `metric` fails with `(#100) … must be a valid insights metric`. */
  | {
      kind: 'metric-removed';
      day: number;
      metric: string;
      /** Clock day the changelog and deprecated-metrics page announce it (Meta gives ~90 days). */
      announceDay?: number;
      /** Other metric names listed in the same announcement (not served by the simulator). */
      alsoAnnounced?: string[];
      alternative?: string;
    }
  /** From data day `day`, `pages` (indices) repeat their last value (`last`) or report 0 (`zero`). */
  | {
      kind: 'freeze';
      day: number;
      metric: string;
      pages: number[];
      mode?: 'last' | 'zero';
      untilDay?: number;
    }
  /** From data day `day`, the metric's values are multiplied by `factor` (a fraction served as a percent: 100). */
  | { kind: 'unit-change'; day: number; metric: string; factor: number; pages?: number[] }
  /** A real burst: the page's latent level × `factor` for `days` data days from `day` (must not alert). */
  | { kind: 'viral-burst'; day: number; page: number; days: number; factor: number }
  /** The first `count` matching requests of clock day `day` fail (all of them when `count` is omitted). */
  | { kind: 'fault'; day: number; api: 'graph' | 'partner'; fault: SimFault; count?: number; metric?: string }
  /** A changelog entry that appears on clock day `day` (e.g. a version release; names no watched metric). */
  | { kind: 'changelog-entry'; day: number; title: string; body: string }
  /**
   * From clock day `day`, partner API responses carry `Deprecation: @<epoch of deprecationDay>`,
   * `Sunset: <HTTP-date of sunsetDay>` and `Link: <…>; rel="deprecation"`; the operation is marked deprecated
   * (with `x-sunset`) in the OpenAPI document. From `sunsetDay`, with `goneAfterSunset`, the API answers 410.
   */
  | {
      kind: 'http-deprecation';
      day: number;
      deprecationDay: number;
      sunsetDay: number;
      successor?: string;
      goneAfterSunset?: boolean;
    }
  /** From clock day `day` the OpenAPI document marks partner field `field` deprecated with `x-sunset`. */
  | { kind: 'spec-field-deprecated'; day: number; field: string; sunsetDay: number; note?: string }
  /** From clock day `day` the partner field disappears from the OpenAPI document and from the records. */
  | { kind: 'spec-field-removed'; day: number; field: string };

export type ScenarioEventKind = ScenarioEvent['kind'];

/** What the demo's end-to-end test expects upwatch to conclude, and when. */
export interface ExpectedEvent {
  /** First clock day a daily poll can observe the evidence. */
  day: number;
  /** Detection may lag `day` by up to this many days (0 for hard evidence such as error #100). */
  maxDelayDays: number;
  kind:
    | 'deprecation-announced'
    | 'metric-removed'
    | 'frozen'
    | 'unit-change'
    | 'http-deprecation'
    | 'spec-operation-deprecated'
    | 'spec-field-deprecated'
    | 'spec-field-removed';
  /** Contract source name. */
  source: string;
  metric?: string;
  /** Affected entity ids (page ids); omitted when source- or metric-wide. */
  entities?: string[];
  /** Detector rule id expected to fire (the most specific one). */
  rule: string;
  /**
   * Every rule id that may fire because of this event (includes `rule`): the other channels that see it
   * (a removed metric also disappears from the payload and stops arriving). Findings with these rules on the
   * event's metric/source from `day` on are explained by it; anything else is a false alarm.
   */
  rules?: string[];
  class: FindingClass;
  severity: Severity;
  /** Features whose gate state this event should change, and to what. */
  features?: { name: string; state: 'warn' | 'blocked' }[];
}

/** Something scripted that must NOT alert (normal variation, transient faults, unrelated doc changes). */
export interface QuietEvent {
  day: number;
  kind: 'viral-burst' | 'transient-fault' | 'throttled' | 'unrelated-doc-change' | 'seasonality' | 'growth';
  source: string;
  metric?: string;
  note: string;
}

/**
 * A person's step in the story: on `day`, before the polls, the consumers of a held change record what they did
 * about it (`upwatch accept`). The demo decides every open change finding on the metric.
 */
export interface ScenarioDecision {
  day: number;
  /** Contract source name. */
  source: string;
  metric: string;
  as: DecisionKind;
  reason: string;
  by: string;
  factor?: number;
  /** Features the gate lets go once the decision is recorded (the demo's test checks they open). */
  features: string[];
}

/**
 * A model retrained on a schedule: before each retrain the demo asks the advisor (`upwatch advise`) whether the
 * window is fit to learn from, and what the mask says to drop or rescale.
 */
export interface ScenarioRetrain {
  model: string;
  /** First retrain day, then one every `everyDays`. */
  firstDay: number;
  everyDays: number;
  /** Days the model learns from; the window ends the day before the retrain. */
  windowDays: number;
}

/** A complete simulated world. */
export interface Scenario {
  name: string;
  description: string;
  /** ISO day of simulated day 0. */
  startDate: string;
  /** Number of simulated days the scenario tells its story over. */
  days: number;
  /** UTC time of day (`HH:MM`) at which the demo polls each simulated day. */
  pollTimeUtc: string;
  /** Story day `upwatch sim` starts at (default 0): a few days before the first break worth watching. */
  sandboxStartDay?: number;
  seed: number;
  graph: {
    /** The page access token the simulator accepts (demo only; a real token never goes in a scenario). */
    accessToken: string;
    pages: SimPages;
    metrics: SimMetric[];
    /** Days of history available before day 0 (Meta keeps 2 years; default 120). */
    historyDays?: number;
  };
  partner: {
    /** The bearer token the partner API accepts. */
    token: string;
    entities: string[];
    pages: Omit<SimPages, 'count' | 'idPrefix'>;
    metrics: SimMetric[];
  };
  events: ScenarioEvent[];
  /** What should be detected (for the demo's timeline and its end-to-end test). */
  expectedEvents: ExpectedEvent[];
  /** What must not alert. */
  quietEvents: QuietEvent[];
  /** What the consumers decide about held changes, and when. */
  decisions?: ScenarioDecision[];
  /** A model retrained on a schedule, checked with the advisor first. */
  retrain?: ScenarioRetrain;
  /** Directory under src/sim/contracts/ holding the scenario's contracts (`{{SIM_URL}}` placeholders). */
  contractSet: string;
  /** Contract sources the scenario's contracts declare. */
  contractSources: { graph: string; partner: string };
}

/**
 * Whole simulated days from the scenario start to an instant (UTC calendar days; negative before the start).
 *
 * @example
 * scenarioDay(meta2024, new Date('2023-11-15T09:00:00Z')) // 1
 */
export function scenarioDay(scenario: Pick<Scenario, 'startDate'>, t: Date): number {
  const start = Date.parse(`${scenario.startDate}T00:00:00Z`);
  return Math.floor((t.getTime() - start) / 86_400_000);
}

/** ISO day of simulated day `n`. */
export function scenarioDate(scenario: Pick<Scenario, 'startDate'>, n: number): string {
  return new Date(Date.parse(`${scenario.startDate}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The instant the demo polls on simulated day `n` (`startDate + n days` at `pollTimeUtc`).
 *
 * @example
 * new ManualClock(pollInstant(meta2024, 0)); // then clock.advanceDays(1) per simulated day
 */
export function pollInstant(scenario: Pick<Scenario, 'startDate' | 'pollTimeUtc'>, n: number): Date {
  return new Date(`${scenarioDate(scenario, n)}T${scenario.pollTimeUtc}:00Z`);
}

/** Page ids of a scenario, in index order. */
export function pageIds(scenario: Pick<Scenario, 'graph'>): string[] {
  const { count, idPrefix } = scenario.graph.pages;
  const key = `${idPrefix}|${count}`;
  let ids = PAGE_IDS.get(key);
  if (ids === undefined) {
    ids = Array.from({ length: count }, (_, i) => `${idPrefix}${String(i + 1).padStart(3, '0')}`);
    PAGE_IDS.set(key, ids);
  }
  return [...ids];
}

const PAGE_IDS = new Map<string, readonly string[]>();
