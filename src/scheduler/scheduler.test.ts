import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { createScheduler, memorySlotBook, type SlotRun } from './scheduler.js';

const NEVER = '0 0 1 1 *'; // fires once a year: runs in these tests come from runNow
const src = (name: string) => ({ ...metaSource('http://127.0.0.1:1', []), name, schedule: NEVER });

describe('createScheduler', () => {
  it('one failing source never stops the others', async () => {
    const ran: string[] = [];
    const logger = new MemoryLogger();
    const s = createScheduler({
      sources: [src('a'), src('b')],
      logger,
      run: (source) => {
        ran.push(source.name);
        return source.name === 'a' ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
    });
    s.start();
    await s.runNow();
    await s.runNow();
    expect(ran.sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(logger.lines.filter((l) => l.msg === 'cycle failed')).toHaveLength(2);
    expect(await s.stop(1000)).toEqual({ drained: true, abandoned: [] });
  });

  it('stop drains an in-flight cycle, and gives up after the timeout', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = createScheduler({ sources: [src('slow')], run: () => gate });
    s.start();
    const running = s.runNow('slow');
    expect(s.running()).toEqual(['slow']);
    expect(await s.stop(20)).toEqual({ drained: false, abandoned: ['slow'] });
    const stopping = s.stop(5_000);
    release();
    expect(await stopping).toEqual({ drained: true, abandoned: [] });
    await running;
    expect(s.running()).toEqual([]);
  });

  it('never runs the same source twice at once', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = createScheduler({ sources: [src('x')], run: () => (calls++, gate) });
    s.start();
    const p1 = s.runNow('x');
    const p2 = s.runNow('x');
    release();
    await Promise.all([p1, p2]);
    expect(calls).toBe(1);
    await s.stop(100);
  });

  it('rejects an invalid schedule with CONFIG_INVALID', () => {
    expect(() =>
      createScheduler({ sources: [{ ...src('bad'), schedule: 'every day' }], run: () => Promise.resolve() }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('catch-up after downtime', () => {
  const daily = (name: string) => ({ ...src(name), schedule: '0 6 * * *' });

  it('polls once each source whose latest slot is later than its last polled slot, never a backfill', async () => {
    const clock = new ManualClock('2026-03-14T09:00:00Z');
    const slots = memorySlotBook();
    slots.recordSlot('missed', '2026-03-11T06:00:00.000Z', clock.now()); // down for three days
    slots.recordSlot('current', '2026-03-14T06:00:00.000Z', clock.now());
    const runs: string[] = [];
    const s = createScheduler({
      sources: [daily('missed'), daily('current'), daily('new')],
      slots,
      clock,
      run: (source, slot) => (runs.push(`${source.name} ${slot.slot} ${slot.reason}`), Promise.resolve()),
    });
    s.start();
    const decisions = s.catchUp();
    await s.idle();
    expect(decisions.map((d) => [d.source, d.due])).toEqual([
      ['missed', true],
      ['current', false],
      ['new', true],
    ]);
    expect(decisions[0]!.reason).toBe(
      'slot 2026-03-14T06:00:00.000Z was missed (last poll 2026-03-11T06:00:00.000Z)',
    );
    expect(decisions[2]!.reason).toContain('never polled');
    expect(runs.sort()).toEqual([
      'missed 2026-03-14T06:00:00.000Z catch-up',
      'new 2026-03-14T06:00:00.000Z catch-up',
    ]);
    // Caught up: a second look (or a restart) polls nothing more until the next slot passes.
    expect(s.catchUp().filter((d) => d.due)).toEqual([]);
    clock.advanceDays(1);
    expect(
      s
        .catchUp()
        .filter((d) => d.due)
        .map((d) => d.source),
    ).toEqual(['missed', 'current', 'new']);
    await s.stop(1000);
  });

  it('a clock set back (within the skew) never runs a polled slot again', async () => {
    const clock = new ManualClock('2026-03-14T05:57:00Z');
    const slots = memorySlotBook();
    slots.recordSlot('a', '2026-03-14T06:00:00.000Z', clock.now());
    let calls = 0;
    const s = createScheduler({
      sources: [daily('a')],
      slots,
      clock,
      run: () => (calls++, Promise.resolve()),
    });
    s.start();
    expect(s.catchUp()[0]).toMatchObject({ due: false, slot: '2026-03-13T06:00:00.000Z' });
    await s.stop(1000);
    expect(calls).toBe(0);
  });

  it('a last slot ahead of the clock beyond the skew is a clock fault: the source is polled anyway, with a warning', async () => {
    const clock = new ManualClock('2026-03-14T09:00:00Z');
    const logger = new MemoryLogger();
    const slots = memorySlotBook();
    slots.recordSlot('a', '2030-01-01T06:00:00.000Z', new Date('2030-01-01T06:00:00Z')); // under a clock in 2030
    slots.recordSlot('b', '2026-03-14T09:04:00.000Z', clock.now()); // within the skew: trusted
    const runs: string[] = [];
    const s = createScheduler({
      sources: [daily('a'), daily('b')],
      slots,
      clock,
      logger,
      run: (source, slot) => (runs.push(`${source.name} ${slot.reason}`), Promise.resolve()),
    });
    s.start();
    const [a, b] = s.catchUp();
    await s.idle();
    expect(a).toMatchObject({ due: true, slot: '2026-03-14T06:00:00.000Z' });
    expect(a!.reason).toContain('ahead of the clock');
    expect(b).toMatchObject({ due: false });
    expect(runs).toEqual(['a catch-up']);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('ahead of the clock'))).toBe(true);
    // The slot it ran replaces the untrusted one: the next look is up to date.
    expect(slots.lastSlot('a')).toBe('2026-03-14T06:00:00.000Z');
    expect(s.catchUp()[0]).toMatchObject({ due: false });
    await s.stop(1000);
  });

  it('a manual run covers the slots before it', async () => {
    const clock = new ManualClock('2026-03-14T09:00:00Z');
    const slots = memorySlotBook();
    const s = createScheduler({ sources: [daily('a')], slots, clock, run: () => Promise.resolve() });
    s.start();
    await s.runNow();
    expect(slots.lastSlot('a')).toBe('2026-03-14T06:00:00.000Z');
    expect(s.catchUp()[0]!.due).toBe(false);
    await s.stop(1000);
  });
});

describe('late wake-ups and clock jumps (node-cron on fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(schedule: string, hold?: Promise<void>) {
    const logger = new MemoryLogger();
    const runs: SlotRun[] = [];
    const slots = memorySlotBook();
    const s = createScheduler({
      sources: [{ ...src('s'), schedule }],
      logger,
      slots,
      run: (_source, slot) => (runs.push(slot), hold ?? Promise.resolve()),
    });
    return { s, logger, runs, slots };
  }
  const missed = (logger: MemoryLogger) =>
    logger.lines.filter((l) => l.msg.startsWith('schedule slot missed'));

  it('an event-loop stall reports the missed slot and runs it once, late', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-14T10:00:59.000Z') });
    const { s, logger, runs } = setup('* * * * *');
    s.start();
    vi.setSystemTime(new Date('2026-03-14T10:01:03.000Z')); // the loop was blocked for 4 s across the slot
    await vi.advanceTimersByTimeAsync(1_010);
    expect(missed(logger).map((l) => l.fields?.['slot'])).toEqual(['2026-03-14T10:01:00.000Z']);
    expect(runs).toEqual([{ slot: '2026-03-14T10:01:00.000Z', reason: 'late' }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs.map((r) => r.slot)).toEqual(['2026-03-14T10:01:00.000Z', '2026-03-14T10:02:00.000Z']);
    await s.stop(1000);
  });

  it('a late slot still running when the next one fires is not overlapped', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-14T10:00:59.000Z') });
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const { s, logger, runs } = setup('* * * * *', hold);
    s.start();
    vi.setSystemTime(new Date('2026-03-14T10:01:03.000Z'));
    await vi.advanceTimersByTimeAsync(61_000);
    expect(runs.map((r) => r.reason)).toEqual(['late']);
    expect(logger.lines.some((l) => l.msg === 'cycle still running; fire skipped')).toBe(true);
    release();
    await s.stop(1000);
  });

  it('a clock jump forward of an hour runs only the latest slot', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-14T10:30:00.000Z') });
    const { s, logger, runs } = setup('0 * * * *');
    s.start();
    vi.setSystemTime(new Date('2026-03-14T11:30:00.000Z'));
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(missed(logger).map((l) => l.fields?.['slot'])).toEqual(['2026-03-14T11:00:00.000Z']);
    expect(runs).toEqual([{ slot: '2026-03-14T12:00:00.000Z', reason: 'scheduled' }]);
    await s.stop(1000);
  });

  it('a clock jump backward never runs a slot twice', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-14T10:59:59.000Z') });
    const { s, logger, runs } = setup('0 * * * *');
    s.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.map((r) => r.slot)).toEqual(['2026-03-14T11:00:00.000Z']);
    // Set back an hour, then restart (node-cron forgets; the slot book does not): 11:00 comes round again.
    vi.setSystemTime(new Date('2026-03-14T10:00:01.000Z'));
    await s.stop(1000);
    const again = createScheduler({
      sources: [{ ...src('s'), schedule: '0 * * * *' }],
      logger,
      slots: { lastSlot: () => '2026-03-14T11:00:00.000Z', recordSlot: () => undefined },
      run: (_source, slot) => (runs.push(slot), Promise.resolve()),
    });
    again.start();
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    expect(runs.map((r) => r.slot)).toEqual(['2026-03-14T11:00:00.000Z', '2026-03-14T12:00:00.000Z']);
    expect(logger.lines.filter((l) => l.msg === 'slot already polled; skipped')).toHaveLength(1);
    await again.stop(1000);
  });
});
