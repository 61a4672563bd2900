// One cycle for one source: poll (fetch → store), watched docs, then detection and the gate (plugged in by their owners).
import type { ContractSet, SourceContract } from '../core/contract.js';
import type { DocChange } from '../core/detector.js';
import type { PollRecord } from '../core/observation.js';
import { fetchDocs, type DocFailure } from '../docs/fetch-docs.js';
import { pollSource, type PollDeps } from './poll-source.js';

/** What runCycle needs: the poll deps plus where doc snapshots go and the loaded contracts. */
export interface CycleDeps extends PollDeps {
  /** Directory for `snapshots/<source>/<doc>.{json,txt}`; undefined = store only. */
  snapshotsDir?: string;
  /** The loaded contract set (features, for detection and the gate). */
  contracts?: ContractSet;
}

/** What one cycle did. Later stages add their own optional fields. */
export interface CycleResult {
  source: string;
  poll: PollRecord;
  /** Watched docs whose normalized content changed in this cycle. */
  docChanges: DocChange[];
  /** Watched docs that could not be fetched (their last snapshot is kept). */
  docFailures: DocFailure[];
}

/**
 * Run one cycle for a source. `upwatch poll`, the daemon and the demo all call this.
 *
 * @example
 * const result = await runCycle({ store, http, secrets: (n) => env[n], clock, snapshotsDir: 'snapshots' }, source);
 * result.poll.outcome // 'ok' | 'partial' | 'failed'
 */
export async function runCycle(deps: CycleDeps, source: SourceContract): Promise<CycleResult> {
  const poll = await pollSource(deps, source);
  const docs = await fetchDocs(deps, source);
  const result: CycleResult = {
    source: source.name,
    poll,
    docChanges: docs.changes,
    docFailures: docs.failures,
  };

  // ── Detection (issue 4) plugs in here: findings = detectSource(deps.store, source, now, docs.changes). ──

  // ── Findings, gate and alert outbox (issue 6) plug in here: processFindings({ store, contracts, source,
  //    findings, pollOutcome: poll.outcome, now }) and the status file. A failed poll resolves nothing. ──

  return result;
}
