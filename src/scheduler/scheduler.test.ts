import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../core/logger.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { createScheduler } from './scheduler.js';

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
