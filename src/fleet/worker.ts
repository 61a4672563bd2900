// A fleet worker's job handler: one cycle for the job's source and slot, exactly once per slot by the store's claim.
import type { SourceContract } from '../core/contract.js';
import { UpwatchError, errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { ReceivedJob } from './queue.js';

/** What the handler needs: the sources this worker may poll, the cycle, and the store's polled slots. */
export interface SlotJobDeps {
  sources: readonly SourceContract[];
  /** One cycle that claims `slot` in the poll's transaction (the watcher's `cycle(source, { slot })`). */
  cycle: (source: SourceContract, slot: string) => Promise<unknown>;
  /** The last slot polled by a fleet worker or the daemon (the store's `slots.polledSlot`). */
  polledSlot: (source: string) => Promise<string | undefined>;
  logger?: Logger;
  /** Told after each job, with what happened. */
  onDone?: (job: ReceivedJob, outcome: SlotJobOutcome, result?: unknown) => void;
}

/** What a job came to: polled, or skipped because its slot was already polled, or not a source of this worker. */
export type SlotJobOutcome = 'polled' | 'already-polled' | 'unknown-source';

/**
 * Build the handler. A slot at or before the source's polled slot is skipped without a request (a retried job whose
 * poll committed, a second send after the queue forgot the first). Otherwise the cycle runs and claims the slot in
 * the poll's own transaction: if another worker stored the slot meanwhile, this poll writes nothing (`SLOT_TAKEN`).
 * Any other error is logged with the job's source and slot and thrown, so pg-boss retries the job: a poll that did
 * not commit left nothing behind, and the retry polls again.
 *
 * @example
 * await queue.work(4, slotJobHandler({ sources, cycle: (s, slot) => watcher.cycle(s, { slot }), polledSlot }));
 */
export function slotJobHandler(deps: SlotJobDeps): (job: ReceivedJob) => Promise<void> {
  const logger = deps.logger ?? silentLogger;
  const byName = new Map(deps.sources.map((s) => [s.name, s]));
  return async (job) => {
    const context = { source: job.source, slot: job.slot, job: job.id, retry: job.retryCount };
    const source = byName.get(job.source);
    if (!source) {
      // A job for a source this worker does not know (a contract removed, or workers on other contracts): not
      // retried, since no worker of these contracts could do it.
      logger.error('job for a source this worker does not poll; dropped', context);
      deps.onDone?.(job, 'unknown-source');
      return;
    }
    const polled = await deps.polledSlot(job.source);
    if (polled !== undefined && Date.parse(polled) >= Date.parse(job.slot)) {
      logger.info('slot already polled; job done without polling', { ...context, polledSlot: polled });
      deps.onDone?.(job, 'already-polled');
      return;
    }
    try {
      const result = await deps.cycle(source, job.slot);
      deps.onDone?.(job, 'polled', result);
    } catch (e) {
      if (e instanceof UpwatchError && e.code === 'SLOT_TAKEN') {
        logger.info('slot polled by another worker meanwhile; nothing stored', context);
        deps.onDone?.(job, 'already-polled');
        return;
      }
      logger.error('job failed; the queue retries it', { ...context, error: errorMessage(e) });
      throw e;
    }
  };
}
