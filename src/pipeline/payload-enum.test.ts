// Enum tracking through the real poll path: loopback HTTP → http-json provider → SQLite file → detection.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpJsonSource } from '../../test/helpers/contracts.js';
import { startLoopbackServer, type LoopbackServer } from '../../test/helpers/loopback-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { openStore } from '../store/store.js';
import { detectSource } from './detect.js';
import { pollSource } from './poll-source.js';

let api: LoopbackServer;
let channel = 'organic';
beforeAll(async () => {
  api = await startLoopbackServer({
    handle: (req) => {
      const day = new URL(req.url ?? '/', 'http://x').searchParams.get('until') ?? '2026-03-01';
      return {
        body: {
          data: ['acme', 'beta'].map((account, i) => ({
            account,
            date: day,
            visits: 100 + i,
            channel: i === 0 ? channel : 'paid',
          })),
        },
      };
    },
  });
});
afterAll(() => api.close());

describe('payload enums through pollSource and detectSource', () => {
  it('keeps string values in the stored schema and reports a value the baseline never carried', async () => {
    const file = join(tempDir('upwatch-enum-'), 'upwatch.db');
    const source = httpJsonSource(
      `${api.url}/v2/stats?since={since}&until={until}`,
      { records: 'data', entity: 'account', time: 'date' },
      ['visits'],
    );
    const deps = testDeps({ store: openStore(file), now: '2026-03-01T06:00:00Z' });
    for (let i = 0; i < 15; i++) {
      if (i === 14) channel = 'referral';
      const poll = await pollSource(deps, source);
      expect(poll.outcome).toBe('ok');
      if (i < 14) deps.clock.advanceDays(1);
    }
    await deps.store.close();
    // A fresh connection reads what was written, not a cached poll.
    const store = openStore(file, { readonly: true });
    const last = (await store.recentPolls('partner', 1))[0]!;
    expect(last.payloadSchema?.['$.data[].channel']).toEqual({ string: 2, strings: ['referral', 'paid'] });
    const findings = await detectSource(store, source, deps.clock.now(), []);
    await store.close();
    const schema = findings.filter((f) => f.class === 'schema');
    expect(schema).toHaveLength(1);
    expect(schema[0]).toMatchObject({
      severity: 'warn',
      subject: 'enum:$.data[].channel',
      evidence: { change: 'enum-new-value', values: ['referral'], known: ['organic', 'paid'] },
    });
  });
});
