// `upwatch run`: the daemon — a schedule per source, graceful stop on SIGINT/SIGTERM that drains in-flight cycles.
import type { Command } from 'commander';
import { createScheduler } from '../../scheduler/scheduler.js';
import { cachedSlotBook, type CachedSlotBook } from '../../scheduler/slot-cache.js';
import { printError } from '../errors.js';
import { exitCodeBeforePolling } from '../polled-contracts.js';
import { EXIT, type CliIO, type ExitCode } from '../io.js';
import { describeCycle } from './poll.js';
import { openWatcher, type OpenedWatcher } from '../open-watcher.js';
import type { CommandState } from './index.js';
import { checkRole, positiveInt, runFleetRole, sharedHostLimitOpener, type RunRole } from './run-fleet.js';
import { resolveSettings } from '../settings.js';
import type { CycleResult } from '../../pipeline/cycle.js';
import type { AlertRelaySetup } from '../../alerts/setup.js';

interface RunFlags {
  source?: string[];
  db?: string;
  contracts?: string;
  snapshots?: string;
  drainTimeout: string;
  pollOnStart?: boolean;
  role: string;
  perHostLimit: string;
  concurrency: string;
  jobExpiry: string;
}

/**
 * Register `upwatch run`.
 *
 * @example
 * upwatch run --poll-on-start --drain-timeout 30
 */

export function registerRun(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('run')
    .description(
      'Run the daemon: poll each source on its schedule until SIGINT/SIGTERM (drains running polls)',
    )
    .option('--source <name...>', 'only these sources (repeatable)')
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--contracts <dir>', 'contracts directory (env UPWATCH_CONTRACTS, default contracts)')
    .option('--snapshots <dir>', 'doc snapshots directory (env UPWATCH_SNAPSHOTS, default snapshots)')
    .option('--drain-timeout <seconds>', 'how long a stop waits for running polls', '30')
    .option(
      '--poll-on-start',
      '--role all: poll every source once at start, even those whose last slot was polled (without it, only sources that missed their latest slot while upwatch was down are caught up)',
    )
    .option(
      '--role <role>',
      'all (schedule and poll in this process), scheduler (enqueue due slots) or worker (poll queued slots); scheduler and worker need a postgres:// store',
      'all',
    )
    .option(
      '--per-host-limit <n>',
      'requests in flight per upstream host: in this process, and with --role worker across all workers on the store',
      '16',
    )
    .option('--concurrency <n>', 'worker: jobs (sources) polled at once by this process', '4')
    .option(
      '--job-expiry <seconds>',
      'scheduler: a job it enqueues that is still running after this long is taken as lost (its worker died) and retried by another worker',
      '900',
    )
    .action(async (flags: RunFlags) => {
      let opened: OpenedWatcher;
      let role: RunRole;
      try {
        role = checkRole(flags.role, resolveSettings(io, { db: flags.db }).db, flags);
        opened = await openWatcher(io, {
          ...flags,
          perHostLimit: positiveInt('--per-host-limit', flags.perHostLimit),
          ...(role === 'worker' ? { sharedHostLimit: await sharedHostLimitOpener() } : {}),
        });
      } catch (e) {
        printError(io, e);
        state.exitCode = exitCodeBeforePolling(e);
        return;
      }
      if (role !== 'all') {
        try {
          state.exitCode = await runFleetRole(io, opened, { ...flags, role });
        } catch (e) {
          printError(io, e);
          state.exitCode = EXIT.CANNOT_RUN;
        }
        return;
      }
      state.exitCode = await runAllRole(io, opened, flags);
    });
}

/**
 * `--role all`: schedule and poll in this process (SQLite or PostgreSQL) until SIGINT/SIGTERM, then drain. Returns
 * the exit code; closes the watcher.
 */

async function runAllRole(io: CliIO, opened: OpenedWatcher, flags: RunFlags): Promise<ExitCode> {
  const { watcher } = opened;
  const log = watcher.logger;
  let scheduler;
  let slots: CachedSlotBook;
  try {
    slots = await cachedSlotBook(
      watcher.store.slots,
      opened.sources.map((s) => s.name),
      log,
    );
    scheduler = createScheduler({
      sources: opened.sources,
      run: (source) => watcher.cycle(source),
      logger: log,
      slots,
      clock: io.clock,
      onRun: (_name, outcome) => {
        if (outcome.ok) io.stdout(describeCycle(outcome.result as CycleResult));
      },
    });
  } catch (e) {
    printError(io, e);
    await watcher.close();
    return EXIT.CANNOT_RUN;
  }
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let alerts: AlertRelaySetup | undefined;
  try {
    alerts = watcher.mailRelay();
    alerts?.relay.start();
  } catch (e) {
    printError(io, e);
    await watcher.close();
    return EXIT.CANNOT_RUN;
  }
  if (!opened.settings.smtpUrl)
    io.stderr('upwatch run: UPWATCH_SMTP_URL is not set: alert mail is queued in the store, not sent\n');
  scheduler.start();
  io.stderr(
    `upwatch run: ${opened.sources.length} source(s) scheduled; store ${opened.settings.db}; mail ${alerts?.settings ? alerts.settings.display : 'off'}${alerts?.channels ? '; Slack/webhook channels on' : ''}\n`,
  );
  if (flags.pollOnStart) {
    io.stderr('upwatch run: --poll-on-start: polling every source now\n');
    void scheduler.runNow();
  } else {
    // node-cron keeps nothing across restarts: poll once each source whose latest slot passed while we were down.
    const decisions = scheduler.catchUp();
    for (const d of decisions.filter((x) => x.due))
      io.stderr(`upwatch run: catch-up: ${d.source}: ${d.reason}; polling now\n`);
    const upToDate = decisions.filter((x) => !x.due);
    if (upToDate.length > 0)
      io.stderr(
        `upwatch run: no catch-up for ${upToDate.map((d) => `${d.source} (${d.reason})`).join(', ')}\n`,
      );
  }
  const signal = await stopped;
  const timeoutMs = Math.max(0, Number(flags.drainTimeout) || 30) * 1000;
  io.stderr(`upwatch run: ${signal} received, draining ${scheduler.running().length} running poll(s)\n`);
  const r = await scheduler.stop(timeoutMs);
  if (!r.drained)
    io.stderr(`upwatch run: gave up waiting for ${r.abandoned.join(', ')} after ${timeoutMs} ms\n`);
  await slots.flush();
  await watcher.close();
  io.stderr('upwatch run: stopped\n');
  return EXIT.OK;
}
