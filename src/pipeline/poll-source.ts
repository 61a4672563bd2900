// One poll of one source: fetch through its provider, then store the whole result as one poll.
import type { Clock } from '../core/clock.js';
import { isDerived, type SourceContract } from '../core/contract.js';
import { UpwatchError, errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import {
  isVerifiedOutcome,
  type FetchResult,
  type PollOutcome,
  type PollRecord,
} from '../core/observation.js';
import type { SecretLookup } from '../core/secret.js';
import type { HttpClient } from '../providers/http.js';
import {
  DEFAULT_HUNG_REQUESTS_PER_HOST,
  DEFAULT_POLL_DEADLINE_MS,
  createPollBudget,
  type PollBudget,
} from '../providers/poll-budget.js';
import type { FetchProgress, Provider } from '../providers/provider.js';
import { PROVIDERS_BY_NAME } from '../providers/registry.js';
import type { PausePort } from '../providers/provider.js';
import { MAX_PAUSE_MS, type ClockFault } from '../core/clock-trust.js';
import {
  BREAKER_DEFAULTS,
  admit,
  afterPoll,
  breakerKeyOf,
  pollKind,
  probeBeyondCooldown,
  type BreakerOptions,
} from '../core/breaker.js';
import type { RecordPollInput, Store } from '../store/store.js';

/** What pollSource needs. Build it once per process (see the CLI's `poll` command). */
export interface PollDeps {
  store: Store;
  http: HttpClient;
  /** Looks up `${VAR}` secret references at poll time (the CLI passes process.env). */
  secrets: SecretLookup;
  clock: Clock;
  logger?: Logger;
  /** Providers by name; defaults to PROVIDERS_BY_NAME. */
  providers?: Readonly<Record<string, Provider>>;
  /** Called after each request of a poll. */
  onProgress?: (p: FetchProgress) => void;
  /** Requests in flight per source. Default 8. */
  concurrency?: number;
  /** Circuit breaker per upstream host (defaults BREAKER_DEFAULTS: 3 unreachable polls, 5 min → 1 h). */
  breaker?: Partial<BreakerOptions>;
  /**
   * Overall deadline of one poll, ms (default 5 min; a source's `pollDeadlineSeconds` wins): what is still waiting
   * then is cut, what has not started is not started, and both are recorded as not verified (partial or failed).
   */
  pollDeadlineMs?: number;
  /** Requests to one host that may time out in a poll before its other requests are not started. Default 3. */
  hungRequestsPerHost?: number;
  /** Told of each stored time found too far ahead of the clock (an untrusted pause or probe), after it is logged. */
  onClockFault?: (fault: ClockFault) => void;
  /**
   * The schedule slot (ISO instant) this poll stands for, when a fleet worker runs it: the slot is claimed in the
   * store in the same transaction as the poll, so of two polls of one slot exactly one is stored; the other throws
   * UpwatchError `SLOT_TAKEN` and writes nothing.
   */
  slot?: string;
}

/**
 * Store a poll; with `deps.slot`, claim the slot in the same transaction (recordSlot says whether this call took it).
 * Throws UpwatchError `SLOT_TAKEN` when another poll already took the slot.
 */
async function storePoll(deps: PollDeps, input: RecordPollInput): Promise<PollRecord> {
  const slot = deps.slot;
  if (slot === undefined) return deps.store.recordPoll(input);
  // Not serialized: the slot's row lock (taken by the claim, held to commit) is what keeps a slot to one poll, so the
  // polls of different sources do not wait for each other or for findings transactions (docs/fleet.md).
  return deps.store.transaction(
    async () => {
      if (!(await deps.store.slots.recordSlot(input.source, slot, deps.clock.now())))
        throw new UpwatchError('SLOT_TAKEN', `slot ${slot} of source ${input.source} was already polled`, {
          hint: 'another worker stored this slot first; nothing was written twice',
        });
      return deps.store.recordPoll(input);
    },
    { serialized: false },
  );
}

/** The HTTP client a provider sees during one poll: every request carries the poll's budget. */
function budgeted(http: HttpClient, budget: PollBudget): HttpClient {
  return { ...http, get: (req) => http.get({ ...req, budget }) };
}

/**
 * The pause book a provider sees: a pause ending beyond now + MAX_PAUSE_MS is not in force (the book says so), and
 * here it is logged and reported as a clock fault.
 */
function checkedPauses(book: PausePort, report: (fault: ClockFault) => void): PausePort {
  return {
    ...book,
    async pausedUntil(principal, now) {
      const bad = await book.untrusted(principal, now);
      if (bad)
        report({
          kind: 'pause',
          subject: principal,
          stored: bad.nextAllowedAt,
          now: now.toISOString(),
          allowedMs: MAX_PAUSE_MS,
        });
      return book.pausedUntil(principal, now);
    },
  };
}

/**
 * `ok` when every metric delivered values or a confirmed absence; `failed` when no metric got a definite answer
 * (nothing could be verified); else `partial`. A metric the upstream rejected definitively (error #100, 410 Gone)
 * was verified — the upstream answered — so a poll whose every metric was rejected is `partial`, not `failed`: the
 * rejection is evidence, and its findings open like any other.
 */
export function outcomeOf(fetch: FetchResult): {
  outcome: PollOutcome;
  errorCode?: string;
  errorMessage?: string;
} {
  const errors = fetch.metricOutcomes.filter((o) => o.status === 'error');
  const requestErrors = fetch.requests.filter((r) => r.error);
  const verified = fetch.metricOutcomes.filter(isVerifiedOutcome).length;
  // The first error that left a metric unverified names the poll's error; else the first rejection.
  const first =
    errors.find((o) => !isVerifiedOutcome(o))?.error ?? errors[0]?.error ?? requestErrors[0]?.error;
  const err = first ? { errorCode: first.code, errorMessage: first.message } : {};
  if (fetch.metricOutcomes.length === 0) {
    return requestErrors.length > 0 && requestErrors.length === fetch.requests.length
      ? { outcome: 'failed', ...err }
      : { outcome: 'ok' };
  }
  if (errors.length === 0) return { outcome: 'ok' };
  return { outcome: verified === 0 ? 'failed' : 'partial', ...err };
}

/**
 * Fetch a source and store what was seen as one poll (one transaction). A fetch that could not verify anything
 * is stored as outcome `failed` with its error code and message; it never deletes or overwrites earlier data.
 * Throws only when the store itself cannot take the poll (STORE_FULL, STORE_UNAVAILABLE).
 *
 * @example
 * const poll = await pollSource({ store, http, secrets: (n) => process.env[n], clock: systemClock }, source);
 * if (poll.outcome === 'failed') console.error(poll.errorCode, poll.errorMessage);
 */
// eslint-disable-next-line max-lines-per-function -- the poll in order (breaker, pauses, fetch, record, breaker update); it calls store repositories that are moving to async ports
export async function pollSource(deps: PollDeps, source: SourceContract): Promise<PollRecord> {
  const logger = deps.logger ?? silentLogger;
  const started = deps.clock.now();
  const options = { ...BREAKER_DEFAULTS, ...deps.breaker };
  const book = deps.store.breakers;
  const key = breakerKeyOf(source);
  const reportFault = (fault: ClockFault) => {
    logger.warn('stored time ahead of the clock; not trusted (clock fault)', {
      source: source.name,
      kind: fault.kind,
      subject: fault.subject,
      stored: fault.stored,
      now: fault.now,
    });
    deps.onClockFault?.(fault);
  };
  const current = await book.get(key);
  if (current?.nextProbeAt && probeBeyondCooldown(current, started, options))
    reportFault({
      kind: 'breaker',
      subject: key,
      stored: current.nextProbeAt,
      now: started.toISOString(),
      allowedMs: options.maxCooldownMs,
    });
  const admission = admit(current, started, options);
  if (!admission.allow) {
    // The host failed K polls in a row: skip it until the cool-down passes. Recorded as "could not verify", so it
    // opens and resolves no data finding and is never evidence of a frozen value.
    const b = admission.record;
    const poll = await storePoll(deps, {
      source: source.name,
      startedAt: started.toISOString(),
      finishedAt: started.toISOString(),
      outcome: 'failed',
      errorCode: 'BREAKER_OPEN',
      errorMessage: `breaker_open: ${key} failed ${b.failures} polls in a row (${b.kind ?? 'unreachable'}); next probe at ${b.nextProbeAt ?? 'the next poll'}`,
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    logger.info('poll skipped: circuit breaker open', {
      source: source.name,
      breaker: key,
      nextProbeAt: b.nextProbeAt ?? '',
    });
    return poll;
  }
  if (admission.probe && admission.record) {
    await book.save(admission.record);
    logger.info('circuit breaker half-open: probing', { source: source.name, breaker: key });
  }
  const providers: Readonly<Record<string, Provider>> = deps.providers ?? PROVIDERS_BY_NAME;
  const provider = providers[source.provider];
  let fetch: FetchResult = { observations: [], requests: [], metricOutcomes: [] };
  let status: ReturnType<typeof outcomeOf>;
  const budget = createPollBudget({
    deadlineMs:
      source.pollDeadlineSeconds !== undefined
        ? source.pollDeadlineSeconds * 1000
        : (deps.pollDeadlineMs ?? DEFAULT_POLL_DEADLINE_MS),
    hungPerHost: deps.hungRequestsPerHost ?? DEFAULT_HUNG_REQUESTS_PER_HOST,
  });
  try {
    if (source.provider === 'push') {
      // Callers skip push sources (isPolled); one that gets here is recorded as not verified, never fetched.
      throw new UpwatchError('CONFIG_INVALID', `source ${source.name} is pushed, not polled`, {
        hint: `feed it with upwatch ingest --source ${source.name} FILE`,
      });
    }
    if (!provider) {
      throw new UpwatchError('CONFIG_INVALID', `source ${source.name}: unknown provider ${source.provider}`);
    }
    // A ratio of two counts is derived from them after the fetch, never asked of the upstream.
    const fetched = { ...source, metrics: source.metrics.filter((m) => !isDerived(m)) };
    fetch = await provider.fetch(fetched, {
      http: budgeted(deps.http, budget),
      secrets: deps.secrets,
      now: started,
      logger,
      progress: deps.onProgress ?? (() => undefined),
      pauses: checkedPauses(deps.store.pauses, reportFault),
      ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
    });
    status = outcomeOf(fetch);
  } catch (e) {
    // Could not even try (unset secret, paused principal) or a bug: recorded as "could not verify".
    const code = e instanceof UpwatchError ? e.code : 'INTERNAL';
    status = { outcome: 'failed', errorCode: code, errorMessage: deps.http.redact(errorMessage(e)) };
    if (code === 'INTERNAL')
      logger.error('provider failed unexpectedly', { source: source.name, error: status.errorMessage });
  } finally {
    budget.dispose();
  }
  const cut = fetch.requests.filter((r) => r.error?.code === 'POLL_DEADLINE').length;
  if (cut > 0)
    logger.warn('poll cut short: requests not verified (deadline or hanging host)', {
      source: source.name,
      requests: cut,
      deadlineMs: budget.deadlineMs,
    });
  const poll = await storePoll(deps, {
    source: source.name,
    startedAt: started.toISOString(),
    finishedAt: deps.clock.now().toISOString(),
    ...status,
    fetch,
  });
  const next = afterPoll(
    await book.get(key),
    key,
    pollKind(poll),
    poll.errorMessage,
    deps.clock.now(),
    options,
  );
  if (next.transition !== 'none') await book.save(next.record);
  if (next.transition === 'opened' || next.transition === 'reopened')
    logger.warn(`circuit breaker ${next.transition}`, {
      source: source.name,
      breaker: key,
      failures: next.record.failures,
      nextProbeAt: next.record.nextProbeAt ?? '',
    });
  else if (next.transition === 'closed')
    logger.info('circuit breaker closed: the host answers again', { source: source.name, breaker: key });
  logger.info('poll stored', {
    source: source.name,
    poll: poll.id,
    outcome: poll.outcome,
    observations: poll.observationCount,
    requests: poll.requests.length,
    ...(poll.errorCode ? { error: poll.errorCode } : {}),
  });
  return poll;
}
