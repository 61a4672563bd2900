// The store's ports: what the rest of upwatch asks of a store, asynchronous so that a store on a server (PostgreSQL)
// can implement them as well as the SQLite file. Each repository is named by the table family it owns.
import type { BreakerBook } from './breakers.js';
import type { DocSnapshotRepo } from './doc-snapshots.js';
import type { PauseBook } from './pauses.js';
import type { PollSlots } from './poll-slots.js';
import type { FindingsRepo } from '../core/findings-repo.js';
import type { MetricHistory } from '../core/detector.js';
import type { PollRecord } from '../core/observation.js';
import type { RecordPollInput } from './store.js';
import type * as outbox from './outbox-repo.js';
import type * as audit from './audit-repo.js';
import type * as overrides from './overrides-repo.js';
import type * as decisions from './decisions-repo.js';
import type * as regimes from './regimes.js';
import type * as counts from './poll-counts.js';
import type * as sourceStatus from './source-status.js';
import type * as served from './served-versions.js';

/** Which days of a metric's history to read, and whether to read its points now (see `metricHistory`). */
export interface HistoryOptions {
  sinceDay?: string;
  untilDay?: string;
  withPoints?: boolean;
}

/** The same interface with every method returning a promise of what it returned. */
export type Async<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** The same interface with every method returning what its promise resolves to (a synchronous implementation). */
export type Sync<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

/**
 * A repository written as functions whose first parameter is the store, seen as methods of the store: each method is
 * the function without that parameter, returning a promise. The SQLite functions in src/store/ define the behaviour
 * (their doc comments are the contract); every store implements the same.
 */
export type Bound<F> = {
  readonly [K in keyof F]: F[K] extends (store: never, ...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** The outbox of notifications (mail, Slack, webhooks) and the notification log: see src/store/outbox-repo.ts. */
export const OUTBOX_METHODS = {
  enqueue: 'enqueue',
  claimDue: 'claimDue',
  markSent: 'markSent',
  markRetry: 'markRetry',
  markDead: 'markDead',
  markDropped: 'markDropped',
  replaceClaimedPayload: 'replaceClaimedPayload',
  forgetNotification: 'forgetNotification',
  list: 'listOutbox',
  counts: 'outboxCounts',
  logNotification: 'logNotification',
  notificationsOf: 'notificationsOf',
  sentAlertPayloads: 'sentAlertPayloads',
  byDedupKey: 'outboxByDedupKey',
  replacePendingPayload: 'replacePendingPayload',
  countQueuedSince: 'countQueuedSince',
  dedupKeysFor: 'dedupKeysFor',
  summary: 'outboxSummary',
} as const satisfies Record<string, keyof typeof outbox>;

export const AUDIT_METHODS = { write: 'writeAudit', read: 'readAudit' } as const satisfies Record<
  string,
  keyof typeof audit
>;

export const OVERRIDE_METHODS = {
  add: 'addOverride',
  revoke: 'revokeOverrides',
  active: 'activeOverrides',
  expiredBetween: 'overridesExpiredBetween',
  of: 'overridesOf',
  featureStates: 'featureStates',
  saveFeatureState: 'saveFeatureState',
  saveFeatureStates: 'saveFeatureStates',
} as const satisfies Record<string, keyof typeof overrides>;

export const DECISION_METHODS = {
  insert: 'insertDecision',
  for: 'decisionsFor',
  latest: 'latestDecision',
  recent: 'recentDecisions',
  of: 'decisionOf',
} as const satisfies Record<string, keyof typeof decisions>;

export const REGIME_METHODS = {
  record: 'recordRegime',
  current: 'currentRegimes',
  history: 'regimeHistory',
} as const satisfies Record<string, keyof typeof regimes>;

type Methods<M extends Record<string, string>, Module> = Bound<{
  [K in keyof M]: M[K] extends keyof Module ? Module[M[K]] : never;
}>;

export type OutboxRepo = Methods<typeof OUTBOX_METHODS, typeof outbox>;
export type AuditRepo = Methods<typeof AUDIT_METHODS, typeof audit>;
export type OverridesRepo = Methods<typeof OVERRIDE_METHODS, typeof overrides>;
export type DecisionsRepo = Methods<typeof DECISION_METHODS, typeof decisions>;
export type RegimesRepo = Methods<typeof REGIME_METHODS, typeof regimes>;

/** Read-only summaries of the poll history, for status, the dashboard and /metrics. */
export interface PollStatsRepo {
  pollCounts(): Promise<counts.PollCount[]>;
  requestCounts(): Promise<counts.RequestCount[]>;
  sourceStatuses(sources?: readonly string[]): Promise<sourceStatus.SourceStatus[]>;
  servedVersions(source: string): Promise<served.ServedVersion[]>;
}

/** Every repository of a store, each over the same connection (and the same transaction when inside one). */
export interface Repositories {
  readonly findings: FindingsRepo;
  readonly outbox: OutboxRepo;
  readonly audit: AuditRepo;
  readonly overrides: OverridesRepo;
  readonly decisions: DecisionsRepo;
  readonly regimes: RegimesRepo;
  readonly docs: Async<DocSnapshotRepo>;
  readonly pauses: Async<PauseBook>;
  readonly breakers: Async<BreakerBook>;
  readonly slots: Async<PollSlots>;
  readonly stats: PollStatsRepo;
}

/** What `upwatch doctor` asks of a store: is it whole, and is its schema the one this upwatch writes. */
/** How recently a source was verified: its last `ok`/`partial` poll, and each metric polls have reported on. */
export interface SourceVerification {
  /** When the last verified poll finished; absent when no poll of the source was verified. */
  lastVerifiedAt?: string;
  /** As `metricsLastVerified`: each reported metric with when it was last verified (undefined: never). */
  metrics: Map<string, string | undefined>;
}

export interface StoreHealth {
  /** `ok`, or what the engine's own check found (the first problem, in the engine's words). */
  integrity: string;
  /** The schema version the store is at. */
  schemaVersion: number;
  /** The schema version this upwatch migrates to. */
  expectedVersion: number;
}

/**
 * A store: the poll history (polls, requests, metric outcomes, observations) and every repository, on one engine.
 * `openStore` (src/store/store.ts) opens a SQLite file; a PostgreSQL store implements the same.
 *
 * Writes inside `transaction(fn)` commit together or not at all; `fn` may await, and calls in its async flow join it
 * (nested `transaction` calls are savepoints). `recordPoll` is one transaction by itself.
 */
export interface Store extends Repositories {
  /** Where the store lives, for messages: the file path, or the server URL without its password. */
  readonly path: string;
  /**
   * Store a poll with its requests, metric outcomes and observations, in one transaction. Observations are upserted
   * by (source, metric, period end, entity): firstValue/firstSeen stay, value/lastSeen move. A failed poll adds a row
   * and deletes or overwrites nothing.
   */
  recordPoll(input: RecordPollInput): Promise<PollRecord>;
  /**
   * A metric's history, one ascending series per entity, optionally limited to ISO days [sinceDay, untilDay]. Its
   * points may be read only when first asked for (SQLite reads the rows again then); `withPoints` reads them whole
   * now, for a caller that will read them (a chart, a categorical metric, the counts of a ratio).
   */
  metricHistory(source: string, metric: string, options?: HistoryOptions): Promise<MetricHistory>;
  /** The last `limit` polls of a source, oldest first. */
  recentPolls(source: string, limit: number): Promise<PollRecord[]>;
  lastPoll(source: string): Promise<PollRecord | undefined>;
  /** The last poll whose outcome was `ok` or `partial`. */
  lastVerifiedPoll(source: string): Promise<PollRecord | undefined>;
  /**
   * The metrics of a source that polls have reported on, each with when it was last verified (every entity got a
   * definite answer), undefined when it never was. A metric no poll has reported on is absent.
   */
  metricsLastVerified(source: string): Promise<Map<string, string | undefined>>;
  /**
   * `lastVerifiedPoll`'s time and `metricsLastVerified` for many sources in one read (the gate asks it on every
   * cycle for every source a feature uses; a fleet store holds thousands). Every asked source is in the map.
   */
  verification(sources: readonly string[]): Promise<Map<string, SourceVerification>>;
  /**
   * Run `fn` in a transaction. `serialized` (default true): the transaction also waits for every other serialized
   * transaction on the store, in any process (PostgreSQL: the schema's writer lock; SQLite's write transactions take
   * turns whatever this says). Pass false only when the rows the transaction writes guard what it read, as the fleet
   * worker's poll does: its slot claim is a conditional upsert that locks the slot's row, so two polls of one slot
   * cannot both commit, while polls of different sources write side by side.
   */
  transaction<T>(fn: () => T | Promise<T>, options?: { serialized?: boolean }): Promise<T>;
  /** Check the store and its schema version without writing (works on a read-only store). */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
