// Accepting a change: a person records what the consumers did about it; the finding resolves as decided, audited.
import type { Decision, DecisionKind } from '../core/decision.js';
import { DECISION_KINDS, isDecisionKind } from '../core/decision.js';
import { UpwatchError } from '../core/errors.js';
import { changeFactorOf } from '../core/finding-lifecycle.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { Store } from '../store/ports.js';
import { fingerprintPrefix, openFindingByPrefix } from './open-finding.js';

export interface AcceptInput {
  /** Fingerprint or a unique prefix of one. */
  finding: string;
  /** What the consumers did (one of DECISION_KINDS). */
  as: string;
  reason: string;
  by: string;
  /** The factor the consumers applied; defaults to the finding's own factor. */
  factor?: number;
  now: Date;
}

/**
 * Record a decision about the current episode of an open finding and resolve it as `decided`, with an audit entry.
 * Throws UpwatchError `USAGE` for an unknown decision, an empty reason, a bad or ambiguous prefix, or a
 * `rescaled-history` without a factor; `NOT_FOUND` when no open finding matches.
 *
 * @example
 * acceptFinding(store, { finding: '3f1c9a', as: 'rescaled-history', reason: 'history ÷1000 in the feature store',
 *   by: 'ana', now });
 */
export async function acceptFinding(
  store: Store,
  input: AcceptInput,
): Promise<{ finding: FindingRecord; decision: Decision }> {
  const kind = input.as.trim();
  if (!isDecisionKind(kind)) {
    throw new UpwatchError('USAGE', `"${input.as}" is not a decision`, {
      hint: `use one of: ${DECISION_KINDS.join(', ')}`,
    });
  }
  const reason = input.reason.trim();
  if (!reason)
    throw new UpwatchError('USAGE', 'a decision needs a reason', {
      hint: 'pass --reason "what was done and where"',
    });
  if (input.factor !== undefined && !(Number.isFinite(input.factor) && input.factor > 0)) {
    throw new UpwatchError('USAGE', `--factor must be a positive number (got ${input.factor})`, {
      hint: 'e.g. --factor 0.001 for values divided by 1000',
    });
  }
  const prefix = fingerprintPrefix(input.finding);
  return store.transaction(async () => {
    const f = await openFindingByPrefix(
      store,
      prefix,
      'list open findings with `upwatch status`; a resolved finding needs no decision',
    );
    const factor = input.factor ?? changeFactorOf(f);
    if (kind === 'rescaled-history' && factor === undefined) {
      throw new UpwatchError('USAGE', `finding ${f.fingerprint} names no factor to rescale history by`, {
        hint: 'pass --factor F (the factor the values moved by), or record another decision',
      });
    }
    const at = input.now.toISOString();
    const decision = await store.decisions.insert({
      fingerprint: f.fingerprint,
      episode: f.episode,
      source: f.source,
      ...(f.metric !== undefined ? { metric: f.metric } : {}),
      rule: f.rule,
      kind: kind satisfies DecisionKind,
      ...(factor !== undefined ? { factor } : {}),
      onset: f.onset.slice(0, 10),
      reason,
      by: input.by,
      at,
    });
    const after: FindingRecord = { ...f, status: 'resolved', resolvedAt: at, resolution: 'decided' };
    await store.findings.update(after);
    await store.audit.write({
      at,
      actor: input.by,
      action: 'decided',
      targetKind: 'finding',
      target: f.fingerprint,
      reason,
      details: {
        episode: f.episode,
        decision: kind,
        decisionId: decision.id,
        factor: factor ?? null,
        rule: f.rule,
        source: f.source,
        metric: f.metric ?? null,
        lifecycle: f.lifecycle,
      },
    });
    return { finding: after, decision };
  });
}
