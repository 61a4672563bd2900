// Feature overrides (allow/block with reason and expiry) and the last computed gate state of each feature.
import type { GateOverride, GateReason, GateState } from '../core/gate.js';
import { prepared, type RepoStore } from './findings-repo.js';

/** A stored override with its id and feature. */
export interface StoredOverride extends GateOverride {
  id: number;
  feature: string;
  revokedAt?: string;
}

interface OverrideRow {
  id: number;
  feature: string;
  action: string;
  reason: string;
  created_by: string;
  created_at: string;
  until: string;
  revoked_at: string | null;
}

function fromRow(r: OverrideRow): StoredOverride {
  const o: StoredOverride = {
    id: r.id,
    feature: r.feature,
    action: r.action as 'allow' | 'block',
    reason: r.reason,
    by: r.created_by,
    at: r.created_at,
    until: r.until,
  };
  if (r.revoked_at !== null) o.revokedAt = r.revoked_at;
  return o;
}

/**
 * Record an override. A newer override for the same feature replaces older ones (they stay in the table).
 *
 * @example
 * addOverride(store, { feature: 'engagement_rate_7d', action: 'allow', reason: 'replacement wired',
 *   by: 'ana', at: now, until: '2026-04-01T00:00:00.000Z' });
 */
export function addOverride(store: RepoStore, o: Omit<StoredOverride, 'id' | 'revokedAt'>): StoredOverride {
  const info = prepared(
    store,
    `INSERT INTO feature_overrides (feature, action, reason, created_by, created_at, until) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(o.feature, o.action, o.reason, o.by, o.at, o.until);
  return { ...o, id: Number(info.lastInsertRowid) };
}

/** Revoke every unexpired override of a feature (used when a new one replaces them). */
export function revokeOverrides(store: RepoStore, feature: string, at: string): number {
  return prepared(
    store,
    `UPDATE feature_overrides SET revoked_at = ? WHERE feature = ? AND revoked_at IS NULL AND until > ?`,
  ).run(at, feature, at).changes;
}

/** The override in force for each feature at `now` (the newest unexpired, unrevoked one). */
export function activeOverrides(store: RepoStore, now: Date): Map<string, StoredOverride> {
  const rows = prepared(
    store,
    `SELECT * FROM feature_overrides WHERE revoked_at IS NULL AND until > ? ORDER BY id`,
  ).all(now.toISOString()) as OverrideRow[];
  const out = new Map<string, StoredOverride>();
  for (const r of rows) out.set(r.feature, fromRow(r));
  return out;
}

/** Overrides (not revoked) whose expiry falls in (since, now]: they ran out by themselves in that window. */
export function overridesExpiredBetween(
  store: RepoStore,
  since: string | undefined,
  now: Date,
): StoredOverride[] {
  return (
    prepared(
      store,
      `SELECT * FROM feature_overrides WHERE revoked_at IS NULL AND until <= ? AND (? IS NULL OR until > ?) ORDER BY id`,
    ).all(now.toISOString(), since ?? null, since ?? null) as OverrideRow[]
  ).map(fromRow);
}

/** Every override ever recorded for a feature, oldest first. */
export function overridesOf(store: RepoStore, feature: string): StoredOverride[] {
  return (
    prepared(store, `SELECT * FROM feature_overrides WHERE feature = ? ORDER BY id`).all(
      feature,
    ) as OverrideRow[]
  ).map(fromRow);
}

/** The last gate state stored for a feature. */
export interface StoredFeatureState {
  feature: string;
  state: GateState;
  reasons: GateReason[];
  changedAt: string;
  updatedAt: string;
}

interface StateRow {
  feature: string;
  state: string;
  reasons: string;
  changed_at: string;
  updated_at: string;
}

/** Every stored feature state, by feature name. */
export function featureStates(store: RepoStore): Map<string, StoredFeatureState> {
  const rows = prepared(store, `SELECT * FROM feature_states ORDER BY feature`).all() as StateRow[];
  return new Map(
    rows.map((r) => [
      r.feature,
      {
        feature: r.feature,
        state: r.state as GateState,
        reasons: JSON.parse(r.reasons) as GateReason[],
        changedAt: r.changed_at,
        updatedAt: r.updated_at,
      },
    ]),
  );
}

/** One feature's state as the gate computed it at `at`. */
export interface FeatureStateInput {
  feature: string;
  state: GateState;
  reasons: GateReason[];
  at: string;
}

/** Store a feature's state; `changed_at` moves only when the state differs from the stored one. */
export function saveFeatureState(store: RepoStore, s: FeatureStateInput): void {
  saveFeatureStates(store, [s]);
}

/**
 * Store the state of many features at once (the gate after a poll stores every feature's): the same upsert per row
 * as saveFeatureState, in one call of the port (on PostgreSQL one statement instead of a round trip per feature).
 */
export function saveFeatureStates(store: RepoStore, states: readonly FeatureStateInput[]): void {
  const upsert = prepared(
    store,
    `INSERT INTO feature_states (feature, state, reasons, changed_at, updated_at) VALUES (@feature, @state, @reasons, @at, @at)
       ON CONFLICT (feature) DO UPDATE SET
         changed_at = CASE WHEN feature_states.state = excluded.state THEN feature_states.changed_at ELSE excluded.changed_at END,
         state = excluded.state, reasons = excluded.reasons, updated_at = excluded.updated_at`,
  );
  for (const s of states)
    upsert.run({ feature: s.feature, state: s.state, reasons: JSON.stringify(s.reasons), at: s.at });
}
