// The status report (`upwatch status --json`, the dashboard's `/api/status`): sources, pauses, breakers, findings,
// gate, mail and clock faults, gathered from the store at one instant.
import { compareSeverity } from '../core/finding.js';
import type { BreakerOptions } from '../core/breaker.js';
import { breakerKeyOf, type BreakerRecord } from '../core/breaker.js';
import type { ClockFault } from '../core/clock-trust.js';
import type { ContractSet } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import { heldNote } from '../core/finding-lifecycle.js';
import type { FindingRecord } from '../core/finding-record.js';
import { scrubText } from '../alerts/scrub.js';
import { findingTitle, upstreamName } from '../findings/title.js';
import { gateSummary, type GateSummary } from '../gate/check-gate.js';
import { storedClockFaults } from '../pipeline/stored-clock-faults.js';
import { type OutboxSummary } from '../store/outbox-repo.js';
import { type PrincipalPause } from '../store/pauses.js';
import { type SourceStatus } from '../store/source-status.js';
import type { Store } from '../store/store.js';

/** The JSON `upwatch status --json` prints. */
export interface StatusReport {
  db: string;
  sources: SourceStatus[];
  pauses: PrincipalPause[];
  /** Circuit breakers that are open or half-open (probing), with the sources behind each when contracts load. */
  breakers: (BreakerRecord & { sources?: string[] })[];
  /** Open and acknowledged findings, most serious first. */
  findings: StatusFinding[];
  /** Feature states (present when the contracts could be loaded). */
  gate?: GateSummary;
  /** The alert outbox: counts by state, and the retrying and dead rows with their last error (redacted). */
  mail: OutboxSummary;
  /** Stored times further ahead of the clock than they can be (not trusted by the poller): check the clock. */
  clockFaults: ClockFault[];
  /** Decisions recorded with `upwatch accept` in the last 90 days, newest first. */
  decisions: Decision[];
}

/** A finding as `status` shows it. */
export interface StatusFinding {
  fingerprint: string;
  rule: string;
  /** The finding's one title, as mail and the report show it. */
  title: string;
  severity: FindingRecord['severity'];
  status: FindingRecord['status'];
  source: string;
  metric?: string;
  onset: string;
  /** When the vendor announced the change (apart from the onset, the first day it happened). */
  announcedOn?: string;
  firstSeen: string;
  lastSeen: string;
  explanation: string;
  /** `change`: holds until the upstream reverts or someone records a decision. */
  lifecycle: FindingRecord['lifecycle'];
  /** For a held change the detectors no longer see: since when, and why it still holds. */
  held?: string;
}

function statusFindings(records: FindingRecord[], contracts: ContractSet | undefined): StatusFinding[] {
  return records
    .sort((a, b) => compareSeverity(b.severity, a.severity) || a.firstSeen.localeCompare(b.firstSeen))
    .map((f) => ({
      fingerprint: f.fingerprint,
      rule: f.rule,
      title: findingTitle(f, upstreamName(contracts, f.source)),
      severity: f.severity,
      status: f.status,
      source: f.source,
      ...(f.metric ? { metric: f.metric } : {}),
      onset: f.onset,
      ...(f.announcedOn ? { announcedOn: f.announcedOn } : {}),
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      explanation: f.explanation,
      lifecycle: f.lifecycle,
      ...(heldNote(f) ? { held: heldNote(f)! } : {}),
    }));
}

/** The outbox with every last error scrubbed of credentials (patterns and the exact secret values). */
function mailStatus(summary: OutboxSummary, secrets: readonly string[]): OutboxSummary {
  return {
    ...summary,
    problems: summary.problems.map((p) =>
      p.lastError === undefined ? p : { ...p, lastError: scrubText(p.lastError, secrets) },
    ),
    droppedRows: summary.droppedRows.map((d) => ({ ...d, reason: scrubText(d.reason, secrets) })),
  };
}

export interface StatusReportInput {
  store: Store;
  /** The store path as shown (never a URL with credentials). */
  db: string;
  /** Contracts, when they could be loaded: declared sources without polls are listed, and the gate is summarised. */
  contracts?: ContractSet;
  now: Date;
  /** Exact secret values a relay error could echo (SMTP password, source credentials): scrubbed from mail errors. */
  secrets: readonly string[];
  breaker: BreakerOptions;
}

/**
 * Gather the status report from the store (read only) at `now`.
 *
 * @example
 * const report = statusReport({ store, db: store.path, contracts, now: new Date(), secrets: [], breaker: BREAKER_DEFAULTS });
 * report.findings.filter((f) => f.severity === 'block').length;
 */
export async function statusReport(input: StatusReportInput): Promise<StatusReport> {
  const { store, contracts, now } = input;
  const declared = contracts?.sources.map((s) => s.name) ?? [];
  const sources = await store.stats.sourceStatuses(declared);
  return {
    db: input.db,
    sources,
    pauses: (await store.pauses.list()).filter((p) => Date.parse(p.nextAllowedAt) > now.getTime()),
    breakers: (await store.breakers.notClosed()).map((b) => {
      const names = contracts?.sources.filter((s) => breakerKeyOf(s) === b.key).map((s) => s.name);
      return names && names.length > 0 ? { ...b, sources: names } : b;
    }),
    findings: statusFindings(await store.findings.active(), contracts),
    clockFaults: await storedClockFaults(
      store,
      sources.map((s) => s.source),
      now,
      input.breaker,
    ),
    decisions: await store.decisions.recent(new Date(now.getTime() - 90 * 86_400_000).toISOString()),
    ...(contracts && contracts.features.length > 0 ? { gate: await gateSummary(store, contracts, now) } : {}),
    mail: mailStatus(await store.outbox.summary(), input.secrets),
  };
}
