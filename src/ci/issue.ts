// One thing `upwatch ci` reports: a rule, a severity, a message and the YAML location it is about.
import { createHash } from 'node:crypto';
import type { Severity } from '../core/contract.js';
import type { SourceLocation } from '../core/diagnostic.js';
import { compareSeverity } from '../core/finding.js';
import type { CiRuleId } from './rules.js';

/** Where an issue comes from: head validation, the base→head diff, or the health of the metrics used. */
export type CiIssueOrigin = 'validation' | 'change' | 'health';

export interface CiIssue {
  rule: CiRuleId;
  severity: Severity;
  origin: CiIssueOrigin;
  /** One sentence with the names and numbers that matter. */
  message: string;
  hint?: string;
  /** A head file for additions and changes; the base file for removals. Paths are repo-relative. */
  location: SourceLocation;
  feature?: string;
  source?: string;
  metric?: string;
  /** Replacement metric when one is known; `none` when the vendor named no alternative. */
  replacement?: string;
  /** When a deprecation takes or took effect (ISO day). */
  effectiveDate?: string;
  /** The contract loader's diagnostic code, for validation issues (e.g. `unknown-metric`, `yaml-syntax`). */
  code?: string;
  /** Fingerprint of the upstream finding behind a health issue. */
  findingFingerprint?: string;
  /** Stable identity: rule + subject + arguments, never the message text. */
  fingerprint: string;
}

/** Stable identity of an issue: sha256 of rule id and subject parts, first 16 hex digits. */
export function issueFingerprint(rule: CiRuleId, ...subject: (string | undefined)[]): string {
  return createHash('sha256')
    .update([rule, ...subject.map((s) => s ?? '')].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

/** Build an issue, computing its fingerprint from the rule and the given subject parts. */
export function makeIssue(
  fields: Omit<CiIssue, 'fingerprint'>,
  subject: (string | undefined)[] = [fields.feature, fields.source, fields.metric],
): CiIssue {
  return { ...fields, fingerprint: issueFingerprint(fields.rule, ...subject) };
}

/** Most serious first, then by file, line, column and rule: the order every output uses. */
export function compareIssues(a: CiIssue, b: CiIssue): number {
  return (
    -compareSeverity(a.severity, b.severity) ||
    cmp(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    a.location.col - b.location.col ||
    cmp(a.rule, b.rule) ||
    cmp(a.fingerprint, b.fingerprint)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
