// Manual gate overrides: allow or block a feature with a reason and an expiry, audited, replacing older overrides.
import type { ContractSet } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';
import type { FeatureGate } from '../core/gate.js';
import { type StoredOverride } from '../store/overrides-repo.js';
import { checkGate, type GateStore } from './check-gate.js';

export interface OverrideInput {
  feature: string;
  action: 'allow' | 'block';
  reason: string;
  by: string;
  /** ISO instant after `now`: overrides always expire by themselves. */
  until: string;
  now: Date;
}

/**
 * Record an override and return it with the feature's new gate decision. Throws UpwatchError `NOT_FOUND` for a
 * feature the contracts do not declare and `USAGE` for an empty reason or an expiry not in the future.
 *
 * @example
 * overrideFeature(store, contracts, { feature: 'engagement_rate_7d', action: 'allow', reason: 'replacement wired',
 *   by: 'ana', until: '2026-04-01T00:00:00.000Z', now });
 */
export async function overrideFeature(
  store: GateStore,
  contracts: ContractSet,
  input: OverrideInput,
): Promise<{ override: StoredOverride; gate: FeatureGate }> {
  const reason = input.reason.trim();
  if (!reason)
    throw new UpwatchError('USAGE', 'an override needs a reason', {
      hint: 'pass --reason "why this is safe"',
    });
  if (!(Date.parse(input.until) > input.now.getTime())) {
    throw new UpwatchError('USAGE', `override expiry ${input.until} is not in the future`, {
      hint: 'pass --until with a later date, e.g. 7d',
    });
  }
  return store.transaction(async () => {
    const before = (await checkGate({ store, contracts, features: [input.feature], now: input.now }))
      .features[0]!;
    const at = input.now.toISOString();
    await store.overrides.revoke(input.feature, at);
    const override = await store.overrides.add({
      feature: input.feature,
      action: input.action,
      reason,
      by: input.by,
      at,
      until: input.until,
    });
    const gate = (await checkGate({ store, contracts, features: [input.feature], now: input.now }))
      .features[0]!;
    await store.audit.write({
      at,
      actor: input.by,
      action: `override-${input.action}`,
      targetKind: 'override',
      target: input.feature,
      reason,
      details: { until: input.until, overrideId: override.id, from: before.state, to: gate.state },
    });
    await store.overrides.saveFeatureState({
      feature: gate.feature,
      state: gate.state,
      reasons: gate.reasons,
      at,
    });
    return { override, gate };
  });
}
