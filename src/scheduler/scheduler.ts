// The daemon's schedule (the only node-cron importer): one task per source, no overlap, failures isolated, draining stop.
import { createTask, validate, type ScheduledTask } from 'node-cron';
import type { SourceContract } from '../core/contract.js';
import { UpwatchError, errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';

export interface SchedulerOptions {
  sources: readonly SourceContract[];
  /** One cycle for a source. A throw is logged and reported; the other sources keep their schedule. */
  run: (source: SourceContract) => Promise<unknown>;
  logger?: Logger;
  /** Called after each run, with its result or error. */
  onRun?: (source: string, outcome: { ok: true; result: unknown } | { ok: false; error: unknown }) => void;
}

export interface StopResult {
  /** True when every in-flight run finished within the timeout. */
  drained: boolean;
  /** Sources still running when the timeout passed. */
  abandoned: string[];
}

/**
 * A scheduler. `start()` and `stop()` are idempotent; `stop()` stops new fires and waits for running cycles.
 *
 * @example
 * const s = createScheduler({ sources, run: (src) => runCycle(deps, src) });
 * s.start(); … await s.stop(30_000);
 */
export interface Scheduler {
  start(): void;
  stop(timeoutMs: number): Promise<StopResult>;
  /** Run one source now (or every source), outside its schedule, skipping sources already running. */
  runNow(source?: string): Promise<void>;
  /** Names of sources with a cycle in flight. */
  running(): string[];
}

/** Check every schedule before starting; an invalid cron expression is a CONFIG_INVALID error. */
export function checkSchedules(sources: readonly SourceContract[]): void {
  for (const s of sources) {
    if (!validate(s.schedule)) {
      throw new UpwatchError('CONFIG_INVALID', `source ${s.name}: invalid schedule "${s.schedule}"`, {
        hint: 'use a five-field cron expression, e.g. "0 7 * * *"',
      });
    }
  }
}

/** Create the scheduler (tasks are created stopped; nothing fires before `start()`). */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const logger = options.logger ?? silentLogger;
  checkSchedules(options.sources);
  const inFlight = new Map<string, Promise<void>>();
  const tasks: ScheduledTask[] = [];
  let state: 'idle' | 'started' | 'stopped' = 'idle';

  const cycle = (source: SourceContract): Promise<void> => {
    const running = inFlight.get(source.name);
    if (running) {
      logger.warn('cycle still running; fire skipped', { source: source.name });
      return running;
    }
    const p = (async () => {
      try {
        const result = await options.run(source);
        options.onRun?.(source.name, { ok: true, result });
      } catch (e) {
        // One failing source never stops the others: report and keep the schedule.
        logger.error('cycle failed', { source: source.name, error: errorMessage(e) });
        options.onRun?.(source.name, { ok: false, error: e });
      } finally {
        inFlight.delete(source.name);
      }
    })();
    inFlight.set(source.name, p);
    return p;
  };

  for (const source of options.sources) {
    const task = createTask(
      source.schedule,
      () => {
        if (state !== 'started') return;
        return cycle(source);
      },
      { name: `upwatch:${source.name}`, timezone: source.timezone || 'UTC', noOverlap: true },
    );
    task.on('execution:overlap', () =>
      logger.warn('schedule fired while the last cycle runs', { source: source.name }),
    );
    task.on('execution:missed', () => logger.warn('schedule slot missed', { source: source.name }));
    tasks.push(task);
  }

  return {
    start() {
      if (state !== 'idle') return;
      state = 'started';
      for (const t of tasks) void t.start();
      logger.info('scheduler started', { sources: options.sources.length });
    },
    async stop(timeoutMs) {
      if (state !== 'stopped') {
        state = 'stopped';
        for (const t of tasks) {
          await t.stop();
          await t.destroy();
        }
      }
      const pending = [...inFlight.values()];
      if (pending.length === 0) return { drained: true, abandoned: [] };
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), timeoutMs);
      });
      const r = await Promise.race([Promise.allSettled(pending).then(() => 'drained' as const), timedOut]);
      clearTimeout(timer);
      return r === 'drained'
        ? { drained: true, abandoned: [] }
        : { drained: false, abandoned: [...inFlight.keys()] };
    },
    async runNow(name) {
      if (state === 'stopped') return;
      const chosen = options.sources.filter((s) => name === undefined || s.name === name);
      await Promise.all(chosen.map(cycle));
    },
    running: () => [...inFlight.keys()],
  };
}
