// The catalog of `upwatch ci` rules: stable `upwatch/<rule>` ids, what each means, its default severity and help link.
import type { Severity } from '../core/contract.js';

/** Where the rule documentation lives (docs/ci.md has one heading per rule). */
export const RULE_HELP_BASE = 'https://github.com/upwatch/upwatch/blob/main/docs/ci.md';

export interface CiRuleInfo {
  /** One line, shown as the SARIF shortDescription and the JUnit failure type's meaning. */
  title: string;
  /** Severity when nothing else decides it. */
  severity: Severity;
  /** What a reviewer should do. */
  help: string;
}

/** Every rule `upwatch ci` can report, keyed by the part after `upwatch/`. Never rename one: SARIF alerts key on it. */
export const CI_RULES = {
  'contract-invalid': {
    title: 'Contract is invalid at head',
    severity: 'block',
    help: 'Fix the contract file at the reported line; `upwatch validate` shows the same issues.',
  },
  'contract-warning': {
    title: 'Contract has a warning at head',
    severity: 'warn',
    help: 'Review the warning; it does not fail the check unless --fail-on warn.',
  },
  'metric-removed': {
    title: 'A metric used by a feature was removed',
    severity: 'block',
    help: 'Move the features off the metric first, or remove them in the same pull request.',
  },
  'metric-kind-changed': {
    title: "A metric's kind changed",
    severity: 'block',
    help: 'A kind change (e.g. count to ratio) changes what the numbers mean; declare a new metric instead.',
  },
  'metric-unit-changed': {
    title: "A metric's unit changed",
    severity: 'block',
    help: 'A unit change rescales every value the features see; declare a new metric instead.',
  },
  'metric-period-changed': {
    title: "A metric's period changed",
    severity: 'block',
    help: 'A period change (e.g. day to week) changes every value; declare a new metric instead.',
  },
  'metric-range-narrowed': {
    title: "A metric's expected range was narrowed",
    severity: 'warn',
    help: 'Values that were valid will now raise range findings; check recent history first.',
  },
  'metric-field-changed': {
    title: "A metric's JSON field selector changed",
    severity: 'warn',
    help: 'The metric will be read from a different field; make sure it holds the same series.',
  },
  'check-relaxed': {
    title: 'A detector check was disabled or its severity lowered',
    severity: 'warn',
    help: 'Features depending on the metric will no longer be blocked by this check.',
  },
  'api-version-eol': {
    title: 'Pinned API version is near or past its end of life',
    severity: 'block',
    help: 'Pin a version that is supported for at least 90 more days.',
  },
  'undeclared-metric': {
    title: 'A feature newly uses a metric that is not declared',
    severity: 'block',
    help: 'Declare the metric under its source (so upwatch watches it), or fix the reference.',
  },
  'policy-relaxed': {
    title: "A feature's policy no longer blocks on some severity",
    severity: 'warn',
    help: 'The feature will keep training or serving on inputs that used to block it.',
  },
  'doc-unwatched': {
    title: 'A watched upstream doc, operation or field is no longer watched',
    severity: 'warn',
    help: 'Deprecations announced there will no longer be noticed.',
  },
  'metric-deprecated': {
    title: 'Uses a deprecated upstream metric',
    severity: 'block',
    help: 'Move the feature to the replacement metric, or drop the input; see the finding for dates.',
  },
  'metric-frozen': {
    title: 'Uses an upstream metric whose values froze',
    severity: 'block',
    help: 'The upstream stopped updating the metric; wait for the finding to resolve or use another input.',
  },
  'metric-rescaled': {
    title: 'Uses an upstream metric whose scale or unit changed',
    severity: 'block',
    help: 'Values changed scale upstream; adjust the feature to the new unit before depending on it.',
  },
  'metric-blocked': {
    title: 'Uses an upstream metric with a blocking finding',
    severity: 'block',
    help: 'Wait until the finding resolves, or use another input; an acknowledgement silences mail but never unblocks.',
  },
  'metric-at-risk': {
    title: 'Uses an upstream metric with open warning-level findings',
    severity: 'warn',
    help: 'Review the open findings for the metric before depending on it.',
  },
  'health-unverified': {
    title: 'Current health of the metrics could not be verified',
    severity: 'info',
    help: 'Pass --db with a reachable store or commit snapshots/status.json; only built-in knowledge was used.',
  },
  'source-added': { title: 'A source was added', severity: 'info', help: 'Informational.' },
  'source-removed': {
    title: 'A source no feature uses was removed',
    severity: 'info',
    help: 'Informational.',
  },
  'metric-added': { title: 'A metric was added', severity: 'info', help: 'Informational.' },
  'feature-added': { title: 'A feature was added', severity: 'info', help: 'Its inputs are health-checked.' },
  'feature-removed': {
    title: 'A feature was removed or renamed',
    severity: 'warn',
    help: 'Training and serving jobs that run `upwatch gate` on the old name exit 2 from then on: move them first.',
  },
  'feature-changed': {
    title: "A feature's inputs or policy changed",
    severity: 'info',
    help: 'Its inputs are health-checked.',
  },
  'api-version-changed': { title: 'Pinned API version changed', severity: 'info', help: 'Informational.' },
  'connection-changed': { title: "A source's connection changed", severity: 'info', help: 'Informational.' },
  'schedule-changed': { title: "A source's schedule changed", severity: 'info', help: 'Informational.' },
  'description-changed': { title: 'A description changed', severity: 'info', help: 'Informational.' },
  'owners-changed': { title: 'Owners changed', severity: 'info', help: 'Informational.' },
  'metric-changed': { title: "A metric's range or checks changed", severity: 'info', help: 'Informational.' },
} as const satisfies Record<string, CiRuleInfo>;

export type CiRuleName = keyof typeof CI_RULES;
/** A full rule id as printed and stored: `upwatch/<rule>`. */
export type CiRuleId = `upwatch/${CiRuleName}`;

/** `upwatch/<name>` for a rule name. */
export function ruleId(name: CiRuleName): CiRuleId {
  return `upwatch/${name}`;
}

/** The catalog entry of a full rule id. */
export function ruleInfo(id: CiRuleId): CiRuleInfo {
  return CI_RULES[id.slice('upwatch/'.length) as CiRuleName];
}

/** The documentation link of a rule (an anchor in docs/ci.md). */
export function ruleHelpUri(id: CiRuleId): string {
  return `${RULE_HELP_BASE}#${id.slice('upwatch/'.length)}`;
}
