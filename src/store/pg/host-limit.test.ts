// The shared per-host limit over advisory locks, with two limits standing for two worker processes (each its own
// connection), against the test server.
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, freshSchemaName, testPg } from '../../../test/helpers/pg-test-db.js';
import type { SharedHostLimit } from '../../core/host-limit.js';
import { openPgHostLimit } from './host-limit.js';

const server = await testPg();
const opened: SharedHostLimit[] = [];
afterAll(async () => {
  for (const l of opened) await l.close();
});

function limitOn(schema: string, limit: number): SharedHostLimit {
  const u = new URL(TEST_PG_URL);
  u.searchParams.set('schema', schema);
  const l = openPgHostLimit({ url: u.toString(), limit });
  opened.push(l);
  return l;
}

/** A few round trips to the server: time for a waiting acquire to try again (and wrongly succeed, if it could). */
async function roundTrips(l: SharedHostLimit): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await l.acquire('other.example');
    l.release('other.example');
  }
}

describe.skipIf(!server.up)('openPgHostLimit', () => {
  it('holds the limit across two processes: the third request waits until one of the two is released', async () => {
    const schema = freshSchemaName();
    const a = limitOn(schema, 2);
    const b = limitOn(schema, 2);
    const events: string[] = [];
    await a.acquire('api.example');
    await b.acquire('api.example');
    const third = b.acquire('api.example').then(() => events.push('third acquired'));
    await roundTrips(a);
    events.push('first released');
    a.release('api.example');
    await third;
    expect(events).toEqual(['first released', 'third acquired']);
    // Hosts are counted apart: another host is free.
    await a.acquire('cdn.example');
    a.release('cdn.example');
  });

  it('frees the slots of a process whose connection ends (a worker killed), and counts stores apart', async () => {
    const schema = freshSchemaName();
    const a = limitOn(schema, 1);
    const b = limitOn(schema, 1);
    await a.acquire('api.example');
    // Another store's fleet on the same server has slots of its own.
    const other = limitOn(freshSchemaName(), 1);
    await other.acquire('api.example');
    const events: string[] = [];
    const waiting = b.acquire('api.example').then(() => events.push('b acquired'));
    await roundTrips(b);
    events.push('a closed');
    await a.close();
    await waiting;
    expect(events).toEqual(['a closed', 'b acquired']);
  });

  it('never hands one slot to two requests of the same process at once (advisory locks are re-entrant)', async () => {
    const a = limitOn(freshSchemaName(), 2);
    await Promise.all([a.acquire('api.example'), a.acquire('api.example')]);
    const events: string[] = [];
    const third = a.acquire('api.example').then(() => events.push('third acquired'));
    await roundTrips(a);
    events.push('released');
    a.release('api.example');
    await third;
    expect(events).toEqual(['released', 'third acquired']);
  });
});
