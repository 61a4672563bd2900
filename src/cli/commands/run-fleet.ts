// `upwatch run --role scheduler|worker`: the daemon split over processes that share one PostgreSQL store and a
// pg-boss queue. Schedulers enqueue each due (source, slot) once; workers poll, store, detect, gate and send mail.
import { UpwatchError, errorMessage } from '../../core/errors.js';
import type { SharedHostLimit } from '../../core/host-limit.js';
import type { Logger } from '../../core/logger.js';
import { openFleetQueue, queueSchemaFor, type FleetQueue, type QueueTimings } from '../../fleet/queue.js';
import { slotJobHandler } from '../../fleet/worker.js';
import { createScheduler, type Scheduler } from '../../scheduler/scheduler.js';
import { cachedSlotBook } from '../../scheduler/slot-cache.js';
import { isStoreUrl } from '../../store/open.js';
import type { CycleResult } from '../../pipeline/cycle.js';
import { EXIT, type CliIO, type ExitCode } from '../io.js';
import type { OpenedWatcher } from '../open-watcher.js';
import { describeCycle } from './poll.js';

/** The roles of `upwatch run`. */
export const RUN_ROLES = ['all', 'scheduler', 'worker'] as const;
export type RunRole = (typeof RUN_ROLES)[number];

/** Check `--role` against the store before anything is opened: the fleet roles need a PostgreSQL store. */
export function checkRole(role: string, db: string, flags: { pollOnStart?: boolean } = {}): RunRole {
  if (!(RUN_ROLES as readonly string[]).includes(role))
    throw new UpwatchError('USAGE', `unknown --role "${role}"`, { hint: 'use all, scheduler or worker' });
  if (role !== 'all' && !isStoreUrl(db))
    throw new UpwatchError('USAGE', `--role ${role} needs a PostgreSQL store, not the SQLite file ${db}`, {
      hint: 'pass --db postgres://…[?schema=NAME] (or UPWATCH_DB); on one machine use --role all (the default)',
    });
  // A fleet polls each slot once: a forced poll of slots already polled has no place in it (and was ignored before).
  if (role !== 'all' && flags.pollOnStart === true)
    throw new UpwatchError('USAGE', `--poll-on-start does not apply to --role ${role}`, {
      hint: 'a scheduler already enqueues the slots missed while it was down; to poll now, run `upwatch poll --db …`',
    });
  return role as RunRole;
}

/** The store schema named by a `postgres://` URL (`?schema=`, default `public`). */
function storeSchemaOf(url: string): string {
  return new URL(url).searchParams.get('schema') ?? 'public';
}

/** A started fleet role: what to stop on SIGTERM. */
export interface FleetRole {
  describe: string;
  stop(timeoutMs: number): Promise<{ drained: boolean; abandoned: string[] }>;
}

/** Open the pg-boss queue beside the store (`<schema>_pgboss`, or `pgboss` for `public`). */
export function openQueueFor(opened: OpenedWatcher, timings: Partial<QueueTimings>): Promise<FleetQueue> {
  return openFleetQueue({
    url: opened.settings.db,
    schema: queueSchemaFor(storeSchemaOf(opened.settings.db)),
    timings,
    logger: opened.watcher.logger,
  });
}

/**
 * The scheduler role: the daemon's scheduler and catch-up, with each due slot enqueued instead of polled. Its slot
 * book reads the store at start and never writes it (the worker that polls a slot records it with the poll).
 */
export async function startSchedulerRole(
  io: CliIO,
  opened: OpenedWatcher,
  queue: FleetQueue,
): Promise<FleetRole> {
  const { watcher, sources } = opened;
  const log = watcher.logger;
  const slots = await cachedSlotBook(
    { lastSlot: (s) => watcher.store.slots.lastSlot(s), recordSlot: () => Promise.resolve() },
    sources.map((s) => s.name),
    log,
  );
  const scheduler: Scheduler = createScheduler({
    sources,
    logger: log,
    slots,
    clock: io.clock,
    run: async (source, run) => {
      const created = await queue.enqueue({ source: source.name, slot: run.slot });
      io.stderr(
        `upwatch run: ${created ? 'enqueued' : 'already queued'} ${source.name} slot ${run.slot} (${run.reason})\n`,
      );
    },
  });
  scheduler.start();
  const decisions = scheduler.catchUp();
  for (const d of decisions.filter((x) => x.due))
    io.stderr(`upwatch run: catch-up: ${d.source}: ${d.reason}\n`);
  await scheduler.idle();
  return {
    describe: `scheduler of ${sources.length} source(s); queue schema ${queue.schema}`,
    stop: async (timeoutMs) => {
      const r = await scheduler.stop(timeoutMs);
      await queue.stop(timeoutMs);
      return r;
    },
  };
}

/** The worker role: `concurrency` jobs at a time, each one cycle for its source and slot, plus the mail relay. */
export async function startWorkerRole(
  io: CliIO,
  opened: OpenedWatcher,
  queue: FleetQueue,
  concurrency: number,
): Promise<FleetRole> {
  const { watcher, sources } = opened;
  const running = new Set<string>();
  const handler = slotJobHandler({
    sources,
    cycle: async (source, slot) => {
      running.add(source.name);
      try {
        return await watcher.cycle(source, { slot });
      } finally {
        running.delete(source.name);
      }
    },
    polledSlot: (s) => watcher.store.slots.polledSlot(s),
    logger: watcher.logger,
    onDone: (job, outcome, result) => {
      if (outcome === 'polled') io.stdout(`${job.slot}  ${describeCycle(result as CycleResult)}`);
      else io.stderr(`upwatch run: ${job.source} slot ${job.slot}: ${outcome}\n`);
    },
  });
  await queue.work(concurrency, handler);
  return {
    describe: `worker (${concurrency} job(s) at a time) for ${sources.length} source(s); queue schema ${queue.schema}; store ${watcher.store.path}`,
    stop: async (timeoutMs) => {
      const busy = [...running];
      await queue.stop(timeoutMs);
      return { drained: running.size === 0, abandoned: running.size === 0 ? [] : busy };
    },
  };
}

/** The flags of `upwatch run` that the fleet roles read. */
export interface FleetFlags {
  role: RunRole;
  concurrency: string;
  jobExpiry: string;
  drainTimeout: string;
}

/** Wait for SIGINT or SIGTERM. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** A positive whole number from a flag, or a USAGE error naming the flag. */
export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UpwatchError('USAGE', `${flag} must be a whole number ≥ 1 (got "${value}")`);
  return n;
}

/**
 * Run a scheduler or a worker until SIGINT/SIGTERM, then drain. Returns the exit code. The watcher is closed here,
 * also when the queue cannot start.
 */
export async function runFleetRole(io: CliIO, opened: OpenedWatcher, flags: FleetFlags): Promise<ExitCode> {
  const { watcher } = opened;
  // pg-boss completes a job without waiting for the answer: when the database connection drops at that moment the
  // rejection reaches no one. Logged here, not fatal: the job is then retried when it expires.
  const unhandled = (e: unknown) =>
    watcher.logger.error('unhandled failure in the job queue; the job is retried when it expires', {
      error: errorMessage(e),
    });
  process.on('unhandledRejection', unhandled);
  try {
    return await runRole(io, opened, flags);
  } finally {
    process.off('unhandledRejection', unhandled);
  }
}

async function runRole(io: CliIO, opened: OpenedWatcher, flags: FleetFlags): Promise<ExitCode> {
  const { watcher } = opened;
  let role: FleetRole;
  try {
    const concurrency = positiveInt('--concurrency', flags.concurrency);
    const queue = await openQueueFor(opened, {
      expireSeconds: positiveInt('--job-expiry', flags.jobExpiry),
    });
    if (flags.role === 'scheduler') role = await startSchedulerRole(io, opened, queue);
    else {
      role = await startWorkerRole(io, opened, queue, concurrency);
      watcher.mailRelay()?.relay.start();
      if (!opened.settings.smtpUrl)
        io.stderr('upwatch run: UPWATCH_SMTP_URL is not set: alert mail is queued in the store, not sent\n');
    }
  } catch (e) {
    await watcher.close();
    throw e;
  }
  io.stderr(`upwatch run: ${role.describe}\n`);
  const signal = await stopSignal();
  const timeoutMs = Math.max(0, Number(flags.drainTimeout) || 30) * 1000;
  io.stderr(`upwatch run: ${signal} received, draining\n`);
  const r = await role.stop(timeoutMs);
  if (!r.drained)
    io.stderr(`upwatch run: gave up waiting for ${r.abandoned.join(', ')} after ${timeoutMs} ms\n`);
  await watcher.close();
  io.stderr('upwatch run: stopped\n');
  return EXIT.OK;
}

/**
 * The opener of a worker's per-host limit shared over the store's PostgreSQL server (advisory locks), loaded only for
 * the worker role so that `--role all` on SQLite never loads the PostgreSQL client.
 */
export async function sharedHostLimitOpener(): Promise<
  (db: string, limit: number, logger: Logger) => SharedHostLimit
> {
  const { openPgHostLimit } = await import('../../store/pg/host-limit.js');
  return (db, limit, logger) => openPgHostLimit({ url: db, limit, logger });
}
