// `upwatch poll`: one cycle per source now (fetch → store → docs), exit 3 when no upstream could be verified.
import type { Command } from 'commander';
import type { CycleResult } from '../../pipeline/cycle.js';
import { runPool } from '../../providers/pool.js';
import { printError } from '../errors.js';
import { exitCodeBeforePolling } from '../polled-contracts.js';
import { writeStatusFile } from '../../gate/status-file.js';
import { join } from 'node:path';
import { EXIT, type CliIO, type ExitCode } from '../io.js';
import { declaredChannels } from '../../core/contract.js';
import type { GateReport } from '../../core/gate.js';
import type { PollOutcome } from '../../core/observation.js';
import { openWatcher, type OpenedWatcher } from '../open-watcher.js';
import type { CommandState } from './index.js';

/** Sources polled concurrently by `upwatch poll`. */
const POLL_SOURCES_IN_FLIGHT = 4;

/**
 * Send the notifications that are due now through `UPWATCH_SMTP_URL` and the contracts' Slack and webhook channels,
 * or say why mail waits.
 */
export async function deliverMail(io: CliIO, opened: OpenedWatcher, queued: number): Promise<void> {
  const channels = declaredChannels(opened.watcher.contracts).length > 0;
  if (!opened.settings.smtpUrl && queued > 0)
    io.stderr(
      `mail: ${queued} notification(s) queued; set UPWATCH_SMTP_URL to send ${channels ? 'the mail among them' : 'them'} (upwatch doctor checks it)\n`,
    );
  if (!opened.settings.smtpUrl && !channels) return;
  try {
    const r = await opened.watcher.deliverDue();
    if (r && r.claimed > 0)
      io.stderr(
        `mail: ${r.sent} sent, ${r.retried} to retry, ${r.dead} undeliverable${r.dropped > 0 ? `, ${r.dropped} no longer true (not sent)` : ''} (see upwatch status)\n`,
      );
  } catch (e) {
    // Mail trouble never fails a poll: the rows stay in the outbox for the next run.
    io.stderr('mail: could not send now; notifications stay queued\n');
    printError(io, e);
  }
}

/** One human line per cycle. */
export function describeCycle(r: CycleResult): string {
  const p = r.poll;
  const head = `${r.source}  ${p.outcome.toUpperCase()}  poll #${p.id}: ${p.observationCount} values, ${p.requests.length} requests`;
  const docs = r.docChanges.length > 0 ? `, ${r.docChanges.length} doc change(s)` : '';
  const docFail = r.docFailures.length > 0 ? `, ${r.docFailures.length} doc(s) not fetched` : '';
  const err = p.errorCode ? `\n  ${p.errorCode}: ${p.errorMessage ?? ''}` : '';
  // A partial poll names the metrics nobody could check: their features turn unverified once freshness runs out.
  const unverified =
    p.outcome === 'partial' && r.metrics.unverified.length > 0
      ? `\n  not verified: ${r.metrics.unverified.join(', ')}`
      : '';
  return `${head}${docs}${docFail}${err}${unverified}\n`;
}

/**
 * The gate over every feature once all cycles have ended, written to the status file (the cycles wrote theirs as
 * they ended, in whatever order they finished).
 */
async function finalGate(opened: OpenedWatcher): Promise<GateReport> {
  const gate = await opened.watcher.gate();
  const statusFile = opened.settings.statusFile ?? join(opened.settings.snapshots, 'status.json');
  writeStatusFile(statusFile, gate);
  return gate;
}

/**
 * Exit code of a poll: 1 when a feature is blocked (the policy failed, even if some upstream could not be
 * reached), else 3 when every source's poll failed (could not verify), else 0.
 *
 * @example
 * pollExitCode(0, ['failed', 'failed']) // 3
 */
export function pollExitCode(blocked: number, outcomes: readonly PollOutcome[]): ExitCode {
  if (blocked > 0) return EXIT.POLICY_FAILED;
  if (outcomes.length > 0 && outcomes.every((o) => o === 'failed')) return EXIT.UNVERIFIED;
  return EXIT.OK;
}

interface PollFlags {
  source?: string[];
  db?: string;
  contracts?: string;
  snapshots?: string;
  json?: boolean;
}

/**
 * Register `upwatch poll`.
 *
 * @example
 * upwatch poll --source meta-page-insights --db .upwatch/upwatch.db
 */
export function registerPoll(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('poll')
    .description(
      'Poll sources now: fetch, store, snapshot watched docs (exit 3 when no upstream could be verified)',
    )
    .option('--source <name...>', 'only these sources (repeatable)')
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--contracts <dir>', 'contracts directory (env UPWATCH_CONTRACTS, default contracts)')
    .option('--snapshots <dir>', 'doc snapshots directory (env UPWATCH_SNAPSHOTS, default snapshots)')
    .option('--json', 'print the cycle results as JSON on stdout')
    .action(async (flags: PollFlags) => {
      let opened: OpenedWatcher;
      try {
        opened = await openWatcher(io, flags);
      } catch (e) {
        printError(io, e);
        state.exitCode = exitCodeBeforePolling(e);
        return;
      }
      try {
        // A few sources at a time (the HTTP client's per-host limit still caps requests); lines print as cycles end.
        const results = await runPool(opened.sources, POLL_SOURCES_IN_FLIGHT, async (source) => {
          const r = await opened.watcher.cycle(source);
          if (!flags.json) io.stdout(describeCycle(r));
          return r;
        });
        if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
        // Sources run concurrently, so no single cycle's gate is the last word: decide once, after every cycle.
        const gate = await finalGate(opened);
        const blocked = gate.features.filter((f) => f.state === 'blocked').map((f) => f.feature);
        if (!flags.json && blocked.length > 0) io.stdout(`blocked features: ${blocked.join(', ')}\n`);
        await deliverMail(
          io,
          opened,
          results.reduce((n, r) => n + (r.processed?.queued ?? 0), 0),
        );
        state.exitCode = pollExitCode(
          blocked.length,
          results.map((r) => r.poll.outcome),
        );
      } catch (e) {
        // The store refused a poll (disk full, locked): upwatch could not run.
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      } finally {
        await opened.watcher.close();
      }
    });
}
