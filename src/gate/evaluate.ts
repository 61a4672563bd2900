// The gate decision as a pure function: findings, overrides and source freshness in, a state per feature out.
import type { ContractSet, FeatureContract } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import { heldNote } from '../core/finding-lifecycle.js';
import { findingTitle, upstreamName } from '../findings/title.js';
import type { FindingRecord } from '../core/finding-record.js';
import type {
  FeatureGate,
  GateOverride,
  GateReason,
  GateReport,
  GateState,
  UnverifiedSource,
} from '../core/gate.js';
import { CLOCK_SKEW_MS, isAheadOf } from '../core/clock-trust.js';

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
  /**
   * What the store knows about a metric's verification: undefined when no poll has reported on it (the source's
   * freshness decides), else when it was last verified (every entity got a definite answer; `lastVerifiedAt`
   * undefined = never). When given, a feature is unverified as soon as one metric it uses is stale, even while the
   * source's other metrics answer.
   */
  lastVerifiedMetric?: (source: string, metric: string) => { lastVerifiedAt?: string } | undefined;
  now: Date;
  /** Recent decisions to show per feature (each feature lists the ones about metrics it uses). */
  decisions?: readonly Decision[];
}

const STATE_RANK: Record<GateState, number> = { ok: 0, warn: 1, blocked: 2 };

function worse(a: GateState, b: GateState): GateState {
  return STATE_RANK[a] >= STATE_RANK[b] ? a : b;
}

/** Open findings by source: per metric, and source-wide (no metric), so a feature reads only its own inputs'. */
type FindingIndex = Map<string, { byMetric: Map<string, FindingRecord[]>; sourceWide: FindingRecord[] }>;

function indexFindings(findings: readonly FindingRecord[]): FindingIndex {
  const index: FindingIndex = new Map();
  for (const f of findings) {
    if (f.status === 'resolved') continue;
    let bySource = index.get(f.source);
    if (!bySource) index.set(f.source, (bySource = { byMetric: new Map(), sourceWide: [] }));
    if (f.metric === undefined) bySource.sourceWide.push(f);
    else {
      const list = bySource.byMetric.get(f.metric);
      if (list) list.push(f);
      else bySource.byMetric.set(f.metric, [f]);
    }
  }
  return index;
}

/** The findings about metrics the feature uses (a source-wide finding touches all of them), each once. */
function touching(index: FindingIndex, feature: FeatureContract): FindingRecord[] {
  const out = new Set<FindingRecord>();
  for (const u of feature.uses) {
    const bySource = index.get(u.source);
    if (!bySource) continue;
    for (const f of bySource.sourceWide) out.add(f);
    for (const f of bySource.byMetric.get(u.metric) ?? []) out.add(f);
  }
  return [...out];
}

/** Whether `last` lies within `hours` before now. */
/** Verified within `hours` before `now`; a verification "in the future" (beyond a small skew) was recorded under a
 * wrong clock and proves nothing. */
function fresh(last: string | undefined, hours: number, now: Date): last is string {
  return (
    last !== undefined &&
    !isAheadOf(last, now, CLOCK_SKEW_MS) &&
    now.getTime() - Date.parse(last) <= hours * 3_600_000
  );
}

/**
 * The feature's inputs not verified within their source's freshness window, one entry per source: every metric it
 * uses when the source has no fresh verified poll (or is not declared), else the metrics polls have reported on whose
 * own last verification is stale (or that were never verified).
 */
function unverifiedInputs(input: GateInput, feature: FeatureContract): UnverifiedSource[] {
  const out: UnverifiedSource[] = [];
  const sources = [...new Set(feature.uses.map((u) => u.source))].sort();
  for (const name of sources) {
    const source = input.contracts.sources.find((s) => s.name === name);
    const freshnessHours = source?.freshnessHours ?? 0;
    // A ratio of two counts is as fresh as its parts: they are what polls and pushes verify.
    const used = [
      ...new Set(
        feature.uses
          .filter((m) => m.source === name)
          .flatMap((u) => {
            const m = source?.metrics.find((x) => x.name === u.metric);
            return m?.numerator !== undefined && m.denominator !== undefined
              ? [m.numerator, m.denominator]
              : [u.metric];
          }),
      ),
    ];
    const last = input.lastVerified(name);
    let stale: { metric: string; last: string | undefined }[];
    if (!source || !fresh(last, freshnessHours, input.now)) {
      stale = used.map((metric) => ({ metric, last }));
    } else if (input.lastVerifiedMetric) {
      const byMetric = input.lastVerifiedMetric;
      stale = [];
      for (const metric of used) {
        const known = byMetric(name, metric);
        if (known && !fresh(known.lastVerifiedAt, freshnessHours, input.now))
          stale.push({ metric, last: known.lastVerifiedAt });
      }
    } else {
      stale = [];
    }
    if (stale.length === 0) continue;
    const u: UnverifiedSource = { source: name, metrics: stale.map((m) => m.metric), freshnessHours };
    const oldest = stale.every((m) => m.last !== undefined) ? stale.map((m) => m.last!).sort()[0] : undefined;
    if (oldest !== undefined) u.lastVerifiedAt = oldest;
    out.push(u);
  }
  return out;
}

function decide(input: GateInput, index: FindingIndex, feature: FeatureContract): FeatureGate {
  const reasons: GateReason[] = [];
  for (const f of touching(index, feature)) {
    if (f.status === 'resolved') continue;
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
      title: findingTitle(f, upstreamName(input.contracts, f.source)),
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

  const unverified = unverifiedInputs(input, feature);

  let findingsState: GateState = 'ok';
  for (const r of reasons) findingsState = worse(findingsState, r.effect === 'block' ? 'blocked' : 'warn');
  // An input that could not be verified weighs as a warning under the feature's policy: `warn`, or `blocked` for a
  // feature that blocks on warnings. Never `ok`, whatever the policy ignores.
  if (unverified.length > 0)
    findingsState = worse(findingsState, feature.policy.blockOn.includes('warn') ? 'blocked' : 'warn');

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
 * feature's `policy.blockOn` touches a metric it uses; `warn` for `policy.warnOn`, or when an input is unverified —
 * a source it uses has no verified poll, or a metric it uses has not been verified, within the source's
 * `freshnessHours` (`blocked` instead when the policy blocks on `warn`; a last verification more than CLOCK_SKEW_MS
 * after `now` does not count); `ok` otherwise. An unexpired override wins.
 *
 * @example
 * const report = evaluateGate({ contracts, findings, overrides: new Map(), lastVerified: () => now.toISOString(), now });
 * report.features[0].state // 'blocked'
 */
export function evaluateGate(input: GateInput): GateReport {
  const index = indexFindings(input.findings);
  const features = (input.features ?? input.contracts.features).map((f) => decide(input, index, f));
  const counts: Record<GateState, number> = { ok: 0, warn: 0, blocked: 0 };
  for (const f of features) counts[f.state] += 1;
  return { generatedAt: input.now.toISOString(), features, counts, allowed: counts.blocked === 0 };
}
