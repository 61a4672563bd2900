// The health check of `upwatch ci`: would an added or changed feature depend on a metric that is broken right now?
import type { FeatureContract, MetricRef, ProviderName, Severity } from '../core/contract.js';
import { findSource } from '../core/contract.js';
import type { ContractSet } from '../core/contract.js';
import { compareSeverity } from '../core/finding.js';
import type { FeatureChange } from './classify.js';
import { makeIssue, type CiIssue } from './issue.js';
import { ruleId, type CiRuleName } from './rules.js';

/** Where the current health of metrics came from. `knowledge` alone means "could not verify" the live state. */
export type HealthOrigin = 'store' | 'status-file' | 'knowledge';

/** One open upstream problem about a metric, as a health source reports it. */
export interface MetricHealthFinding {
  source: string;
  metric: string;
  severity: Severity;
  /** Finding class (`deprecation`, `frozen`, `scale`, …). */
  class: string;
  /** Detector rule that raised it, e.g. `metric-invalid`, `frozen-run`, `known-deprecation`. */
  rule: string;
  explanation: string;
  /** Replacement metric; `none` when the vendor named no alternative. */
  replacement?: string;
  effectiveDate?: string;
  fingerprint?: string;
  origin: HealthOrigin;
}

/** A live health source (the store, or the committed status file). */
export interface HealthSource {
  kind: Exclude<HealthOrigin, 'knowledge'>;
  /** Where it was read from, for the report (a path, with its age when known). */
  description: string;
  /** When the health data was produced (ISO), when known. */
  generatedAt?: string;
  /** Open findings about `source/metric`. */
  findingsFor(source: string, metric: string): MetricHealthFinding[];
}

/** A vendor deprecation upwatch knows about without any store, from the built-in knowledge. */
export interface KnownDeprecationInfo {
  metric: string;
  /** ISO day the metric stopped (or stops) working. */
  effectiveDate: string;
  /** Replacement metric, or undefined when the vendor named none. */
  replacement?: string;
  /** Who removed it, for messages ("Meta"). */
  vendor?: string;
  /** Where the fact comes from (URL). */
  reference?: string;
}

/** Looks up a known deprecation of a metric of a provider (src/knowledge wired in by the runner). */
export type KnownDeprecationLookup = (
  provider: ProviderName,
  metric: string,
  now: Date,
) => KnownDeprecationInfo | undefined;

export interface HealthCheckInput {
  head: ContractSet;
  features: readonly FeatureChange[];
  /** The live source, or undefined when neither the store nor the status file is available. */
  health?: HealthSource;
  knownDeprecation?: KnownDeprecationLookup;
  now: Date;
}

export interface HealthCheckResult {
  issues: CiIssue[];
  /** Names of the features whose inputs were checked (added or changed at head). */
  checked: string[];
  /** What the verdict rests on. */
  origin: HealthOrigin;
  /** True when a live source (store or status file) was read. */
  verified: boolean;
}

const CLASS_RULE: Partial<Record<string, CiRuleName>> = {
  deprecation: 'metric-deprecated',
  version: 'metric-deprecated',
  frozen: 'metric-frozen',
  scale: 'metric-rescaled',
};

function daysBetween(fromIso: string, to: Date): number {
  return Math.floor((to.getTime() - Date.parse(`${fromIso.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
}

/** A known deprecation as a finding: block once effective, warn while announced. */
export function knownDeprecationFinding(
  source: string,
  provider: ProviderName,
  info: KnownDeprecationInfo,
  now: Date,
): MetricHealthFinding {
  const vendor = info.vendor ?? (provider === 'meta-graph' ? 'Meta' : 'the vendor');
  const past = daysBetween(info.effectiveDate, now) >= 0;
  const alternative = info.replacement
    ? `the replacement is ${info.replacement}`
    : `${vendor} named no alternative`;
  return {
    source,
    metric: info.metric,
    severity: past ? 'block' : 'warn',
    class: 'deprecation',
    rule: 'known-deprecation',
    explanation: past
      ? `${info.metric} was removed by ${vendor} on ${info.effectiveDate}; ${alternative}`
      : `${info.metric} will be removed by ${vendor} on ${info.effectiveDate} (in ${-daysBetween(info.effectiveDate, now)} days); ${alternative}`,
    replacement: info.replacement ?? 'none',
    effectiveDate: info.effectiveDate,
    origin: 'knowledge',
  };
}

/** Fold findings about one metric: per class keep the most serious, filling replacement and date from the others. */
function fold(findings: MetricHealthFinding[]): MetricHealthFinding[] {
  const byClass = new Map<string, MetricHealthFinding>();
  for (const f of findings) {
    const prev = byClass.get(f.class);
    if (!prev) {
      byClass.set(f.class, f);
      continue;
    }
    const [keep, other] = compareSeverity(f.severity, prev.severity) > 0 ? [f, prev] : [prev, f];
    byClass.set(f.class, {
      ...keep,
      replacement:
        keep.replacement && keep.replacement !== 'none'
          ? keep.replacement
          : (other.replacement ?? keep.replacement),
      effectiveDate: keep.effectiveDate ?? other.effectiveDate,
    });
  }
  return [...byClass.values()];
}

function severityFor(feature: FeatureContract, finding: Severity): Severity | undefined {
  if (feature.policy.blockOn.includes(finding)) return 'block';
  if (feature.policy.warnOn.includes(finding)) return 'warn';
  return finding === 'info' ? undefined : 'info';
}

function issueFor(
  feature: FeatureContract,
  use: MetricRef,
  f: MetricHealthFinding,
  severity: Severity,
): CiIssue {
  const rule = CLASS_RULE[f.class] ?? (f.severity === 'block' ? 'metric-blocked' : 'metric-at-risk');
  const ref = `${use.source}/${use.metric}`;
  const where =
    f.origin === 'knowledge'
      ? 'built-in knowledge'
      : `${f.origin === 'store' ? 'store' : 'status file'}: ${f.severity} finding ${f.rule}`;
  const explanation = f.explanation.replace(/[.\s]+$/, '');
  const named = /replacement|alternative/i.test(explanation);
  const replacement =
    named || f.replacement === undefined
      ? ''
      : f.replacement === 'none'
        ? '; there is no replacement metric'
        : `; the replacement is ${f.replacement}`;
  return makeIssue(
    {
      rule: ruleId(rule),
      severity,
      origin: 'health',
      message: `feature ${feature.name} uses ${ref}: ${explanation}${replacement} (${where})`,
      hint:
        f.replacement && f.replacement !== 'none'
          ? `use ${use.source}/${f.replacement} instead of ${ref}`
          : rule === 'metric-deprecated'
            ? `remove ${ref} from the feature; the vendor offers no replacement`
            : `use another input, or wait until the finding resolves (an acknowledgement does not unblock; upwatch override --allow does, with a reason and an expiry)`,
      location: use.location,
      feature: feature.name,
      source: use.source,
      metric: use.metric,
      ...(f.replacement ? { replacement: f.replacement } : {}),
      ...(f.effectiveDate ? { effectiveDate: f.effectiveDate } : {}),
      ...(f.fingerprint ? { findingFingerprint: f.fingerprint } : {}),
    },
    [feature.name, use.source, use.metric, f.class],
  );
}

/**
 * Check the metrics used by every added or changed feature against the live health source and the built-in
 * knowledge of vendor deprecations (which always applies). Pure: the sources are passed in.
 *
 * @example
 * const r = checkHealth({ head, features, knownDeprecation, now });
 * r.issues // [{ rule: 'upwatch/metric-deprecated', severity: 'block', … }]
 */
export function checkHealth(input: HealthCheckInput): HealthCheckResult {
  const issues: CiIssue[] = [];
  const checked: string[] = [];
  for (const change of input.features) {
    if (change.kind === 'unchanged') continue;
    checked.push(change.feature.name);
    for (const use of change.feature.uses) {
      const src = findSource(input.head, use.source);
      const found: MetricHealthFinding[] = input.health?.findingsFor(use.source, use.metric) ?? [];
      const known = src ? input.knownDeprecation?.(src.provider, use.metric, input.now) : undefined;
      if (src && known) found.push(knownDeprecationFinding(use.source, src.provider, known, input.now));
      for (const f of fold(found)) {
        const severity = severityFor(change.feature, f.severity);
        if (severity) issues.push(issueFor(change.feature, use, f, severity));
      }
    }
  }
  return {
    issues,
    checked,
    origin: input.health?.kind ?? 'knowledge',
    verified: input.health !== undefined,
  };
}
