// Findings: what a detector concluded about an upstream, as data with evidence, words and a stable fingerprint.
import { createHash } from 'node:crypto';
import type { Severity } from './contract.js';

/** Which kind of upstream break a finding is about. */
export const FINDING_CLASSES = [
  'deprecation',
  'frozen',
  'scale',
  'nulls',
  'volume',
  'freshness',
  'schema',
  'drift',
  'version',
  'unverified',
] as const;
export type FindingClass = (typeof FINDING_CLASSES)[number];

export type EvidenceValue = string | number | boolean | null | readonly (string | number)[];

/** Numbers behind a finding: run length and its probability, factor and spread, p-values, raw header text… */
export type Evidence = Record<string, EvidenceValue>;

/** What a detector returns. The pipeline adds the fingerprint and lifecycle. */
export interface FindingDraft {
  /** Detector rule id, e.g. `frozen-run`, `unit-scale`, `metric-invalid`, `http-sunset-passed`. */
  rule: string;
  class: FindingClass;
  severity: Severity;
  source: string;
  metric?: string;
  /** Affected entities (page ids…); empty for source-wide findings. */
  entities: string[];
  /** Share of the metric's entities affected, 0..1. */
  entityShare?: number;
  /** First bad period (ISO date), not the day it was noticed. */
  onset: string;
  /** When a deprecation takes effect (ISO date), if announced. */
  effectiveDate?: string;
  /**
   * When the vendor announced the change (ISO date: a changelog entry, the known-deprecations file), kept apart from
   * `onset`, which is the first day the upstream itself behaved differently (e.g. the first #100 answer).
   */
  announcedOn?: string;
  /** Replacement metric / operation, when known. */
  replacement?: string;
  /**
   * Short headline for mail subjects and lists, e.g. `page_post_engagements rejected by Meta (#100)`.
   * Optional; the first sentence of `explanation` is used when absent.
   */
  title?: string;
  evidence: Evidence;
  /** Plain-language explanation with the numbers. */
  explanation: string;
  /**
   * What identifies "the same thing" across polls and channels, beyond class, source and metric
   * (e.g. the operation for a spec change). Two drafts with the same key are one finding.
   */
  subject?: string;
  /**
   * Classes of other findings on the same metric that this one explains: the detector runner folds them into it
   * (named under `evidence.suppressed`) instead of reporting them apart. E.g. a metric null for every entity explains
   * what the frozen, scale, drift and freshness checks see on it. Every deprecation explains the statistical classes
   * without saying so.
   */
  explains?: readonly FindingClass[];
}

/** A finding with its identity. */
export interface Finding extends FindingDraft {
  fingerprint: string;
  /** When it was detected (ISO date-time). */
  detectedAt: string;
}

/** Rules that report what a vendor said (a changelog entry, the known-deprecations file), not what the upstream did. */
export const ANNOUNCEMENT_RULES: ReadonlySet<string> = new Set(['announced-deprecation']);

/**
 * True for a finding that only reports an announcement: its onset is the day it was read, not a change upstream.
 *
 * @example
 * isAnnouncement({ rule: 'announced-deprecation' }) // true
 * isAnnouncement({ rule: 'metric-invalid' }) // false
 */
export function isAnnouncement(f: Pick<FindingDraft, 'rule'>): boolean {
  return ANNOUNCEMENT_RULES.has(f.rule);
}

const SEVERITY_RANK: Record<Severity, number> = { block: 3, warn: 2, info: 1 };

/** Compare severities: positive when a is more serious than b. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/** The more serious of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return compareSeverity(a, b) >= 0 ? a : b;
}

/**
 * Stable identity of a finding: sha256 of class, source, metric and subject, first 16 hex digits.
 * Independent of message text, values, severity and rule, so a changelog warning and a later
 * error #100 about the same metric are one finding that escalates.
 *
 * @example
 * fingerprintOf({ class: 'deprecation', source: 'meta', metric: 'page_engaged_users' }) // '3f1c…'
 */
export function fingerprintOf(d: Pick<FindingDraft, 'class' | 'source' | 'metric' | 'subject'>): string {
  const key = [d.class, d.source, d.metric ?? '', d.subject ?? ''].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Give a draft its identity. */
export function toFinding(d: FindingDraft, detectedAt: string): Finding {
  return { ...d, fingerprint: fingerprintOf(d), detectedAt };
}
