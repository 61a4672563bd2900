// The source-health finding a clock fault raises: a stored time (pause, probe, last poll, slot) ahead of the clock.
import type { ClockFault, ClockFaultKind } from '../core/clock-trust.js';
import { toFinding, type Evidence, type Finding } from '../core/finding.js';

/** Rule id of the clock finding. */
export const CLOCK_SKEW = 'clock-skew';

const WORDS: Record<ClockFaultKind, string> = {
  'last-poll': 'its last poll started at',
  'last-slot': 'its last polled schedule slot is',
  pause: 'a rate-limit pause runs until',
  breaker: 'its circuit breaker waits for a probe at',
};

const EVIDENCE_KEY: Record<ClockFaultKind, string> = {
  'last-poll': 'lastPollAt',
  'last-slot': 'lastSlot',
  pause: 'pausedUntil',
  breaker: 'breakerNextProbeAt',
};

/**
 * The `clock-skew` finding (class `unverified`, severity `warn`) when a source's stored times lie further ahead of the
 * clock than they can: the clock was wrong when they were written, or is wrong now. Those times were not trusted (the
 * poll went out anyway); the finding says so, with the stored and current times. Its identity is the source, and it
 * resolves after good polls once no stored time is ahead.
 *
 * @example
 * clockSkewFinding('meta', [{ kind: 'pause', subject: 'meta-graph:ab12', stored: '2030-01-01T01:00:00.000Z', now, allowedMs }], new Date())
 */
export function clockSkewFinding(
  source: string,
  faults: readonly ClockFault[],
  now: Date,
): Finding | undefined {
  if (faults.length === 0) return undefined;
  const at = now.toISOString();
  const evidence: Evidence = { now: at };
  for (const f of faults) evidence[EVIDENCE_KEY[f.kind]] ??= f.stored;
  evidence['subjects'] = [...new Set(faults.map((f) => f.subject))];
  const lines = faults.map(
    (f) =>
      `${WORDS[f.kind]} ${f.stored} (${f.subject}; at most ${Math.round(f.allowedMs / 60_000)} min ahead is trusted)`,
  );
  return toFinding(
    {
      rule: CLOCK_SKEW,
      class: 'unverified',
      severity: 'warn',
      source,
      subject: 'health:clock',
      title: `${source}: stored times ahead of the clock (${at})`,
      entities: [],
      onset: at.slice(0, 10),
      evidence,
      explanation:
        `${source}: the clock reads ${at}, but ${lines.join('; ')}. ` +
        'Either the clock was set ahead when these were written or it is behind now; they were not trusted and the ' +
        'source was polled anyway. Check the host clock (NTP). This is not a finding about the data.',
    },
    at,
  );
}
