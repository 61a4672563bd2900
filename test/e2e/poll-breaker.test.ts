// The circuit breaker against real loopback faults: a closed port, a server that never answers, a 5xx burst; one
// "source unreachable" finding per outage; the open breaker survives a new store handle on the same SQLite file.
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractSet, FeatureContract, SourceContract } from '../../src/core/contract.js';
import { runCycle, type CycleDeps, type CycleResult } from '../../src/pipeline/cycle.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { openStore, type Store } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { httpJsonSource } from '../helpers/contracts.js';
import { startLoopbackServer, type FaultMode, type LoopbackServer } from '../helpers/loopback-server.js';
import { testDeps } from '../helpers/poll-deps.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('upwatch-e2e-breaker-');
const WIDE = { records: 'data', entity: 'account', time: 'date', next: 'next' };
const loc = { file: 'contracts/test.yaml', line: 1, col: 1 };
let mode: FaultMode = 'ok';
let api: LoopbackServer;

beforeAll(async () => {
  api = await startLoopbackServer({
    faultFor: () => mode,
    handle: (_req, url) => ({
      body: { data: [{ account: 'acme', date: url.searchParams.get('since'), visits: 100 }] },
    }),
  });
});
afterAll(() => api.close());

const sourceAt = (base: string, name = 'partner'): SourceContract => ({
  ...httpJsonSource(`${base}/v2/stats?since={since}&until={until}&account=acme`, WIDE, ['visits']),
  name,
});

function contractsFor(sources: SourceContract[]): ContractSet {
  const feature: FeatureContract = {
    name: 'visits_7d',
    owners: ['ml@example.com'],
    uses: sources.map((s) => ({ source: s.name, metric: 'visits', location: loc })),
    policy: { blockOn: ['block'], warnOn: ['warn'] },
    location: loc,
  };
  return { root: dir, files: [], sources, features: [feature] };
}

function depsFor(store: Store, sources: SourceContract[], now: string, deadlineMs = 600) {
  const base = testDeps({ store, now, http: { deadlineMs } });
  const deps: CycleDeps & typeof base = { ...base, contracts: contractsFor(sources), alerts: {} };
  return deps;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const unreachableFindings = async (store: Store) =>
  (await store.findings.active()).filter((f) => f.rule === 'source-unreachable');

describe('circuit breaker per upstream host', () => {
  it.each<[string, FaultMode | 'closed-port', string, string]>([
    ['a closed port', 'closed-port', 'HTTP_CONNECT', 'refused'],
    ['a server that never answers', 'hang', 'HTTP_TIMEOUT', 'timeout'],
    ['a 5xx burst', 'always-500', 'HTTP_STATUS', 'server_error'],
  ])(
    '%s: opens after 3 failed polls, then skips the host',
    async (_name, fault, code, kind) => {
      const base = fault === 'closed-port' ? `http://127.0.0.1:${await closedPort()}` : api.url;
      mode = fault === 'closed-port' ? 'ok' : fault;
      const source = sourceAt(base);
      const deps = depsFor(openStore(':memory:'), [source], '2026-03-14T06:00:00Z', 200);
      const before = api.total();
      const results: CycleResult[] = [];
      for (let i = 0; i < 5; i++) {
        results.push(await runCycle(deps, source));
        deps.clock.advanceMs(60_000);
      }
      mode = 'ok';
      expect(results.map((r) => r.poll.errorCode)).toEqual([
        code,
        code,
        code,
        'BREAKER_OPEN',
        'BREAKER_OPEN',
      ]);
      expect(results.every((r) => r.poll.outcome === 'failed')).toBe(true);
      expect(await deps.store.breakers.notClosed()).toMatchObject([{ state: 'open', failures: 3, kind }]);
      // ≤ 3 attempts per failed poll, none while the breaker is open.
      const failing = results.slice(0, 3).flatMap((r) => r.poll.requests);
      expect(failing.reduce((n, q) => n + q.attempts, 0)).toBeLessThanOrEqual(9);
      if (fault !== 'closed-port') expect(api.total() - before).toBeLessThanOrEqual(9);
      expect(results.slice(3).every((r) => r.poll.requests.length === 0)).toBe(true);
      // Every request ended with the fault's own error: a hung request was cut by the deadline, not left waiting.
      expect(failing.length).toBeGreaterThan(0);
      expect(failing.map((q) => q.error?.code)).toEqual(failing.map(() => code));
      // One health finding for the outage, and nothing else opened or resolved by the failed polls.
      const opened = results.flatMap((r) => r.processed!.opened.map((f) => f.rule));
      expect(opened).toEqual(['source-unreachable']);
      expect(results.flatMap((r) => r.processed!.resolved)).toEqual([]);
      expect(results.map((r) => r.processed!.queued > 0)).toEqual([false, false, true, false, false]);
      await deps.store.close();
    },
    30_000,
  );

  it('one alert per outage; the open breaker survives a restart; a probe after the cool-down closes it', async () => {
    const file = join(dir, 'breaker.db');
    const source = sourceAt(api.url);
    const first = depsFor(openStore(file), [source], '2026-03-14T06:00:00Z');
    mode = 'ok';
    expect((await runCycle(first, source)).poll.outcome).toBe('ok');
    mode = 'refuse'; // the connection is dropped without an answer
    for (let i = 0; i < 6; i++) {
      first.clock.advanceMs(60_000);
      await runCycle(first, source);
    }
    expect(await unreachableFindings(first.store)).toHaveLength(1);
    const alerts = async () =>
      (await first.store.outbox.list()).filter(
        (m) => m.kind === 'alert' && JSON.stringify(m.payload).includes('unreachable'),
      );
    const mailed = (await alerts()).length;
    expect(mailed).toBeGreaterThan(0); // one per recipient, however many polls were skipped
    const now = first.clock.now().toISOString();
    await first.store.close();
    const status = await cli(['status', '--db', file], { cwd: dir });
    expect(status.stdout).toMatch(
      /breaker open: host:127\.0\.0\.1:\d+ since \S+ after 3 unreachable poll\(s\) \(refused\); next probe at 2026-03-14T06:08:00\.000Z/,
    );
    expect(status.stdout).toMatch(
      /partner: BREAKER_OPEN: breaker_open: host:127\.0\.0\.1:\d+ failed 3 polls/,
    );

    // A new process: a new store handle on the same file, the same instant.
    const second = depsFor(openStore(file), [source], now);
    const seen = api.total();
    mode = 'ok';
    expect((await runCycle(second, source)).poll.errorCode).toBe('BREAKER_OPEN');
    expect(api.total()).toBe(seen);
    second.clock.advanceMs(5 * 60_000); // the first cool-down
    const probe = await runCycle(second, source);
    expect(probe.poll.outcome).toBe('ok');
    expect(await second.store.breakers.notClosed()).toEqual([]);
    second.clock.advanceMs(60_000);
    const after = await runCycle(second, source);
    expect(after.processed!.resolved.map((f) => f.rule)).toEqual(['source-unreachable']);
    expect(
      (await second.store.outbox.list()).filter(
        (m) => m.kind === 'alert' && JSON.stringify(m.payload).includes('unreachable'),
      ),
    ).toHaveLength(mailed);
    expect(await unreachableFindings(second.store)).toEqual([]);
    await second.store.close();
  }, 30_000);

  it('a host that never answers does not stall the other sources', async () => {
    const slow = sourceAt(`${api.url}/slow`, 'slow');
    const port = await closedPort();
    const fast = sourceAt(`http://127.0.0.1:${port}`, 'fast'); // another host: fails fast, on its own breaker
    mode = 'hang';
    const deps = depsFor(openStore(':memory:'), [slow, fast], '2026-03-14T06:00:00Z', 1_000);
    const order: string[] = [];
    const s = createScheduler({
      sources: [slow, fast],
      run: (src) => runCycle(deps, src),
      onRun: (name) => order.push(name),
    });
    s.start();
    const all = s.runNow();
    await expect.poll(() => order, { timeout: 10_000 }).toContain('fast');
    expect(s.running()).toEqual(['slow']);
    await all;
    mode = 'ok';
    expect(order).toEqual(['fast', 'slow']);
    expect(await s.stop(1000)).toEqual({ drained: true, abandoned: [] });
    await deps.store.close();
  }, 30_000);
});
