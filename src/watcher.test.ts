import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractSet } from './core/contract.js';
import { isUpwatchError } from './core/errors.js';
import { createWatcher } from './watcher.js';
import { httpJsonSource } from '../test/helpers/contracts.js';
import { fixedClock } from '../test/helpers/fixed-clock.js';
import { startJsonApiServer } from '../test/helpers/json-api-server.js';
import type { LoopbackServer } from '../test/helpers/loopback-server.js';
import { startSmtpSink, type SmtpSink } from '../test/helpers/smtp-sink.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import type { SqliteStore } from './store/store.js';

const dir = tempDir('upwatch-watcher-');
const loc = { file: 'contracts/test.yaml', line: 1, col: 1 };
const WIDE = { records: 'data', entity: 'account', time: 'date', next: 'next' };
let api: LoopbackServer;
let sink: SmtpSink;

beforeAll(async () => {
  api = await startJsonApiServer({ metrics: ['visits'] });
  sink = await startSmtpSink();
});
afterAll(async () => {
  await api.close();
  await sink.close();
});

function contracts(): ContractSet {
  const source = httpJsonSource(`${api.url}/v2/stats?since={since}&until={until}&account=acme`, WIDE, [
    'visits',
  ]);
  return {
    root: dir,
    files: [],
    sources: [source],
    features: [
      {
        name: 'visits_7d',
        owners: ['ml@example.com'],
        uses: [{ source: source.name, metric: 'visits', location: loc }],
        policy: { blockOn: ['block'], warnOn: ['warn'] },
        location: loc,
      },
    ],
  };
}

describe('createWatcher', () => {
  it('runs a cycle into its store, gates the features, and closes everything once', async () => {
    const set = contracts();
    const w = createWatcher({
      db: join(dir, 'cycle.db'),
      contracts: set,
      secrets: () => undefined,
      clock: fixedClock(),
      snapshotsDir: join(dir, 'snapshots'),
    });
    const r = await w.cycle(set.sources[0]!);
    expect(r.poll.outcome).toBe('ok');
    expect((await w.store.lastPoll('partner'))?.observationCount).toBe(r.poll.observationCount);
    expect(r.poll.observationCount).toBeGreaterThan(0);
    expect((await w.gate()).features.map((f) => [f.feature, f.state])).toEqual([['visits_7d', 'ok']]);
    expect(w.mailRelay()).toBeUndefined();
    expect(await w.deliverDue()).toBeUndefined();
    await w.close();
    await w.close();
    expect((w.store as SqliteStore).db.open).toBe(false);
  });

  it('builds one relay from the SMTP URL, reports a malformed one as CONFIG_INVALID, and closes the relay', async () => {
    const base = { contracts: contracts(), secrets: () => undefined, clock: fixedClock() };
    const bad = createWatcher({ ...base, db: ':memory:', mail: { smtpUrl: 'not a url' } });
    try {
      expect(() => bad.mailRelay()).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    } finally {
      await bad.close();
    }
    const w = createWatcher({
      ...base,
      db: ':memory:',
      mail: { smtpUrl: sink.url(), from: 'ops@example.com' },
    });
    const relay = w.mailRelay();
    expect(relay?.settings?.from).toBe('ops@example.com');
    expect(w.mailRelay()).toBe(relay);
    expect(await w.deliverDue()).toEqual({ claimed: 0, sent: 0, retried: 0, dead: 0, dropped: 0 });
    await w.close();
    expect((w.store as SqliteStore).db.open).toBe(false);
  });

  it('reports a store that cannot be opened as an UpwatchError', () => {
    let thrown: unknown;
    try {
      createWatcher({
        contracts: contracts(),
        secrets: () => undefined,
        clock: fixedClock(),
        db: join(dir, 'missing', 'x', '\0.db'),
      });
    } catch (e) {
      thrown = e;
    }
    expect(isUpwatchError(thrown)).toBe(true);
  });
});
