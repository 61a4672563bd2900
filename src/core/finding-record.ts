// A finding as the store keeps it across polls: identity, episode, lifecycle status and acknowledgement.
import type { Finding } from './finding.js';
import type { FindingLifecycle, FindingResolution } from './finding-lifecycle.js';

/** Lifecycle of one episode of a finding: open → acknowledged (with optional expiry) → resolved. */
export const FINDING_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Who acknowledged a finding, why, and until when (ISO date-time; undefined = until it resolves). */
export interface Acknowledgement {
  reason: string;
  by: string;
  at: string;
  until?: string;
}

/**
 * One episode of a finding. A fingerprint that resolves and later comes back opens a new episode
 * (episode + 1) with its own notifications; the old episode stays resolved in the history.
 *
 * @example
 * { fingerprint: '3f1c9a…', episode: 1, status: 'open', firstSeen: '2026-03-14T07:00:00.000Z', … }
 */
export interface FindingRecord extends Finding {
  id: number;
  episode: number;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  /** Consecutive good polls in which the condition was absent (resolves at the configured count). */
  goodPollsSinceAbsent: number;
  /** `change` findings hold until the upstream reverts or a decision is recorded; `condition`s resolve by absence. */
  lifecycle: FindingLifecycle;
  ack?: Acknowledgement;
  resolvedAt?: string;
  /** How a resolved episode ended (stores from before this field read as `absent`). */
  resolution?: FindingResolution;
}

/** True while an acknowledgement silences reminders (it never unblocks a feature). */
export function isSilenced(f: Pick<FindingRecord, 'status' | 'ack'>, now: Date): boolean {
  if (f.status !== 'acknowledged' || !f.ack) return false;
  return f.ack.until === undefined || Date.parse(f.ack.until) > now.getTime();
}
