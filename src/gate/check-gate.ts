// checkGate: the gate over the store's current findings, overrides and source freshness (CLI, library, status).
import type { ContractSet } from '../core/contract.js';
import type { GateReport, GateState } from '../core/gate.js';
import type { PollRecord } from '../core/observation.js';
import type { RepoStore } from '../store/findings-repo.js';
import { activeOverrides } from '../store/overrides-repo.js';
import { recentDecisions } from '../store/decisions-repo.js';
import { evaluateGate } from './evaluate.js';
import { selectFeatures } from './select.js';

/** What the gate reads from the store; the polling area's `Store` satisfies it. */
export interface GateStore extends RepoStore {
  lastVerifiedPoll(source: string): PollRecord | undefined | null;
  /**
   * Metrics polls have reported on → ISO time each was last verified (a definite answer for every entity), undefined
   * when never verified.
   */
  metricsLastVerified(source: string): ReadonlyMap<string, string | undefined>;
}

/**
 * The freshness lookups the gate needs, read once per source: when the source, and each of its metrics, was last
 * verified.
 *
 * @example
 * evaluateGate({ contracts, findings, overrides, now, ...verificationLookups(store) })
 */
export function verificationLookups(store: GateStore): {
  lastVerified: (source: string) => string | undefined;
  lastVerifiedMetric: (source: string, metric: string) => { lastVerifiedAt?: string } | undefined;
} {
  const sources = new Map<string, string | undefined>();
  const metrics = new Map<string, ReadonlyMap<string, string | undefined>>();
  return {
    lastVerified: (source) => {
      if (!sources.has(source)) sources.set(source, store.lastVerifiedPoll(source)?.finishedAt ?? undefined);
      return sources.get(source);
    },
    lastVerifiedMetric: (source, metric) => {
      let m = metrics.get(source);
      if (!m) metrics.set(source, (m = store.metricsLastVerified(source)));
      if (!m.has(metric)) return undefined;
      const at = m.get(metric);
      return at === undefined ? {} : { lastVerifiedAt: at };
    },
  };
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
 * const report = checkGate({ store, contracts, features: ['engagement_rate_7d'], now: new Date() });
 * if (!report.allowed) throw new Error('upstream broken: ' + report.features[0].reasons[0].explanation);
 */
export function checkGate(input: CheckGateInput): GateReport {
  const selection: { features?: readonly string[]; model?: string } = {};
  if (input.features) selection.features = input.features;
  if (input.model !== undefined) selection.model = input.model;
  const features = selectFeatures(input.contracts, selection);
  return evaluateGate({
    contracts: input.contracts,
    features,
    findings: input.store.findings.active(),
    overrides: activeOverrides(input.store, input.now),
    ...verificationLookups(input.store),
    now: input.now,
    decisions: recentDecisions(input.store, new Date(input.now.getTime() - RECENT_DECISION_MS).toISOString()),
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
 * const gate = gateSummary(store, contracts, io.clock.now()); // { counts: { ok: 3, warn: 1, blocked: 1 }, … }
 */
export function gateSummary(store: GateStore, contracts: ContractSet, now: Date): GateSummary {
  const report = checkGate({ store, contracts, now });
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
