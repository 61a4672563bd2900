// The source-health finding an open circuit breaker raises: one per source per outage, resolved by good polls.
import type { BreakerRecord } from '../core/breaker.js';
import { toFinding, type Finding } from '../core/finding.js';

/** Rule id of the health finding. */
export const SOURCE_UNREACHABLE = 'source-unreachable';

const WORDS: Record<string, string> = {
  refused: 'refused or dropped the connection',
  timeout: 'did not answer within the request deadline',
  server_error: 'answered with server errors (5xx) after retries',
};

/**
 * The `source-unreachable` finding (class `unverified`, severity `warn`) while the source's breaker is not closed.
 * Its identity is the source alone, so the whole outage is one finding and one alert: later failed polls only update
 * it (a failed poll resolves nothing), and it resolves after good polls like any other finding.
 *
 * @example
 * sourceUnreachableFinding('meta', breaker, now) // { rule: 'source-unreachable', severity: 'warn', … }
 */
export function sourceUnreachableFinding(
  source: string,
  breaker: BreakerRecord,
  now: Date,
): Finding | undefined {
  if (breaker.state === 'closed') return undefined;
  const since = breaker.openedAt ?? breaker.updatedAt;
  const host = breaker.key.replace(/^host:/, '');
  const what = WORDS[breaker.kind ?? ''] ?? 'could not be reached';
  return toFinding(
    {
      rule: SOURCE_UNREACHABLE,
      class: 'unverified',
      severity: 'warn',
      source,
      subject: 'health:reachability',
      title: `${source} unreachable: ${host} ${what}`,
      entities: [],
      onset: since.slice(0, 10),
      evidence: {
        breaker: breaker.key,
        state: breaker.state,
        failedPolls: breaker.failures,
        kind: breaker.kind ?? null,
        openedAt: since,
        nextProbeAt: breaker.nextProbeAt ?? null,
        lastError: breaker.lastError ?? null,
      },
      explanation:
        `${source}: ${host} ${what} on ${breaker.failures} polls in a row (circuit breaker open since ${since}). ` +
        `Polls are skipped until a probe at ${breaker.nextProbeAt ?? 'the next poll'} gets through; until then its ` +
        'metrics cannot be verified. This is not a finding about the data.',
    },
    now.toISOString(),
  );
}
