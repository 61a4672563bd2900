// The verdict of `upwatch ci`: issues grouped into checks, the exit code they imply, and the shape every format reads.
import type { Severity } from '../core/contract.js';
import { compareSeverity } from '../core/finding.js';
import { compareIssues, type CiIssue } from './issue.js';
import type { HealthOrigin } from './health.js';

/** Version of the JSON result shape; bumped only on incompatible changes (schema/ci-result.schema.json). */
export const CI_SCHEMA_VERSION = 1;
/** Where the JSON Schema of the result is published. */
export const CI_RESULT_SCHEMA_URL =
  'https://raw.githubusercontent.com/upwatch/upwatch/main/schema/ci-result.schema.json';

/** Which issues fail the check: block only (default), warn and block, or none. */
export const FAIL_ON = ['block', 'warn', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unverified';

/** One thing checked, reported as one JUnit test case: a head contract file, a changed source, a checked feature. */
export interface CiCheck {
  kind: 'contract-file' | 'source' | 'feature';
  name: string;
  /** Repo-relative file the check is about. */
  file: string;
  status: CheckStatus;
  /** Fingerprints of the issues attached to this check, most serious first. */
  issues: string[];
}

export interface CiHealthSummary {
  origin: HealthOrigin;
  /** True when a live source (store or status file) was read. */
  verified: boolean;
  /** `--require-health` was set. */
  required: boolean;
  /** Where the live health came from, or why none was used. */
  detail: string;
  generatedAt?: string;
}

export interface CiResult {
  $schema: string;
  schemaVersion: typeof CI_SCHEMA_VERSION;
  tool: { name: 'upwatch'; version: string };
  generatedAt: string;
  /** `commit` is what was compared: the merge base of `ref` and head when it differs from the tip (`mergeBase`). */
  base: { ref: string; commit: string; mergeBase: boolean };
  /** `ref`/`commit` are null when head is the working tree. */
  head: { ref: string | null; commit: string | null; worktree: boolean };
  contractsDir: string;
  failOn: FailOn;
  health: CiHealthSummary;
  verdict: 'pass' | 'fail' | 'unverified';
  exitCode: 0 | 1 | 3;
  counts: Record<Severity, number> & { checks: number; features: number };
  checks: CiCheck[];
  issues: CiIssue[];
}

/** True when an issue is at or above the fail level. */
export function failsAt(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return compareSeverity(severity, failOn) >= 0;
}

export interface BuildResultInput {
  version: string;
  now: Date;
  base: CiResult['base'];
  head: CiResult['head'];
  contractsDir: string;
  failOn: FailOn;
  health: CiHealthSummary;
  issues: CiIssue[];
  /** Head contract files (one check each). */
  headFiles: string[];
  /** Changed sources with the file they are declared in. */
  sources: { name: string; file: string }[];
  /** Features whose inputs were health-checked, with their file. */
  features: { name: string; file: string }[];
}

/**
 * Group issues into checks, decide the verdict and the exit code: 1 when any issue is at or above `failOn`,
 * else 3 when health was required, could not be verified and some feature needed it, else 0. (2 = could not run is the CLI's, on errors.)
 *
 * @example
 * const result = buildResult({ ...input, failOn: 'block' }); result.exitCode // 1
 */
export function buildResult(input: BuildResultInput): CiResult {
  const issues = [...input.issues].sort(compareIssues);
  const checks: CiCheck[] = [
    ...input.headFiles.map((file) => check('contract-file', 'valid contract file', file)),
    ...input.sources.map((s) => check('source', `source ${s.name}`, s.file)),
    ...input.features.map((f) => check('feature', `feature ${f.name}`, f.file)),
  ];
  const byFeature = new Map(checks.filter((c) => c.kind === 'feature').map((c) => [c.name.slice(8), c]));
  const bySource = new Map(checks.filter((c) => c.kind === 'source').map((c) => [c.name.slice(7), c]));
  const byFile = new Map(checks.filter((c) => c.kind === 'contract-file').map((c) => [c.file, c]));
  const changesIn = new Map<string, CiCheck>();
  for (const issue of issues) {
    let target =
      issue.origin === 'validation'
        ? byFile.get(issue.location.file)
        : ((issue.feature ? byFeature.get(issue.feature) : undefined) ??
          (issue.source ? bySource.get(issue.source) : undefined));
    if (!target) {
      // Info without a home is news, not a check result; anything else must surface in some test case.
      if (issue.severity === 'info') continue;
      target = changesIn.get(issue.location.file);
      if (!target) {
        target = check('contract-file', 'contract changes', issue.location.file);
        checks.push(target);
        changesIn.set(issue.location.file, target);
      }
    }
    target.issues.push(issue.fingerprint);
  }
  // Only features need the live health: a pull request that adds or changes none has nothing to verify.
  const unverified = input.health.required && !input.health.verified && input.features.length > 0;
  const severityOf = new Map(issues.map((i) => [i.fingerprint, i.severity]));
  for (const c of checks) {
    const sevs = c.issues.map((f) => severityOf.get(f)!);
    if (sevs.some((s) => failsAt(s, input.failOn))) c.status = 'fail';
    else if (c.kind === 'feature' && unverified) c.status = 'unverified';
    else if (sevs.some((s) => s !== 'info')) c.status = 'warn';
  }
  const failed = issues.some((i) => failsAt(i.severity, input.failOn));
  const exitCode = failed ? 1 : unverified ? 3 : 0;
  const count = (s: Severity): number => issues.filter((i) => i.severity === s).length;
  return {
    $schema: CI_RESULT_SCHEMA_URL,
    schemaVersion: CI_SCHEMA_VERSION,
    tool: { name: 'upwatch', version: input.version },
    generatedAt: input.now.toISOString(),
    base: input.base,
    head: input.head,
    contractsDir: input.contractsDir,
    failOn: input.failOn,
    health: input.health,
    verdict: failed ? 'fail' : unverified ? 'unverified' : 'pass',
    exitCode,
    counts: {
      block: count('block'),
      warn: count('warn'),
      info: count('info'),
      checks: checks.length,
      features: input.features.length,
    },
    checks,
    issues,
  };
}

function check(kind: CiCheck['kind'], name: string, file: string): CiCheck {
  return { kind, name, file, status: 'pass', issues: [] };
}
