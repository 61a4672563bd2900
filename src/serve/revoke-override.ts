// Revoking a feature's override before it expires: the gate decides from findings again, audited with who and why.
import type { ContractSet } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';
import type { FeatureGate } from '../core/gate.js';
import { checkGate, type GateStore } from '../gate/check-gate.js';

export interface RevokeInput {
  feature: string;
  reason: string;
  by: string;
  now: Date;
}

/**
 * Revoke the override in force on a feature and return the feature's new gate decision. Throws UpwatchError
 * `NOT_FOUND` for a feature the contracts do not declare or one without an override in force, `USAGE` for an empty
 * reason.
 *
 * @example
 * revokeOverride(store, contracts, { feature: 'engagement_rate_7d', reason: 'replacement live', by: 'ana', now });
 */
export async function revokeOverride(
  store: GateStore,
  contracts: ContractSet,
  input: RevokeInput,
): Promise<FeatureGate> {
  const reason = input.reason.trim();
  if (!reason)
    throw new UpwatchError('USAGE', 'revoking an override needs a reason', {
      hint: 'say why it no longer holds',
    });
  if (!contracts.features.some((f) => f.name === input.feature)) {
    throw new UpwatchError('NOT_FOUND', `unknown feature ${input.feature}`, {
      hint: 'features are declared in the contracts',
    });
  }
  return store.transaction(async () => {
    const active = (await store.overrides.active(input.now)).get(input.feature);
    if (!active) {
      throw new UpwatchError('NOT_FOUND', `feature ${input.feature} has no override in force`, {
        hint: 'an override that expired or was replaced needs no revoking',
      });
    }
    const before = (await checkGate({ store, contracts, features: [input.feature], now: input.now }))
      .features[0]!;
    const at = input.now.toISOString();
    await store.overrides.revoke(input.feature, at);
    const gate = (await checkGate({ store, contracts, features: [input.feature], now: input.now }))
      .features[0]!;
    await store.audit.write({
      at,
      actor: input.by,
      action: 'override-revoked',
      targetKind: 'override',
      target: input.feature,
      reason,
      details: { overrideId: active.id, action: active.action, from: before.state, to: gate.state },
    });
    await store.overrides.saveFeatureState({
      feature: gate.feature,
      state: gate.state,
      reasons: gate.reasons,
      at,
    });
    return gate;
  });
}
