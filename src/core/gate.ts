// Gate decisions: whether each downstream feature may be trained or served, and the evidence behind it.
import type { Severity } from './contract.js';
import type { Decision } from './decision.js';
import type { FindingLifecycle } from './finding-lifecycle.js';

/** `ok`: allowed; `warn`: allowed with a warning; `blocked`: not allowed (gate exits 1). */
export const GATE_STATES = ['ok', 'warn', 'blocked'] as const;
export type GateState = (typeof GATE_STATES)[number];

/** A finding that moves a feature's state. */
export interface GateReason {
  fingerprint: string;
  rule: string;
  /** The finding's one title, as mail, the report and status show it (findings/title.ts). */
  title?: string;
  severity: Severity;
  source: string;
  /** Undefined for source-wide findings (they touch every metric of the source). */
  metric?: string;
  explanation: string;
  replacement?: string;
  /** Open or acknowledged (an acknowledgement silences mail, it never unblocks). */
  status: 'open' | 'acknowledged';
  /** What this finding does to the feature under its policy. */
  effect: 'block' | 'warn';
  /** `change`: holds until the upstream reverts or someone records a decision (`upwatch accept`). */
  lifecycle?: FindingLifecycle;
}

/** A manual decision that wins over findings until it expires. */
export interface GateOverride {
  action: 'allow' | 'block';
  reason: string;
  by: string;
  at: string;
  until: string;
}

/**
 * Inputs of a feature, from one source, that have not been verified within the source's freshness window: the
 * whole source (no verified poll), or some of its metrics (the source answers, but these metrics got no definite
 * answer — timeouts, 5xx, bodies that are not JSON — for longer than the window).
 */
export interface UnverifiedSource {
  source: string;
  /** Metrics of this source the feature uses that are not verified within the window. */
  metrics: string[];
  /** The oldest last verification among `metrics`; undefined when one of them was never verified. */
  lastVerifiedAt?: string;
  freshnessHours: number;
}

/** The decision for one feature. */
export interface FeatureGate {
  feature: string;
  model?: string;
  owners: string[];
  state: GateState;
  /** What findings and freshness alone decide, before an override. */
  findingsState: GateState;
  reasons: GateReason[];
  override?: GateOverride;
  unverified: UnverifiedSource[];
  /** Recent decisions about the metrics the feature uses, newest first (absent when there are none). */
  decisions?: Decision[];
}

/** The gate over a set of features at one instant. */
export interface GateReport {
  generatedAt: string;
  features: FeatureGate[];
  counts: Record<GateState, number>;
  /** True when every feature in the report is allowed (none blocked). */
  allowed: boolean;
}
