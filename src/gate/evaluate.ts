// The gate decision as a pure function: findings, overrides and source freshness in, a state per feature out.
import type { ContractSet, FeatureContract } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import { heldNote } from '../core/finding-lifecycle.js';
import type { FindingRecord } from '../core/finding-record.js';
import type {
  FeatureGate,
  GateOverride,
  GateReason,
  GateReport,
  GateState,
  UnverifiedSource,
} from '../core/gate.js';

export interface GateInput {
  contracts: ContractSet;
  /** Features to decide; all features of the contract set when omitted. */
  features?: readonly FeatureContract[];
  /** Open and acknowledged findings (resolved ones are ignored if present). */
  findings: readonly FindingRecord[];
  /** The override in force per feature. */
  overrides: ReadonlyMap<string, GateOverride>;
  /** ISO time of the source's last verified poll (ok or partial), undefined when never verified. */
  lastVerified: (source: string) => string | undefined;
  now: Date;
  /** Recent decisions to show per feature (each feature lists the ones about metrics it uses). */
  decisions?: readonly Decision[];
}

const STATE_RANK: Record<GateState, number> = { ok: 0, warn: 1, blocked: 2 };

function worse(a: GateState, b: GateState): GateState {
  return STATE_RANK[a] >= STATE_RANK[b] ? a : b;
}

/** True when a finding is about a metric the feature uses (a source-wide finding touches all of them). */
function touches(feature: FeatureContract, f: FindingRecord): boolean {
  return feature.uses.some((u) => u.source === f.source && (f.metric === undefined || f.metric === u.metric));
}

function decide(input: GateInput, feature: FeatureContract): FeatureGate {
  const reasons: GateReason[] = [];
  for (const f of input.findings) {
    if (f.status === 'resolved' || !touches(feature, f)) continue;
    const effect = feature.policy.blockOn.includes(f.severity)
      ? 'block'
      : feature.policy.warnOn.includes(f.severity)
        ? 'warn'
        : undefined;
    if (!effect) continue;
    const note = heldNote(f);
    const reason: GateReason = {
      fingerprint: f.fingerprint,
      rule: f.rule,
      severity: f.severity,
      source: f.source,
      explanation: note ? `${f.explanation} ${note}` : f.explanation,
      status: f.status,
      effect,
      lifecycle: f.lifecycle,
    };
    if (f.metric !== undefined) reason.metric = f.metric;
    if (f.replacement !== undefined) reason.replacement = f.replacement;
    reasons.push(reason);
  }
  reasons.sort((a, b) =>
    a.effect === b.effect ? a.fingerprint.localeCompare(b.fingerprint) : a.effect === 'block' ? -1 : 1,
  );

  const unverified: UnverifiedSource[] = [];
  const sources = [...new Set(feature.uses.map((u) => u.source))].sort();
  for (const name of sources) {
    const source = input.contracts.sources.find((s) => s.name === name);
    const freshnessHours = source?.freshnessHours ?? 0;
    const last = input.lastVerified(name);
    const fresh = last !== undefined && input.now.getTime() - Date.parse(last) <= freshnessHours * 3_600_000;
    if (source && fresh) continue;
    const u: UnverifiedSource = {
      source: name,
      metrics: feature.uses.filter((m) => m.source === name).map((m) => m.metric),
      freshnessHours,
    };
    if (last !== undefined) u.lastVerifiedAt = last;
    unverified.push(u);
  }

  let findingsState: GateState = 'ok';
  for (const r of reasons) findingsState = worse(findingsState, r.effect === 'block' ? 'blocked' : 'warn');
  if (unverified.length > 0) findingsState = worse(findingsState, 'warn');

  const override = input.overrides.get(feature.name);
  const live = override && Date.parse(override.until) > input.now.getTime() ? override : undefined;
  const state: GateState = live ? (live.action === 'allow' ? 'ok' : 'blocked') : findingsState;

  const gate: FeatureGate = {
    feature: feature.name,
    owners: feature.owners,
    state,
    findingsState,
    reasons,
    unverified,
  };
  if (feature.model !== undefined) gate.model = feature.model;
  if (live) gate.override = live;
  const decisions = (input.decisions ?? []).filter((d) =>
    feature.uses.some((u) => u.source === d.source && (d.metric === undefined || d.metric === u.metric)),
  );
  if (decisions.length > 0) gate.decisions = decisions;
  return gate;
}

/**
 * Decide every selected feature. `blocked` when an open or acknowledged finding whose severity is in the
 * feature's `policy.blockOn` touches a metric it uses; `warn` for `policy.warnOn` or when a source it uses has no
 * verified poll within its `freshnessHours`; `ok` otherwise. An unexpired override wins.
 *
 * @example
 * const report = evaluateGate({ contracts, findings, overrides: new Map(), lastVerified: () => now.toISOString(), now });
 * report.features[0].state // 'blocked'
 */
export function evaluateGate(input: GateInput): GateReport {
  const features = (input.features ?? input.contracts.features).map((f) => decide(input, f));
  const counts: Record<GateState, number> = { ok: 0, warn: 0, blocked: 0 };
  for (const f of features) counts[f.state] += 1;
  return { generatedAt: input.now.toISOString(), features, counts, allowed: counts.blocked === 0 };
}
