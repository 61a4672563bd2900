// One cycle for one source: poll (fetch → store), watched docs, then detection and the gate (plugged in by their owners).
import type { ContractSet, SourceContract } from '../core/contract.js';
import type { DocChange } from '../core/detector.js';
import type { ErrorCode } from '../core/errors.js';
import { metricVerification, type PollRecord } from '../core/observation.js';
import { fetchDocs, type DocFailure } from '../docs/fetch-docs.js';
import { pollSource, type PollDeps } from './poll-source.js';
import type { Finding } from '../core/finding.js';
import { join } from 'node:path';
import { processFindings, type ProcessDefaults, type ProcessResult } from './process-findings.js';
import { writeStatusFile } from '../gate/status-file.js';
import { detectSource } from './detect.js';
import { breakerKeyOf } from '../core/breaker.js';
import { sourceUnreachableFinding } from '../findings/source-unreachable.js';
import { clockSkewFinding } from '../findings/clock-skew.js';
import { CLOCK_SKEW_MS, isAheadOf, type ClockFault } from '../core/clock-trust.js';
import { silentLogger } from '../core/logger.js';

/** What runCycle needs: the poll deps plus where doc snapshots go and the loaded contracts. */
export interface CycleDeps extends PollDeps {
  /** Directory for `snapshots/<source>/<doc>.{json,txt}`; undefined = store only. */
  snapshotsDir?: string;
  /** The loaded contract set (features, for detection and the gate). */
  contracts?: ContractSet;
  /** Lifecycle and alert settings (default recipients, reminder interval, …) for processFindings. */
  alerts?: ProcessDefaults;
  /** Status file written after each cycle; default `<snapshotsDir>/status.json` when snapshotsDir is set. */
  statusFile?: string;
}

/** What one cycle did. Later stages add their own optional fields. */
export interface CycleResult {
  source: string;
  poll: PollRecord;
  /**
   * Metrics of this poll whose every entity got a definite answer (values, a confirmed absence, or a rejection
   * such as error #100 or 410 Gone), and those with at least one entity that did not (timeout, 5xx, body not JSON,
   * over the byte cap, reset). A poll with no verified metric could not verify anything; one with a rejected metric
   * verified that metric, and its findings are evidence like any other.
   */
  metrics: { verified: string[]; unverified: string[] };
  /** Watched docs whose normalized content changed in this cycle. */
  docChanges: DocChange[];
  /** Watched docs that could not be fetched (their last snapshot is kept). */
  docFailures: DocFailure[];
  /** Lifecycle changes, feature states and queued notifications (when contracts were given). */
  processed?: ProcessResult;
}

/**
 * Run one cycle for a source. `upwatch poll`, the daemon and the demo all call this.
 *
 * @example
 * const result = await runCycle({ store, http, secrets: (n) => env[n], clock, snapshotsDir: 'snapshots' }, source);
 * result.poll.outcome // 'ok' | 'partial' | 'failed'
 */
export async function runCycle(deps: CycleDeps, source: SourceContract): Promise<CycleResult> {
  const faults = await lastTimesAhead(deps, source);
  const poll = await pollSource(
    {
      ...deps,
      onClockFault: (f) => {
        faults.push(f);
        deps.onClockFault?.(f);
      },
    },
    source,
  );
  // A poll skipped by an open breaker skips the watched docs too (they usually live on the same host).
  const docs =
    poll.errorCode === ('BREAKER_OPEN' satisfies ErrorCode)
      ? { changes: [], failures: [] }
      : await fetchDocs(deps, source);
  const result: CycleResult = {
    source: source.name,
    poll,
    metrics: metricVerification(poll.metricOutcomes),
    docChanges: docs.changes,
    docFailures: docs.failures,
  };

  // Detection over the stored history. On a failed poll runDetectors runs no statistical stage (a failed poll is
  // never evidence about the data), but the failure itself can be news: a rejected token or a revoked permission
  // (class `unverified`). processFindings opens only those. A poll whose every metric was rejected (error #100) is
  // not failed: the upstream answered, and each rejected metric opens its `metric-invalid` finding.
  const findings: Finding[] = await detectSource(deps.store, source, deps.clock.now(), docs.changes);
  // An open circuit breaker is the source-health finding: one per outage (its fingerprint is the source's).
  const breaker = await deps.store.breakers.get(breakerKeyOf(source));
  const unreachable = breaker && sourceUnreachableFinding(source.name, breaker, deps.clock.now());
  if (unreachable) findings.push(unreachable);
  // Stored times too far ahead of the clock were not trusted (the poll went out): one health finding says so.
  const skew = clockSkewFinding(source.name, faults, deps.clock.now());
  if (skew) findings.push(skew);

  // Findings lifecycle, audit, gate and alert outbox in one transaction, then the status file.
  // A failed poll opens and resolves nothing.
  if (deps.contracts) {
    result.processed = await processFindings({
      store: deps.store,
      contracts: deps.contracts,
      source,
      findings,
      pollOutcome: poll.outcome,
      now: deps.clock.now(),
      // Metrics with no data in this poll, rejected ones included: a rejection verifies the metric, but it says
      // nothing about whether its other conditions (a freeze, a schema change) ended, so those neither count as
      // absent nor resolve.
      unverifiedMetrics: [
        ...new Set(poll.metricOutcomes.filter((o) => o.status === 'error').map((o) => o.metric)),
      ],
      ...(deps.alerts ? { defaults: deps.alerts } : {}),
    });
    const statusFile =
      deps.statusFile ?? (deps.snapshotsDir ? join(deps.snapshotsDir, 'status.json') : undefined);
    if (statusFile) writeStatusFile(statusFile, result.processed.gate);
  }

  return result;
}

/**
 * The source's last poll and last polled slot, when they lie more than CLOCK_SKEW_MS ahead of the clock (written
 * under a clock set ahead, or the clock is behind now): logged and returned as clock faults, read before this poll
 * replaces them.
 */
async function lastTimesAhead(deps: CycleDeps, source: SourceContract): Promise<ClockFault[]> {
  const now = deps.clock.now();
  const logger = deps.logger ?? silentLogger;
  const stored: [ClockFault['kind'], string | undefined][] = [
    ['last-poll', (await deps.store.lastPoll(source.name))?.startedAt],
    ['last-slot', await deps.store.slots.polledSlot(source.name)],
  ];
  const faults: ClockFault[] = [];
  for (const [kind, at] of stored) {
    if (at === undefined || !isAheadOf(at, now, CLOCK_SKEW_MS)) continue;
    const fault = {
      kind,
      subject: source.name,
      stored: at,
      now: now.toISOString(),
      allowedMs: CLOCK_SKEW_MS,
    };
    logger.warn('stored time ahead of the clock; not trusted (clock fault)', {
      source: source.name,
      ...fault,
    });
    deps.onClockFault?.(fault);
    faults.push(fault);
    // This poll covers every slot up to now: it replaces the untrusted slot, so the fault is seen once. A fleet
    // worker's poll claims its own slot instead (recordSlot replaces a slot stored ahead of the clock).
    if (kind === 'last-slot' && deps.slot === undefined)
      await deps.store.slots.recordSlot(source.name, now.toISOString(), now);
  }
  return faults;
}
