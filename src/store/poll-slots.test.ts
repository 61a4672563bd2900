import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { openStore } from './store.js';

const dir = tempDir('upwatch-slots-');
const at = new Date('2026-03-14T06:00:05Z');

describe('pollSlots', () => {
  it('keeps the last polled slot across store handles, and never moves it back', async () => {
    const path = join(dir, 'slots.db');
    const a = openStore(path);
    await a.slots.recordSlot('meta', '2026-03-14T06:00:00Z', at);
    await a.slots.recordSlot('meta', '2026-03-13T06:00:00Z', at); // a clock set back
    await a.close();
    const b = openStore(path);
    expect(await b.slots.lastSlot('meta')).toBe('2026-03-14T06:00:00.000Z');
    expect(await b.slots.polledSlot('other')).toBeUndefined();
    await b.close();
  });

  it('counts a later poll by any command as covering the slot', async () => {
    const store = openStore(':memory:');
    const slots = store.slots;
    expect(await slots.lastSlot('meta')).toBeUndefined();
    await store.recordPoll({
      source: 'meta',
      startedAt: '2026-03-14T06:30:00.000Z',
      finishedAt: '2026-03-14T06:30:02.000Z',
      outcome: 'ok',
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    expect(await slots.lastSlot('meta')).toBe('2026-03-14T06:30:00.000Z');
    await slots.recordSlot('meta', '2026-03-15T06:00:00.000Z', at);
    expect(await slots.lastSlot('meta')).toBe('2026-03-15T06:00:00.000Z');
    await store.close();
  });

  it('replaces a slot recorded under a clock set ahead (more than the skew after the time of recording)', async () => {
    const store = openStore(':memory:');
    const slots = store.slots;
    await slots.recordSlot('meta', '2030-01-01T06:00:00Z', new Date('2030-01-01T06:00:05Z'));
    await slots.recordSlot('meta', '2026-03-14T06:00:00Z', at);
    expect(await slots.polledSlot('meta')).toBe('2026-03-14T06:00:00.000Z');
    // Within the skew it is trusted: a slot only moves later.
    await slots.recordSlot('meta', '2026-03-14T06:04:00Z', at);
    await slots.recordSlot('meta', '2026-03-14T05:00:00Z', at);
    expect(await slots.polledSlot('meta')).toBe('2026-03-14T06:04:00.000Z');
    await store.close();
  });
});
