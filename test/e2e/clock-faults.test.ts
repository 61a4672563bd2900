// A wrong clock must not stick: pauses, breaker cool-downs, last polls and slots recorded under a clock set years ahead
// are distrusted once the clock is right again. The poll goes out, a `clock-skew` finding says why, status shows it,
// and `upwatch clear-pause` lifts a pause or an open breaker by hand, audited.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractSet, FeatureContract, SourceContract } from '../../src/core/contract.js';
import { checkGate } from '../../src/gate/check-gate.js';
import { runCycle, type CycleDeps } from '../../src/pipeline/cycle.js';
import { openStore, type Store } from '../../src/store/store.js';
import { ManualClock } from '../../src/core/clock.js';
import { cli } from '../helpers/cli.js';
import { httpJsonSource } from '../helpers/contracts.js';
import { startLoopbackServer, type FaultMode, type LoopbackServer } from '../helpers/loopback-server.js';
import { testDeps } from '../helpers/poll-deps.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('upwatch-e2e-clock-');
const WIDE = { records: 'data', entity: 'account', time: 'date' };
const loc = { file: 'contracts/test.yaml', line: 1, col: 1 };
const FUTURE = '2030-01-01T00:00:00Z';
const NOW = '2026-03-14T10:00:00Z';
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

const source = (): SourceContract =>
  httpJsonSource(`${api.url}/v2/stats?since={since}&until={until}&account=acme`, WIDE, ['visits']);

function contractsFor(src: SourceContract): ContractSet {
  const feature: FeatureContract = {
    name: 'visits_7d',
    owners: ['ml@example.com'],
    uses: [{ source: src.name, metric: 'visits', location: loc }],
    policy: { blockOn: ['block'], warnOn: ['warn'] },
    location: loc,
  };
  return { root: dir, files: [], sources: [src], features: [feature] };
}

function depsFor(store: Store, src: SourceContract, now: string) {
  const base = testDeps({ store, now, http: { deadlineMs: 300 } });
  const deps: CycleDeps & typeof base = { ...base, contracts: contractsFor(src), alerts: {} };
  return deps;
}

const skewFindings = async (store: Store) =>
  (await store.findings.active()).filter((f) => f.rule === 'clock-skew');

describe('a clock set years ahead does not stick', () => {
  it('a pause set under it is ignored with a warning once the clock is right; the poll goes out', async () => {
    const src = source();
    const deps = depsFor(openStore(':memory:'), src, FUTURE);
    mode = 'retry-after-long'; // 429 with Retry-After: 3600
    expect((await runCycle(deps, src)).poll.errorCode).toBe('UPSTREAM_THROTTLED');
    expect((await deps.store.pauses.list())[0]!.nextAllowedAt).toBe('2030-01-01T01:00:00.000Z');

    mode = 'ok';
    deps.clock.set(NOW);
    const before = api.total();
    const back = await runCycle(deps, src);
    expect(back.poll.outcome).toBe('ok');
    expect(api.total()).toBeGreaterThan(before);
    expect(deps.logger.lines.some((l) => l.level === 'warn' && /clock/.test(l.msg))).toBe(true);
    const [skew] = back.processed!.opened.filter((f) => f.rule === 'clock-skew');
    expect(skew).toMatchObject({ severity: 'warn', class: 'unverified', source: 'partner' });
    expect(JSON.stringify(skew!.evidence)).toContain('2030-01-01T01:00:00.000Z');
    expect(skew!.evidence).toMatchObject({ now: '2026-03-14T10:00:00.000Z' });
    await deps.store.close();
  });

  it('a breaker opened under it probes again at once (a cool-down is at most 1 h)', async () => {
    const src = source();
    const deps = depsFor(openStore(':memory:'), src, FUTURE);
    mode = 'refuse';
    for (let i = 0; i < 3; i++) await runCycle(deps, src);
    expect((await deps.store.breakers.notClosed())[0]!.nextProbeAt).toBe('2030-01-01T00:05:00.000Z');

    mode = 'ok';
    deps.clock.set(NOW);
    const probe = await runCycle(deps, src);
    expect(probe.poll.outcome).toBe('ok');
    expect(await deps.store.breakers.notClosed()).toEqual([]);
    expect((await skewFindings(deps.store)).map((f) => f.evidence['breakerNextProbeAt'])).toEqual([
      '2030-01-01T00:05:00.000Z',
    ]);
    await deps.store.close();
  });

  it('a last poll and slot "in the future" are a finding; two good polls at the right time resolve it', async () => {
    const src = source();
    const deps = depsFor(openStore(':memory:'), src, FUTURE);
    mode = 'ok';
    await runCycle(deps, src);
    await deps.store.slots.recordSlot('partner', '2030-01-01T00:00:00.000Z', deps.clock.now());
    deps.clock.set(NOW);
    const first = await runCycle(deps, src);
    const opened = first.processed!.opened.filter((f) => f.rule === 'clock-skew');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.evidence).toMatchObject({
      lastPollAt: '2030-01-01T00:00:00.000Z',
      lastSlot: '2030-01-01T00:00:00.000Z',
      now: '2026-03-14T10:00:00.000Z',
    });
    deps.clock.advanceMs(3_600_000);
    await runCycle(deps, src);
    deps.clock.advanceMs(3_600_000);
    const third = await runCycle(deps, src);
    expect(third.processed!.resolved.map((f) => f.rule)).toContain('clock-skew');
    expect(await skewFindings(deps.store)).toEqual([]);
    await deps.store.close();
  });

  it('the gate does not count a verification "in the future" as fresh', async () => {
    const src = source();
    const deps = depsFor(openStore(':memory:'), src, FUTURE);
    mode = 'ok';
    await runCycle(deps, src);
    const report = await checkGate({ store: deps.store, contracts: contractsFor(src), now: new Date(NOW) });
    expect(report.features[0]).toMatchObject({
      state: 'warn',
      unverified: [{ source: 'partner', lastVerifiedAt: expect.stringMatching(/^2030-/) as unknown }],
    });
    // A few seconds ahead (the store and the gate on two hosts whose clocks differ slightly) is still fresh.
    const slightly = new Date(
      Date.parse((await deps.store.lastVerifiedPoll('partner'))!.finishedAt) - 30_000,
    );
    expect(
      (await checkGate({ store: deps.store, contracts: contractsFor(src), now: slightly })).features[0]!
        .state,
    ).toBe('ok');
    await deps.store.close();
  });
});

describe('upwatch clear-pause', () => {
  it('status names the distrusted pause and breaker; clear-pause lifts both, audited', async () => {
    const file = join(dir, 'clear.db');
    const src = source();
    const deps = depsFor(openStore(file), src, FUTURE);
    mode = 'retry-after-long';
    await runCycle(deps, src);
    mode = 'refuse';
    const host = new URL(api.url).host;
    await deps.store.breakers.save({
      key: `host:${host}`,
      state: 'open',
      failures: 3,
      kind: 'refused',
      openedAt: '2030-01-01T00:00:00.000Z',
      probesFailed: 0,
      nextProbeAt: '2030-01-01T00:05:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    await deps.store.close();
    mode = 'ok';
    const clock = new ManualClock(NOW);

    const status = await cli(['status', '--db', file], { cwd: dir, clock });
    expect(status.stdout).toContain(`paused: http-json:${host} until 2030-01-01T01:00:00.000Z`);
    expect(status.stdout).toMatch(/ahead of the clock.*ignored/);
    expect(status.stdout).toMatch(/next probe at 2030-01-01T00:05:00\.000Z.*ahead of the clock/);

    const missingReason = await cli(['clear-pause', host, '--db', file], { cwd: dir, clock });
    expect(missingReason.code).toBe(2);

    const cleared = await cli(
      ['clear-pause', host, '--reason', 'clock was set to 2030', '--by', 'ana', '--db', file],
      {
        cwd: dir,
        clock,
      },
    );
    expect(cleared.stderr).toBe('');
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain(`cleared pause: http-json:${host}`);
    expect(cleared.stdout).toContain(`closed breaker: host:${host}`);

    const store = openStore(file);
    expect(await store.pauses.list()).toEqual([]);
    expect(await store.breakers.notClosed()).toEqual([]);
    const byHand = (await store.audit.read()).filter(
      (a) => a.targetKind === 'principal' || a.targetKind === 'breaker',
    );
    expect(byHand.map((a) => [a.action, a.targetKind, a.target, a.actor, a.reason])).toEqual([
      ['pause-cleared', 'principal', `http-json:${host}`, 'ana', 'clock was set to 2030'],
      ['breaker-closed', 'breaker', `host:${host}`, 'ana', 'clock was set to 2030'],
    ]);
    await store.close();

    const nothing = await cli(['clear-pause', 'nowhere.example', '--reason', 'x', '--db', file], {
      cwd: dir,
      clock,
    });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing paused');
  });
});
