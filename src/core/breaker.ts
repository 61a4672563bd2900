// The circuit breaker per upstream host as pure data: what kind of failure a poll was, and the state that follows.
import { isAheadOf } from './clock-trust.js';
import type { SourceContract } from './contract.js';
import type { PollRecord } from './observation.js';

/** `closed` polls normally; `open` skips polls until the cool-down passes; `half-open` lets one probe through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Failures that count towards opening: the host did not answer, or answered 5xx after the retries. */
export const UNREACHABLE_KINDS = ['refused', 'timeout', 'server_error'] as const;
export type UnreachableKind = (typeof UNREACHABLE_KINDS)[number];

/**
 * What a poll says about its host: unreachable (one of UNREACHABLE_KINDS), `answered` (the host replied, whether with
 * data, a 4xx or a throttle), or `not_tried` (no request went out: a paused token, an unset secret, an open breaker).
 */
export type PollKind = UnreachableKind | 'answered' | 'not_tried';

export interface BreakerOptions {
  /** Consecutive unreachable polls that open the breaker. Default 3. */
  failures: number;
  /** First cool-down before a probe, ms. Doubles at each failed probe. Default 5 min. */
  cooldownMs: number;
  /** Longest cool-down, ms. Default 1 h. */
  maxCooldownMs: number;
}

export const BREAKER_DEFAULTS: BreakerOptions = {
  failures: 3,
  cooldownMs: 5 * 60_000,
  maxCooldownMs: 60 * 60_000,
};

/** One breaker's persisted state. Times are ISO 8601. */
export interface BreakerRecord {
  /** What the breaker guards, e.g. `host:graph.facebook.com`. */
  key: string;
  state: BreakerState;
  /** Consecutive unreachable polls (reset when the host answers). */
  failures: number;
  /** Kind of the last unreachable poll. */
  kind?: UnreachableKind;
  /** Error of the last unreachable poll (redacted, as stored with the poll). */
  lastError?: string;
  /** When the breaker first opened in this outage. */
  openedAt?: string;
  /** Failed probes in this outage (the cool-down doubles with each). */
  probesFailed: number;
  /** When a probe may go through (open), or when an unanswered probe's turn lapses (half-open). */
  nextProbeAt?: string;
  updatedAt: string;
}

const TRANSPORT = new Set(['HTTP_CONNECT', 'HTTP_TIMEOUT']);

/**
 * Classify a stored poll for the breaker. Only a `failed` poll whose every request failed in transport (refused,
 * reset, timed out) or got a 5xx after its retries is unreachable; one answer of any other status means the host is up.
 * Requests the poll's budget stopped (POLL_DEADLINE) are left out.
 *
 * @example
 * pollKind({ outcome: 'failed', requests: [{ error: { code: 'HTTP_CONNECT', … } }] }) // 'refused'
 */
export function pollKind(poll: Pick<PollRecord, 'outcome' | 'requests'>): PollKind {
  if (poll.requests.length === 0) return poll.outcome === 'failed' ? 'not_tried' : 'answered';
  if (poll.outcome !== 'failed') return 'answered';
  let kind: UnreachableKind | undefined;
  for (const r of poll.requests) {
    // Not started, or cut by the poll's own deadline: says nothing about the host either way.
    if (r.error?.code === 'POLL_DEADLINE') continue;
    const status = r.status ?? r.error?.status;
    let k: UnreachableKind | undefined;
    if (status !== undefined && status >= 500) k = 'server_error';
    else if (status === undefined && r.error && TRANSPORT.has(r.error.code))
      k = r.error.code === 'HTTP_TIMEOUT' ? 'timeout' : 'refused';
    if (!k) return 'answered';
    kind ??= k;
  }
  return kind ?? (poll.requests.every((r) => r.error?.code === 'POLL_DEADLINE') ? 'not_tried' : 'answered');
}

/** Cool-down after `probesFailed` failed probes: base · 2^n, capped. */
export function cooldownMs(probesFailed: number, options: BreakerOptions): number {
  return Math.min(options.maxCooldownMs, options.cooldownMs * 2 ** Math.max(0, probesFailed));
}

/** Whether a poll may go out now. A probe is the one poll let through after the cool-down. */
export type Admission =
  { allow: true; probe: boolean; record?: BreakerRecord } | { allow: false; record: BreakerRecord };

/**
 * True when the breaker's next probe lies further ahead than the longest cool-down: it was set under a wrong clock
 * (or the clock is wrong now), so it is not waited for.
 *
 * @example
 * probeBeyondCooldown({ nextProbeAt: '2030-01-01T00:05:00Z', … }, new Date('2026-03-14T10:00:00Z'), BREAKER_DEFAULTS) // true
 */
export function probeBeyondCooldown(record: BreakerRecord, now: Date, options: BreakerOptions): boolean {
  return record.state !== 'closed' && isAheadOf(record.nextProbeAt, now, options.maxCooldownMs);
}

/**
 * Decide whether a poll may go out. When a probe is let through, the returned record is half-open (persist it, so
 * other sources on the same host wait for the probe; if it never reports, another probe goes after a cool-down).
 * A next probe further ahead than `maxCooldownMs` is a clock fault: the probe is due now.
 *
 * @example
 * admit(undefined, now, BREAKER_DEFAULTS) // { allow: true, probe: false }
 */
export function admit(record: BreakerRecord | undefined, now: Date, options: BreakerOptions): Admission {
  if (!record || record.state === 'closed') return { allow: true, probe: false };
  const due =
    record.nextProbeAt === undefined ||
    Date.parse(record.nextProbeAt) <= now.getTime() ||
    probeBeyondCooldown(record, now, options);
  if (!due) return { allow: false, record };
  return {
    allow: true,
    probe: true,
    record: {
      ...record,
      state: 'half-open',
      nextProbeAt: new Date(now.getTime() + cooldownMs(record.probesFailed, options)).toISOString(),
      updatedAt: now.toISOString(),
    },
  };
}

/** What a poll did to the breaker, for logs and the health finding. */
export type BreakerTransition = 'none' | 'counted' | 'reset' | 'opened' | 'reopened' | 'closed';

/**
 * The breaker after a poll of kind `kind`. Unreachable polls count; the K-th opens the breaker for a cool-down; a
 * failed probe reopens it for twice as long (capped); any answer closes it and resets the count; a poll that did not
 * go out changes nothing.
 *
 * @example
 * afterPoll(undefined, 'host:x', 'refused', 'cannot reach …', now, BREAKER_DEFAULTS).record.failures // 1
 */
export function afterPoll(
  record: BreakerRecord | undefined,
  key: string,
  kind: PollKind,
  error: string | undefined,
  now: Date,
  options: BreakerOptions,
): { record: BreakerRecord; transition: BreakerTransition } {
  const at = now.toISOString();
  const prev: BreakerRecord = record ?? { key, state: 'closed', failures: 0, probesFailed: 0, updatedAt: at };
  if (kind === 'not_tried') return { record: prev, transition: 'none' };
  if (kind === 'answered') {
    const closed: BreakerRecord = { key, state: 'closed', failures: 0, probesFailed: 0, updatedAt: at };
    const transition = prev.state !== 'closed' ? 'closed' : prev.failures > 0 ? 'reset' : 'none';
    return { record: closed, transition };
  }
  const failures = prev.failures + 1;
  const base = { ...prev, failures, kind, ...(error ? { lastError: error } : {}), updatedAt: at };
  if (prev.state === 'half-open' || prev.state === 'open') {
    const probesFailed = prev.probesFailed + 1;
    return {
      record: {
        ...base,
        state: 'open',
        probesFailed,
        nextProbeAt: new Date(now.getTime() + cooldownMs(probesFailed, options)).toISOString(),
      },
      transition: 'reopened',
    };
  }
  if (failures < options.failures) return { record: base, transition: 'counted' };
  return {
    record: {
      ...base,
      state: 'open',
      openedAt: at,
      probesFailed: 0,
      nextProbeAt: new Date(now.getTime() + cooldownMs(0, options)).toISOString(),
    },
    transition: 'opened',
  };
}

/**
 * The breaker a source polls through: its upstream host (`host:graph.facebook.com`), so sources sharing a dead host
 * share one breaker; `source:<name>` when the host cannot be read from the contract.
 *
 * @example
 * breakerKeyOf(metaSource) // 'host:graph.facebook.com'
 */
export function breakerKeyOf(source: SourceContract): string {
  const c = source.connection;
  if (c.kind === 'push') return `push:${source.name}`;
  const raw =
    c.kind === 'meta-graph'
      ? c.baseUrl
      : c.url.template.replace(/\$\{[^}]*\}/g, 'x').replace(/\{[A-Za-z_]+\}/g, 'x');
  try {
    const host = new URL(raw).host;
    if (host) return `host:${host}`;
  } catch {
    // fall through: a URL whose host is a secret or a placeholder
  }
  return `source:${source.name}`;
}
