// The fleet's job queue on pg-boss (the only pg-boss importer, loaded only by the scheduler and worker roles): one
// job per (source, schedule slot), enqueued once however many schedulers run, retried when a worker dies.
import { createHash } from 'node:crypto';
import { UpwatchError, errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';

/** One due poll: a source and the ISO instant of the schedule slot it stands for. */
export interface SlotJob {
  source: string;
  slot: string;
}

/** How long a job may run, how it is retried, and how often expired jobs are looked for. */
export interface QueueTimings {
  /** A job still active after this long is taken as lost (its worker died) and retried. Default 900 s. */
  expireSeconds: number;
  /** Wait before a failed or expired job runs again. Default 5 s. */
  retryDelaySeconds: number;
  /** Attempts after the first. Default 3. */
  retryLimit: number;
}

export const DEFAULT_QUEUE_TIMINGS: QueueTimings = {
  expireSeconds: 900,
  retryDelaySeconds: 5,
  retryLimit: 3,
};

export interface FleetQueueOptions {
  /** The store's server, `postgres://…` (its `schema` parameter is not used here). */
  url: string;
  /** pg-boss's own schema (see `queueSchemaFor`). */
  schema: string;
  timings?: Partial<QueueTimings>;
  logger?: Logger;
}

/** A job handed to a worker, with its pg-boss id and how many times it was retried. */
export interface ReceivedJob extends SlotJob {
  id: string;
  retryCount: number;
}

/**
 * The queue. `enqueue` is idempotent per (source, slot); `work` starts `concurrency` fetch loops whose handler's
 * throw fails the job (retried after the delay, or after the expiry when even that cannot be written); `stop` is
 * idempotent and waits for running handlers.
 *
 * @example
 * const q = await openFleetQueue({ url, schema: 'pgboss' });
 * await q.enqueue({ source: 'meta', slot: '2026-12-03T06:00:00.000Z' }); // true, then false for the same slot
 * await q.work(4, async (job) => { await watcher.cycle(sourceNamed(job.source), { slot: job.slot }); });
 * await q.stop(30_000);
 */
export interface FleetQueue {
  readonly schema: string;
  /** True when this call created the job; false when the slot's job was already queued (by any scheduler). */
  enqueue(job: SlotJob): Promise<boolean>;
  work(concurrency: number, handler: (job: ReceivedJob) => Promise<void>): Promise<void>;
  stop(timeoutMs: number): Promise<void>;
}

/** The queue every upwatch fleet process of one store uses. */
export const QUEUE_NAME = 'upwatch-poll';

/**
 * pg-boss's schema for a store schema: `pgboss` beside the default `public`, else `<schema>_pgboss`, so that stores
 * sharing a database (teams, test runs) have queues of their own.
 */
export function queueSchemaFor(storeSchema: string): string {
  return storeSchema === 'public' ? 'pgboss' : `${storeSchema}_pgboss`;
}

/**
 * The job id of a slot: a UUID derived from `source@slot`. pg-boss inserts a job `ON CONFLICT DO NOTHING`, so a
 * second send of the same slot (another scheduler, a restart) creates nothing while the first job is kept.
 */
export function slotJobId(job: SlotJob): string {
  const h = createHash('sha1').update(`upwatch:${job.source}@${job.slot}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Resolve the timings, with the interval pg-boss checks for expired jobs (a quarter of the expiry, 1 s to 60 s). */
function timingsOf(options: FleetQueueOptions): QueueTimings & { maintenanceSeconds: number } {
  const t = { ...DEFAULT_QUEUE_TIMINGS, ...options.timings };
  if (!Number.isInteger(t.expireSeconds) || t.expireSeconds < 1)
    throw new UpwatchError(
      'USAGE',
      `job expiry must be a whole number of seconds ≥ 1 (got ${t.expireSeconds})`,
    );
  return {
    ...t,
    maintenanceSeconds: Math.max(1, Math.min(60, Math.floor(t.expireSeconds / 4))),
  };
}

/** Run `fn`, again (up to 5 times, after a short random wait) when PostgreSQL chose it as a deadlock victim. */
async function retryOnDeadlock(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
      if (code !== '40P01' || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }
}

/**
 * Connect pg-boss to the store's server, create (or migrate) its schema and the poll queue. Throws UpwatchError
 * `STORE_UNAVAILABLE` when the server does not answer or the role may not create pg-boss's schema.
 */

// eslint-disable-next-line max-lines-per-function -- the queue's operations share the started pg-boss instance, its timings and its stop state
export async function openFleetQueue(options: FleetQueueOptions): Promise<FleetQueue> {
  const logger = options.logger ?? silentLogger;
  const t = timingsOf(options);
  // Loaded here only: `upwatch run --role all` on SQLite never loads pg-boss.
  const { default: PgBoss } = await import('pg-boss');
  const url = new URL(options.url);
  url.searchParams.delete('schema');
  const boss = new PgBoss({
    connectionString: url.toString(),
    schema: options.schema,
    application_name: 'upwatch-queue',
    max: 4,
    maintenanceIntervalSeconds: t.maintenanceSeconds,
    schedule: false,
  });
  // pg-boss reports a failed fetch or maintenance here and keeps going; a lost connection is retried by its pool.
  boss.on('error', (e: unknown) => logger.error('job queue error', { error: errorMessage(e) }));
  try {
    await boss.start();
    // Workers and schedulers starting together on a new schema create the queue at once; PostgreSQL may pick one
    // of them as a deadlock victim, which tries again (the queue then exists).
    await retryOnDeadlock(async () => {
      if (await boss.getQueue(QUEUE_NAME)) return;
      await boss.createQueue(QUEUE_NAME, {
        name: QUEUE_NAME,
        policy: 'standard',
        retryLimit: t.retryLimit,
        retryDelay: t.retryDelaySeconds,
        expireInSeconds: t.expireSeconds,
      });
    });
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw new UpwatchError(
      'STORE_UNAVAILABLE',
      `cannot start the job queue in schema ${options.schema}: ${errorMessage(e)}`,
      {
        cause: e,
        retryable: true,
        hint: 'the role needs CREATE on the database (pg-boss creates its schema on first start), see docs/fleet.md',
      },
    );
  }
  /**
   * Mark a job failed so that it is retried after the retry delay. pg-boss would do it without waiting for the
   * answer, and a failure there (the connection dropped with the job) would be an unhandled rejection; here it is
   * tried three times on fresh connections, then left to the expiry, which retries the job too.
   */
  const failJob = async (id: string, error: unknown): Promise<void> => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await boss.fail(QUEUE_NAME, id, { message: errorMessage(error) });
        return;
      } catch (e) {
        if (attempt === 3)
          logger.error('could not mark the job failed; it is retried when it expires', {
            job: id,
            expireSeconds: t.expireSeconds,
            error: errorMessage(e),
          });
        else await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };
  let stopped: Promise<void> | undefined;
  return {
    schema: options.schema,
    async enqueue(job) {
      const id = await boss.send(QUEUE_NAME, job, {
        id: slotJobId(job),
        singletonKey: `${job.source}@${job.slot}`,
        retryLimit: t.retryLimit,
        retryDelay: t.retryDelaySeconds,
        expireInSeconds: t.expireSeconds,
      });
      return id !== null;
    },
    async work(concurrency, handler) {
      for (let i = 0; i < Math.max(1, concurrency); i++)
        await boss.work<SlotJob>(
          QUEUE_NAME,
          { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 0.5 },
          async (jobs) => {
            for (const j of jobs) {
              try {
                await handler({ ...j.data, id: j.id, retryCount: j.retryCount });
              } catch (e) {
                await failJob(j.id, e);
              }
            }
          },
        );
    },
    stop: (timeoutMs) =>
      (stopped ??= boss.stop({ graceful: true, wait: true, timeout: Math.max(1000, timeoutMs) })),
  };
}
