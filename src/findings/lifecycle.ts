// The findings lifecycle as a pure plan: open, update, escalate, count absences, resolve or hold, reopen, expire acks.
import type { PollOutcome } from '../core/observation.js';
import type { Finding, FindingClass } from '../core/finding.js';
import { compareSeverity, maxSeverity } from '../core/finding.js';
import { changeFactorOf, coveredByDecision, isReciprocal, lifecycleOf } from '../core/finding-lifecycle.js';
import type { FindingRecord } from '../core/finding-record.js';
import { settleOnset } from './onset.js';
import { keepTitle } from './title.js';

/** Lifecycle settings. */
export interface LifecycleOptions {
  /** Consecutive good polls without the condition before a finding resolves (conditions only). Default 2. */
  resolveAfterGoodPolls: number;
  /**
   * Days after a condition resolved by absence during which the same fingerprint coming back at the same or a
   * milder severity reopens quietly (a new episode, on the gate, no alert mail): a borderline series does not
   * re-mail each time it crosses the line. Coming back more severe alerts as usual. 0 = every reopening alerts.
   * Default 7.
   */
  quietReopenDays: number;
}

export const DEFAULT_LIFECYCLE: LifecycleOptions = { resolveAfterGoodPolls: 2, quietReopenDays: 7 };

/**
 * Finding classes a failed poll may still open or update: `unverified` (the failure itself: token rejected,
 * permission lost) and `deprecation` (an answer the upstream gave: error #100, 410 Gone). A poll with such an answer
 * is no longer stored as failed (a definite rejection verifies its metric), but a store may hold older ones.
 * Everything else waits for a verified poll.
 */
export const FAILED_POLL_CLASSES: ReadonlySet<FindingClass> = new Set<FindingClass>([
  'unverified',
  'deprecation',
]);

/**
 * One change to apply. `opened` covers a first episode and a reopened fingerprint (episode > 1). `resolved` carries
 * its `after.resolution`: `absent` (a condition no longer seen) or `reverted` (a held change undone by the reciprocal
 * factor; `revertedOn` is the day the upstream went back). A held change that is no longer seen is `absent`, never
 * `resolved`.
 */
export type FindingChange =
  | { kind: 'opened'; record: Omit<FindingRecord, 'id'>; quiet?: boolean }
  | { kind: 'seen'; before: FindingRecord; after: FindingRecord }
  | { kind: 'escalated'; before: FindingRecord; after: FindingRecord }
  | { kind: 'deescalated'; before: FindingRecord; after: FindingRecord }
  | { kind: 'absent'; before: FindingRecord; after: FindingRecord }
  | { kind: 'resolved'; before: FindingRecord; after: FindingRecord; revertedOn?: string }
  | { kind: 'ack-expired'; before: FindingRecord; after: FindingRecord };

export interface LifecycleInput {
  /** Open and acknowledged findings of the polled source. */
  active: readonly FindingRecord[];
  /** Highest stored episode of a fingerprint (0 = never seen). */
  lastEpisode: (fingerprint: string) => number;
  /**
   * The latest decision recorded on a fingerprint (`upwatch accept`), if any: a draft of the change it decided
   * (see `coveredByDecision`) opens no new episode.
   */
  decisionOn?: (fingerprint: string) => { onset: string; factor?: number } | undefined;
  /** The fingerprint's latest episode when it is resolved (for the quiet reopening); absent = none. */
  lastResolved?: (fingerprint: string) => ResolvedEpisode | undefined;
  /** What detection concluded in this poll, for this source. */
  findings: readonly Finding[];
  pollOutcome: PollOutcome;
  now: Date;
  /** Metrics whose requests failed in a partial poll: their findings neither count as absent nor resolve. */
  unverifiedMetrics?: readonly string[];
  options?: Partial<LifecycleOptions>;
}

/** What the quiet reopening needs to know about the episode that resolved last. */
export type ResolvedEpisode = Pick<FindingRecord, 'severity' | 'lifecycle' | 'resolvedAt' | 'resolution'>;

/**
 * True when a fingerprint coming back at `severity` reopens without an alert: its last episode was a condition that
 * resolved by absence less than `days` days ago, at the same or a higher severity.
 *
 * @example
 * reopensQuietly({ severity: 'warn', lifecycle: 'condition', resolution: 'absent', resolvedAt }, 'warn', now, 7) // true
 */
export function reopensQuietly(
  last: ResolvedEpisode | undefined,
  severity: Finding['severity'],
  now: Date,
  days: number,
): boolean {
  if (!last || days <= 0 || last.lifecycle !== 'condition') return false;
  if ((last.resolution ?? 'absent') !== 'absent' || last.resolvedAt === undefined) return false;
  if (now.getTime() - Date.parse(last.resolvedAt) >= days * 86_400_000) return false;
  return compareSeverity(severity, last.severity) <= 0;
}

/** Keep one draft per fingerprint: the most severe, then the first. */
function dedupe(findings: readonly Finding[]): Finding[] {
  const byFp = new Map<string, Finding>();
  for (const f of findings) {
    const prev = byFp.get(f.fingerprint);
    if (!prev || compareSeverity(f.severity, prev.severity) > 0) byFp.set(f.fingerprint, f);
  }
  return [...byFp.values()];
}

function withContent(rec: FindingRecord, f: Finding, now: string): FindingRecord {
  const next: FindingRecord = {
    ...rec,
    rule: f.rule,
    severity: f.severity,
    entities: f.entities,
    evidence: f.evidence,
    explanation: f.explanation,
    lastSeen: now,
    goodPollsSinceAbsent: 0,
  };
  for (const k of ['title', 'entityShare', 'effectiveDate', 'replacement'] as const) {
    if (f[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = f[k];
  }
  return keepTitle(rec, settleOnset(rec, next, f));
}

/**
 * A held change seen again. A scale finding naming the reciprocal factor is the upstream going back: the held one
 * resolves as `reverted` and the new draft is absorbed. Otherwise the change stays as decided when it opened: a
 * milder draft (a level shift while the baselines adapt) refreshes last-seen only and never de-escalates it; a draft
 * naming a factor updates the content; a more severe one escalates.
 */
function heldSeen(rec: FindingRecord, f: Finding, now: string): FindingChange {
  const held = changeFactorOf(rec);
  const seen = changeFactorOf(f);
  if (held !== undefined && seen !== undefined && isReciprocal(held, seen)) {
    return {
      kind: 'resolved',
      before: rec,
      after: { ...rec, status: 'resolved', lastSeen: now, resolvedAt: now, resolution: 'reverted' },
      revertedOn: f.onset.slice(0, 10),
    };
  }
  const cmp = compareSeverity(f.severity, rec.severity);
  const after: FindingRecord =
    lifecycleOf(f) === 'change' || cmp > 0
      ? { ...withContent(rec, f, now), severity: maxSeverity(f.severity, rec.severity), lifecycle: 'change' }
      : { ...rec, lastSeen: now, goodPollsSinceAbsent: 0 };
  if (cmp > 0) {
    after.status = 'open';
    delete after.ack;
    return { kind: 'escalated', before: rec, after };
  }
  return { kind: 'seen', before: rec, after };
}

/**
 * Decide what this poll does to the findings of one source. Pure: the caller applies the plan in a transaction.
 * A condition resolves after `resolveAfterGoodPolls` good polls without it, and if it comes back within
 * `quietReopenDays` at no higher severity it reopens `quiet` (no alert: hysteresis against a borderline series); a change (see `lifecycleOf`) counts its
 * absences but holds until the reciprocal factor shows the upstream went back, or a person records a decision.
 * A failed poll resolves nothing and counts no absence; it opens or updates only FAILED_POLL_CLASSES findings (the
 * failure itself, or an upstream's explicit answer), never statistical ones. Acknowledgements that have expired
 * return to `open` whatever the poll outcome. A draft of a change someone decided on (`decisionOn`) opens nothing.
 *
 * @example
 * const changes = planLifecycle({ active, lastEpisode: () => 0, findings, pollOutcome: 'ok', now });
 * changes.filter((c) => c.kind === 'opened').length // new findings
 */
// eslint-disable-next-line max-lines-per-function -- one pass over active findings and drafts deciding open, escalate, reopen, resolve, hold; the cases share the same maps
export function planLifecycle(input: LifecycleInput): FindingChange[] {
  const opts = { ...DEFAULT_LIFECYCLE, ...input.options };
  const now = input.now.toISOString();
  const changes: FindingChange[] = [];
  const active = new Map(input.active.map((r) => [r.fingerprint, r]));

  // Expired acknowledgements reopen first, so later changes start from the reopened record.
  for (const [fp, rec] of active) {
    if (
      rec.status === 'acknowledged' &&
      rec.ack?.until !== undefined &&
      Date.parse(rec.ack.until) <= input.now.getTime()
    ) {
      const after: FindingRecord = { ...rec, status: 'open' };
      delete after.ack;
      changes.push({ kind: 'ack-expired', before: rec, after });
      active.set(fp, after);
    }
  }
  const failed = input.pollOutcome === 'failed';
  const seen = new Set<string>();
  for (const f of dedupe(input.findings)) {
    // A failed poll verifies nothing about the data: only findings about the failure itself (unverified: token,
    // permission) and answers the upstream gave (deprecation: error #100, 410 Gone, changelog) may open or update.
    if (failed && !FAILED_POLL_CLASSES.has(f.class)) continue;
    seen.add(f.fingerprint);
    const rec = active.get(f.fingerprint);
    if (!rec) {
      // A person decided this change already: a range check that keeps seeing the new scale is not news.
      const decided = input.decisionOn?.(f.fingerprint);
      if (decided && coveredByDecision(f, decided)) continue;
      const record: Omit<FindingRecord, 'id'> = {
        ...f,
        episode: input.lastEpisode(f.fingerprint) + 1,
        status: 'open',
        firstSeen: now,
        lastSeen: now,
        goodPollsSinceAbsent: 0,
        lifecycle: lifecycleOf(f),
      };
      const quiet =
        record.episode > 1 &&
        reopensQuietly(input.lastResolved?.(f.fingerprint), f.severity, input.now, opts.quietReopenDays);
      changes.push({ kind: 'opened', record, ...(quiet ? { quiet } : {}) });
      continue;
    }
    if (rec.lifecycle === 'change') {
      changes.push(heldSeen(rec, f, now));
      continue;
    }
    const after = withContent(rec, f, now);
    after.lifecycle = lifecycleOf(f);
    const cmp = compareSeverity(f.severity, rec.severity);
    if (cmp > 0) {
      // An escalation is news: an acknowledgement of the milder finding no longer silences it.
      after.status = 'open';
      delete after.ack;
      changes.push({ kind: 'escalated', before: rec, after });
    } else if (cmp < 0) {
      changes.push({ kind: 'deescalated', before: rec, after });
    } else {
      changes.push({ kind: 'seen', before: rec, after });
    }
  }

  // Absence counts only on a verified poll: a failed poll never resolves anything (KeepLast).
  if (failed) return changes;
  const unverified = new Set(input.unverifiedMetrics ?? []);
  for (const [fp, rec] of active) {
    if (seen.has(fp)) continue;
    if (rec.metric !== undefined && unverified.has(rec.metric)) continue;
    const count = rec.goodPollsSinceAbsent + 1;
    // A change holds: the detectors fall quiet once their baselines adapt, while the values stay on the new scale.
    if (rec.lifecycle === 'condition' && count >= opts.resolveAfterGoodPolls) {
      changes.push({
        kind: 'resolved',
        before: rec,
        after: {
          ...rec,
          status: 'resolved',
          goodPollsSinceAbsent: count,
          resolvedAt: now,
          resolution: 'absent',
        },
      });
    } else {
      changes.push({ kind: 'absent', before: rec, after: { ...rec, goodPollsSinceAbsent: count } });
    }
  }
  return changes;
}
