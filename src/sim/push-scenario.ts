// The scenario language of a warehouse story: contracts, the rows a warehouse job pushes each day, and what upwatch must conclude.
import type { Verdict } from '../advisor/advice.js';
import type { FindingClass } from '../core/finding.js';
import type { Severity } from '../core/contract.js';
import { rngFor, type Rng } from './rng.js';

/** One value a warehouse job pushes (`upwatch ingest` row, without its date and source). */
export interface PushValue {
  metric: string;
  /** Entity or segment value (a risk band, a branch, a surface). */
  entity: string;
  value: number;
  /** Category of a `categorical` metric's count. */
  category?: string;
}

/** The finding that names a story's problem, and how soon it must be found. */
export interface NamingFinding {
  rule: string;
  class: FindingClass;
  metric: string;
  /** Entities the finding must name (at least these). */
  entities?: string[];
  severity: Severity;
  /** First story day whose push carries the change (its data day is the day before). */
  day: number;
  /** Detection may lag `day` by up to this many days. */
  maxDelayDays: number;
  /** The declared event the advisor must link this finding to. */
  event?: string;
}

/** The advice the story ends with: `upwatch advise --model M --window …` over the days before the last push. */
export interface StoryAdvice {
  model: string;
  windowDays: number;
  verdict: Verdict;
}

/**
 * A story of metrics pushed from a warehouse (`provider: push`): on story day 0 the job backfills `backfillDays` days
 * of history, then each day it pushes the day before, at `pushTimeUtc`, through the same path as `upwatch ingest`.
 */
export interface PushScenario {
  name: string;
  description: string;
  /** ISO day of story day 0. */
  startDate: string;
  days: number;
  /** UTC time (`HH:MM`) of each day's push. */
  pushTimeUtc: string;
  seed: number;
  /** Days of history the first push carries (data days −backfillDays … −1). */
  backfillDays: number;
  /** The contracts, as one YAML file of documents (a push source, features, a model, events). */
  contracts: string;
  /** The push source the rows belong to. */
  source: string;
  /** What the warehouse holds for data day `day` (negative for backfilled days), drawn from `rng`. */
  values: (day: number, rng: (...keys: (string | number)[]) => Rng) => PushValue[];
  /** What happens in the world, by story day (the timeline's `upstream` lines). */
  notes: { day: number; text: string }[];
  /** The finding that names the problem (the story's end-to-end test checks it). */
  naming: NamingFinding;
  /** Other rules that may fire on the same change; anything else is a false alarm. */
  alsoExpected: string[];
  advice: StoryAdvice;
  /** Features whose gate the story moves, and the state they must end in. */
  gate: { feature: string; state: 'ok' | 'warn' | 'blocked' }[];
}

/** ISO day of story day `n` (negative for backfilled days). */
export function pushDate(s: Pick<PushScenario, 'startDate'>, n: number): string {
  return new Date(Date.parse(`${s.startDate}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The instant of the push on story day `n`. */
export function pushInstant(s: Pick<PushScenario, 'startDate' | 'pushTimeUtc'>, n: number): Date {
  return new Date(`${pushDate(s, n)}T${s.pushTimeUtc}:00Z`);
}

/** Data days the push of story day `n` carries: the backfill on day 0, else the day before. */
export function pushedDays(s: Pick<PushScenario, 'backfillDays'>, n: number): number[] {
  if (n > 0) return [n - 1];
  return Array.from({ length: s.backfillDays }, (_, i) => i - s.backfillDays);
}

/** A scenario's seeded streams: one per (keys…), independent of the order values are drawn in. */
export function scenarioRng(s: Pick<PushScenario, 'seed' | 'name'>): (...keys: (string | number)[]) => Rng {
  return (...keys) => rngFor(s.seed, s.name, ...keys);
}

/**
 * A count of successes among `trials`: binomial by its normal approximation, with a day-to-day wobble of the rate
 * (`wobble` in log units, beta-binomial-like overdispersion as real rates have).
 *
 * @example
 * successes(rng, 4000, 0.02, 0.05) // ≈ 80
 */
export function successes(rng: Rng, trials: number, rate: number, wobble = 0.05): number {
  const p = Math.min(0.999, rate * Math.exp(wobble * rng.normal()));
  const sd = Math.sqrt(trials * p * (1 - p));
  return Math.max(0, Math.min(trials, Math.round(trials * p + sd * rng.normal())));
}

/**
 * A daily volume around `base` with weekly seasonality (amplitude `weekly`) and Poisson–Gamma noise.
 *
 * @example
 * volume(rng, 4000, 12) // day 12: ≈ 4000 ± seasonality
 */
export function volume(rng: Rng, base: number, day: number, weekly = 0.1): number {
  const level = base * (1 + weekly * Math.sin((2 * Math.PI * day) / 7));
  return Math.max(1, rng.poissonGamma(level, 200));
}
