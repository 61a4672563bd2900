// The SQLite store seen through the asynchronous ports (src/store/ports.ts): every method runs the synchronous
// repository function of the same behaviour, outside any other async flow's open transaction.
import * as audit from './audit-repo.js';
import { breakers } from './breakers.js';
import * as decisions from './decisions-repo.js';
import { docSnapshots } from './doc-snapshots.js';
import * as outbox from './outbox-repo.js';
import * as overrides from './overrides-repo.js';
import { principalPauses } from './pauses.js';
import { pollCounts, requestCounts } from './poll-counts.js';
import { pollSlots } from './poll-slots.js';
import * as regimes from './regimes.js';
import { servedVersions } from './served-versions.js';
import { sourceStatuses } from './source-status.js';
import {
  AUDIT_METHODS,
  DECISION_METHODS,
  OUTBOX_METHODS,
  OVERRIDE_METHODS,
  REGIME_METHODS,
  type Async,
  type Repositories,
} from './ports.js';
import type { SqliteHistory as SyncStore } from './store.js';

/** Runs one synchronous piece of store work at a moment no other async flow holds a transaction open. */
export type Exclusive = <T>(op: () => T) => Promise<T>;

/** Each method of `methods` (port name → function name in `module`) as an async method over `store`. */
function bind<R>(
  store: SyncStore,
  exclusive: Exclusive,
  module: Record<string, unknown>,
  methods: Record<string, string>,
): R {
  const repo: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(methods)) {
    const f = module[fn] as (s: SyncStore, ...args: unknown[]) => unknown;
    repo[name] = (...args) => exclusive(() => f(store, ...args));
  }
  return repo as R;
}

/** Each method of an object-shaped synchronous repository as an async method. */
function lift<T extends object>(repo: T, exclusive: Exclusive): Async<T> {
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const key of Object.keys(repo) as (keyof T & string)[]) {
    const f = repo[key] as unknown as (...args: unknown[]) => unknown;
    out[key] = (...args) => exclusive(() => f.apply(repo, args));
  }
  return out as Async<T>;
}

/**
 * The repositories of a SQLite store as ports. Built once per store.
 *
 * @example
 * const repos = sqliteRepositories(store, (op) => transactions.exclusive(op));
 * await repos.outbox.list(['pending']);
 */
export function sqliteRepositories(store: SyncStore, exclusive: Exclusive): Repositories {
  return {
    findings: lift(store.findings, exclusive),
    outbox: bind(store, exclusive, outbox, OUTBOX_METHODS),
    audit: bind(store, exclusive, audit, AUDIT_METHODS),
    overrides: bind(store, exclusive, overrides, OVERRIDE_METHODS),
    decisions: bind(store, exclusive, decisions, DECISION_METHODS),
    regimes: bind(store, exclusive, regimes, REGIME_METHODS),
    docs: lift(docSnapshots(store), exclusive),
    pauses: lift(principalPauses(store), exclusive),
    breakers: lift(breakers(store), exclusive),
    slots: lift(pollSlots(store), exclusive),
    stats: {
      pollCounts: () => exclusive(() => pollCounts(store)),
      requestCounts: () => exclusive(() => requestCounts(store)),
      sourceStatuses: (sources) => exclusive(() => sourceStatuses(store, sources)),
      servedVersions: (source) => exclusive(() => servedVersions(store, source)),
    },
  };
}
