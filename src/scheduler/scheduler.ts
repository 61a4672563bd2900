// The daemon's schedule (the only node-cron importer): one task per source, no overlap, failures isolated, draining
// stop, at most one poll per slot (also across restarts and clock jumps), late slots run once, catch-up at start.
import { createTask, validate, type ScheduledTask } from 'node-cron';
import { systemClock, type Clock } from '../core/clock.js';
import { CLOCK_SKEW_MS, isAheadOf } from '../core/clock-trust.js';
import type { SourceContract } from '../core/contract.js';
import { UpwatchError, errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { slotCalendar, type SlotCalendar } from './slots.js';

/** Why a cycle runs. */
export type RunReason = 'scheduled' | 'late' | 'catch-up' | 'now';

/** The slot a cycle serves and why it runs. */
export interface SlotRun {
  /** ISO instant of the schedule slot this cycle stands for. */
  slot: string;
  reason: RunReason;
}

/**
 * Where the last polled slot of each source is kept (the store's `pollSlots`; in memory when not given).
 *
 * @example
 * const book: SlotBook = await cachedSlotBook(store.slots, names);
 */
export interface SlotBook {
  /** ISO instant up to which the source's slots are covered (the last slot polled, or a later poll), if any. */
  lastSlot(source: string): string | undefined;
  /** Record that `slot` was polled (never moves back, unless the stored slot lies ahead of `at` beyond the skew). */
  recordSlot(source: string, slot: string, at: Date): void;
}

export interface SchedulerOptions {
  sources: readonly SourceContract[];
  /** One cycle for a source. A throw is logged and reported; the other sources keep their schedule. */
  run: (source: SourceContract, slot: SlotRun) => Promise<unknown>;
  logger?: Logger;
  /** Called after each run, with its result or error. */
  onRun?: (
    source: string,
    outcome: { ok: true; result: unknown } | { ok: false; error: unknown },
    slot: SlotRun,
  ) => void;
  /** Last polled slots; default an in-memory book (no catch-up across restarts). */
  slots?: SlotBook;
  /** "Now" for catch-up and manual runs; default the system clock. node-cron itself reads the system clock. */
  clock?: Clock;
}

export interface StopResult {
  /** True when every in-flight run finished within the timeout. */
  drained: boolean;
  /** Sources still running when the timeout passed. */
  abandoned: string[];
}

/** What `catchUp()` decided for one source. */
export interface CatchUpDecision {
  source: string;
  /** The most recent slot before now (absent when the schedule names none within the lookback). */
  slot?: string;
  /** The last slot known to be polled. */
  lastSlot?: string;
  /** True when a catch-up poll was started. */
  due: boolean;
  /** Plain words: why it is (not) polled now. */
  reason: string;
}

/**
 * A scheduler. `start()` and `stop()` are idempotent; `stop()` stops new fires and waits for running cycles.
 *
 * @example
 * const s = createScheduler({ sources, slots: await cachedSlotBook(store.slots, names), run: (src) => runCycle(deps, src) });
 * s.start(); s.catchUp(); … await s.stop(30_000);
 */
export interface Scheduler {
  start(): void;
  stop(timeoutMs: number): Promise<StopResult>;
  /**
   * Poll once every source whose most recent slot before now is later than its last polled slot (node-cron keeps
   * nothing across restarts). At most one poll per source, for the latest slot only; never a backfill.
   */
  catchUp(): CatchUpDecision[];
  /** Run one source now (or every source), outside its schedule, skipping sources already running. */
  runNow(source?: string): Promise<void>;
  /** Names of sources with a cycle in flight. */
  running(): string[];
  /** Resolves when no cycle is in flight. */
  idle(): Promise<void>;
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

/** A SlotBook that forgets on exit. */
export function memorySlotBook(): SlotBook {
  const slots = new Map<string, string>();
  return {
    lastSlot: (source) => slots.get(source),
    recordSlot(source, slot, at) {
      const prev = slots.get(source);
      if (prev === undefined || Date.parse(slot) > Date.parse(prev) || isAheadOf(prev, at, CLOCK_SKEW_MS))
        slots.set(source, slot);
    },
  };
}

const iso = (d: Date) => d.toISOString();

/** Create the scheduler (tasks are created stopped; nothing fires before `start()`). */
// eslint-disable-next-line max-lines-per-function -- the scheduler's start, stop and slot bookkeeping share one state in a closure (idempotent start/stop, draining)
export function createScheduler(options: SchedulerOptions): Scheduler {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const book = options.slots ?? memorySlotBook();
  checkSchedules(options.sources);
  const inFlight = new Map<string, Promise<void>>();
  /** Highest slot started per source in this process (the book holds the finished ones). */
  const claimed = new Map<string, number>();
  /** Late slots reported by node-cron, run once after the current beat (so a slot it runs on time wins). */
  const late = new Map<string, { slots: number[]; timer: NodeJS.Timeout }>();
  const tasks: ScheduledTask[] = [];
  const calendars = new Map<string, SlotCalendar>();
  let state: 'idle' | 'started' | 'stopped' = 'idle';

  const calendar = (source: SourceContract) => {
    let c = calendars.get(source.name);
    if (!c) calendars.set(source.name, (c = slotCalendar(source.schedule, source.timezone || 'UTC')));
    return c;
  };

  /**
   * The last slot covered, when the clock can be trusted with it. A slot more than CLOCK_SKEW_MS ahead of now was
   * recorded under a clock set ahead (or the clock is behind now): it is a clock fault, logged and not waited for,
   * or the source would not be polled again until the clock caught up with it (years, for a clock set to 2030).
   */
  const coveredUntil = (name: string): number => {
    const stored = book.lastSlot(name);
    const covered = Math.max(
      claimed.get(name) ?? Number.NEGATIVE_INFINITY,
      stored ? Date.parse(stored) : Number.NEGATIVE_INFINITY,
    );
    const now = clock.now();
    if (covered <= now.getTime() + CLOCK_SKEW_MS) return covered;
    logger.warn('last polled slot is ahead of the clock; not trusted (clock fault), polling anyway', {
      source: name,
      lastSlot: iso(new Date(covered)),
      now: iso(now),
    });
    claimed.delete(name);
    return Number.NEGATIVE_INFINITY;
  };

  const cycle = (source: SourceContract, run: SlotRun): Promise<void> => {
    const running = inFlight.get(source.name);
    if (running) {
      logger.warn('cycle still running; fire skipped', { source: source.name, slot: run.slot });
      return running;
    }
    const slotMs = Date.parse(run.slot);
    // No slot runs twice: a slot at or before the last one polled (a clock set back, a restart after a jump, a late
    // slot whose successor already ran) is skipped. A manual run ("now") always runs.
    if (run.reason !== 'now' && slotMs <= coveredUntil(source.name)) {
      logger.info('slot already polled; skipped', {
        source: source.name,
        slot: run.slot,
        reason: run.reason,
      });
      return Promise.resolve();
    }
    claimed.set(source.name, Math.max(claimed.get(source.name) ?? slotMs, slotMs));
    const p = (async () => {
      try {
        const result = await options.run(source, run);
        options.onRun?.(source.name, { ok: true, result }, run);
      } catch (e) {
        // One failing source never stops the others: report and keep the schedule.
        logger.error('cycle failed', { source: source.name, error: errorMessage(e) });
        options.onRun?.(source.name, { ok: false, error: e }, run);
      } finally {
        inFlight.delete(source.name);
        try {
          // A failed cycle still used its slot (its poll is recorded as "could not verify"): the next slot retries.
          book.recordSlot(source.name, run.slot, clock.now());
        } catch (e) {
          logger.error('could not record the polled slot', { source: source.name, error: errorMessage(e) });
        }
      }
    })();
    inFlight.set(source.name, p);
    return p;
  };

  const onLate = (source: SourceContract, slot: Date) => {
    if (state !== 'started') return;
    logger.warn('schedule slot missed (late wake-up or clock jump)', {
      source: source.name,
      slot: iso(slot),
    });
    const pending = late.get(source.name);
    if (pending) {
      pending.slots.push(slot.getTime());
      return;
    }
    const entry = {
      slots: [slot.getTime()],
      timer: setTimeout(() => {
        late.delete(source.name);
        if (state !== 'started') return;
        const latest = Math.max(...entry.slots);
        if (latest <= coveredUntil(source.name)) {
          logger.info('missed slot not run: a later slot already ran', { source: source.name });
          return;
        }
        if (entry.slots.length > 1)
          logger.warn('several slots missed; running only the latest', {
            source: source.name,
            missed: entry.slots.length,
          });
        void cycle(source, { slot: iso(new Date(latest)), reason: 'late' });
      }, 0),
    };
    late.set(source.name, entry);
  };

  for (const source of options.sources) {
    const task = createTask(
      source.schedule,
      (ctx) => {
        if (state !== 'started') return;
        return cycle(source, { slot: iso(ctx.date), reason: 'scheduled' });
      },
      { name: `upwatch:${source.name}`, timezone: source.timezone || 'UTC', noOverlap: true },
    );
    task.on('execution:overlap', () =>
      logger.warn('schedule fired while the last cycle runs', { source: source.name }),
    );
    task.on('execution:missed', (ctx) => onLate(source, ctx.date));
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
        for (const l of late.values()) clearTimeout(l.timer);
        late.clear();
        for (const c of calendars.values()) c.dispose();
        calendars.clear();
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
    catchUp() {
      if (state !== 'started') return [];
      const now = clock.now();
      return options.sources.map((source): CatchUpDecision => {
        const prev = calendar(source).previous(now);
        const last = book.lastSlot(source.name);
        const base = { source: source.name, ...(last ? { lastSlot: last } : {}) };
        if (!prev) return { ...base, due: false, reason: 'no slot of its schedule in the last 400 days' };
        const slot = iso(prev);
        const ahead = last !== undefined && isAheadOf(last, now, CLOCK_SKEW_MS);
        if (last !== undefined && !ahead && prev.getTime() <= Date.parse(last))
          return { ...base, slot, due: false, reason: `up to date (slot ${slot} polled)` };
        if (inFlight.has(source.name))
          return { ...base, slot, due: false, reason: 'a cycle is already running' };
        void cycle(source, { slot, reason: 'catch-up' });
        return {
          ...base,
          slot,
          due: true,
          reason: ahead
            ? `last poll ${last} is ahead of the clock (${iso(now)}): clock fault, not trusted`
            : last
              ? `slot ${slot} was missed (last poll ${last})`
              : `never polled by the daemon (latest slot ${slot})`,
        };
      });
    },
    async runNow(name) {
      if (state === 'stopped') return;
      const now = clock.now();
      const chosen = options.sources.filter((s) => name === undefined || s.name === name);
      // A manual poll covers every slot up to now, so a late or catch-up run of one of them is not repeated.
      await Promise.all(
        chosen.map((s) => cycle(s, { slot: iso(calendar(s).previous(now) ?? now), reason: 'now' })),
      );
    },
    running: () => [...inFlight.keys()],
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
    },
  };
}
