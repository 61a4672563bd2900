import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { pollSlots } from './poll-slots.js';
import { openStore } from './store.js';

const dir = tempDir('upwatch-slots-');
const at = new Date('2026-03-14T06:00:05Z');

describe('pollSlots', () => {
  it('keeps the last polled slot across store handles, and never moves it back', () => {
    const path = join(dir, 'slots.db');
    const a = openStore(path);
    pollSlots(a).recordSlot('meta', '2026-03-14T06:00:00Z', at);
    pollSlots(a).recordSlot('meta', '2026-03-13T06:00:00Z', at); // a clock set back
    a.close();
    const b = openStore(path);
    expect(pollSlots(b).lastSlot('meta')).toBe('2026-03-14T06:00:00.000Z');
    expect(pollSlots(b).polledSlot('other')).toBeUndefined();
    b.close();
  });

  it('counts a later poll by any command as covering the slot', () => {
    const store = openStore(':memory:');
    const slots = pollSlots(store);
    expect(slots.lastSlot('meta')).toBeUndefined();
    store.recordPoll({
      source: 'meta',
      startedAt: '2026-03-14T06:30:00.000Z',
      finishedAt: '2026-03-14T06:30:02.000Z',
      outcome: 'ok',
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    expect(slots.lastSlot('meta')).toBe('2026-03-14T06:30:00.000Z');
    slots.recordSlot('meta', '2026-03-15T06:00:00.000Z', at);
    expect(slots.lastSlot('meta')).toBe('2026-03-15T06:00:00.000Z');
    store.close();
  });

  it('replaces a slot recorded under a clock set ahead (more than the skew after the time of recording)', () => {
    const store = openStore(':memory:');
    const slots = pollSlots(store);
    slots.recordSlot('meta', '2030-01-01T06:00:00Z', new Date('2030-01-01T06:00:05Z'));
    slots.recordSlot('meta', '2026-03-14T06:00:00Z', at);
    expect(slots.polledSlot('meta')).toBe('2026-03-14T06:00:00.000Z');
    // Within the skew it is trusted: a slot only moves later.
    slots.recordSlot('meta', '2026-03-14T06:04:00Z', at);
    slots.recordSlot('meta', '2026-03-14T05:00:00Z', at);
    expect(slots.polledSlot('meta')).toBe('2026-03-14T06:04:00.000Z');
    store.close();
  });
});
