// checkGate: the gate over the store's current findings, overrides and source freshness (CLI, library, status).
import type { ContractSet } from '../core/contract.js';
import type { GateReport, GateState } from '../core/gate.js';
import type { Store } from '../store/ports.js';
import { evaluateGate } from './evaluate.js';
import { selectFeatures } from './select.js';

/** What the gate reads from: a store (SQLite or PostgreSQL) through its ports. */
export type GateStore = Store;

/**
 * The freshness lookups the gate needs: when each of `sources`, and each of its metrics, was last verified. Read from
 * the store first (one read for all of them), then answered without it; a source outside `sources` was never verified.
 *
 * @example
 * evaluateGate({ contracts, findings, overrides, now, ...(await verificationLookups(store, ['meta'])) })
 */
export async function verificationLookups(
  store: GateStore,
  sources: readonly string[],
): Promise<{
  lastVerified: (source: string) => string | undefined;
  lastVerifiedMetric: (source: string, metric: string) => { lastVerifiedAt?: string } | undefined;
}> {
  const known = await store.verification([...new Set(sources)]);
  return {
    lastVerified: (source) => known.get(source)?.lastVerifiedAt,
    lastVerifiedMetric: (source, metric) => {
      const m = known.get(source)?.metrics;
      if (!m?.has(metric)) return undefined;
      const at = m.get(metric);
      return at === undefined ? {} : { lastVerifiedAt: at };
    },
  };
}

/** The sources whose freshness the gate weighs: those a feature uses (a source no feature uses gates nothing). */
export function gatedSources(contracts: ContractSet): string[] {
  return [...new Set(contracts.features.flatMap((f) => f.uses.map((u) => u.source)))];
}

export interface CheckGateInput {
  store: GateStore;
  contracts: ContractSet;
  /** Feature names to decide (all features when neither this nor `model` is given). */
  features?: readonly string[];
  /** Decide every feature of this model. */
  model?: string;
  now: Date;
}

/** How long a decision stays listed beside the features it touches. */
const RECENT_DECISION_MS = 90 * 86_400_000;

/**
 * Decide whether features may be trained or served now. Throws UpwatchError `NOT_FOUND` for an unknown feature
 * or model; never answers `ok` for a feature with a source or a metric that has not been verified within the
 * source's freshness window.
 *
 * @example
 * const report = await checkGate({ store, contracts, features: ['engagement_rate_7d'], now: new Date() });
 * if (!report.allowed) throw new Error('upstream broken: ' + report.features[0].reasons[0].explanation);
 */
export async function checkGate(input: CheckGateInput): Promise<GateReport> {
  const selection: { features?: readonly string[]; model?: string } = {};
  if (input.features) selection.features = input.features;
  if (input.model !== undefined) selection.model = input.model;
  const features = selectFeatures(input.contracts, selection);
  return evaluateGate({
    contracts: input.contracts,
    features,
    findings: await input.store.findings.active(),
    overrides: await input.store.overrides.active(input.now),
    ...(await verificationLookups(input.store, gatedSources(input.contracts))),
    now: input.now,
    decisions: await input.store.decisions.recent(
      new Date(input.now.getTime() - RECENT_DECISION_MS).toISOString(),
    ),
  });
}

/** The gate part of `upwatch status --json`. */
export interface GateSummary {
  counts: Record<GateState, number>;
  allowed: boolean;
  features: {
    feature: string;
    state: GateState;
    reasons: number;
    override?: 'allow' | 'block';
    /** Sources with unverified inputs of the feature. */
    unverified: string[];
    /** The unverified inputs themselves, as `source/metric`. */
    unverifiedMetrics: string[];
  }[];
}

/**
 * A compact gate summary for `upwatch status` (the polling area's command calls it).
 *
 * @example
 * const gate = await gateSummary(store, contracts, io.clock.now()); // { counts: { ok: 3, warn: 1, blocked: 1 }, … }
 */
export async function gateSummary(store: GateStore, contracts: ContractSet, now: Date): Promise<GateSummary> {
  const report = await checkGate({ store, contracts, now });
  return {
    counts: report.counts,
    allowed: report.allowed,
    features: report.features.map((f) => {
      const s: GateSummary['features'][number] = {
        feature: f.feature,
        state: f.state,
        reasons: f.reasons.length,
        unverified: f.unverified.map((u) => u.source),
        unverifiedMetrics: f.unverified.flatMap((u) => u.metrics.map((m) => `${u.source}/${m}`)),
      };
      if (f.override) s.override = f.override.action;
      return s;
    }),
  };
}
