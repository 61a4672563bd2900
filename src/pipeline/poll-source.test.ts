import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpJsonSource } from '../../test/helpers/contracts.js';
import { FIXED_NOW } from '../../test/helpers/fixed-clock.js';
import { startJsonApiServer } from '../../test/helpers/json-api-server.js';
import type { LoopbackServer } from '../../test/helpers/loopback-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';
import type { FetchResult, MetricOutcome } from '../core/observation.js';
import { outcomeOf, pollSource } from './poll-source.js';

const WIDE = { records: 'data', entity: 'account', time: 'date', next: 'next' };
let api: LoopbackServer;
beforeAll(async () => {
  api = await startJsonApiServer({ pageSize: 2, version: '2026-01' });
});
afterAll(() => api.close());

const source = (path: string) =>
  httpJsonSource(
    `${api.url}${path}?since={since}&until={until}&account=acme,beta`,
    WIDE,
    ['visits', 'revenue'],
    {
      versionHeader: 'x-api-version',
    },
  );

describe('http-json through pollSource', () => {
  it('follows next links and stores every record of every page', async () => {
    const deps = testDeps();
    const poll = await pollSource(deps, source('/v2/stats'));
    expect(poll.outcome).toBe('ok');
    expect(poll.requests).toHaveLength(3); // 6 records, 2 per page
    expect(poll.servedVersion).toBe('2026-01');
    expect(poll.observationCount).toBe(12);
    expect(
      (await deps.store.metricHistory('partner', 'visits')).entities
        .get('beta')!
        .map((p) => [p.day, p.value]),
    ).toEqual([
      ['2026-03-11', 115],
      ['2026-03-12', 116],
      ['2026-03-13', 117],
    ]);
  });

  it('stops a paging loop at the page cap', async () => {
    const deps = testDeps();
    const before = api.count('/loop/stats');
    const poll = await pollSource(deps, source('/loop/stats'));
    expect(api.count('/loop/stats') - before).toBe(20);
    expect(poll.metricOutcomes.map((o) => o.status)).toEqual(['missing', 'missing']);
  });

  it('reads long-format records and substitutes {metric} and {entity}', async () => {
    const long = await startLoopbackServerLong();
    const deps = testDeps({ env: { KEY: 'k-123456' } });
    const src = httpJsonSource(
      `${long.url}/m/{metric}/{entity}?from={since}&key=\${KEY}`,
      { records: 'rows[]', time: 'ts', metric: 'name', value: 'v' },
      ['visits'],
      { entities: ['e1', 'e2'] },
    );
    const poll = await pollSource(deps, src);
    expect(poll.outcome).toBe('ok');
    expect(poll.requests.map((r) => r.url)).toEqual([
      `${long.url}/m/visits/e1?from=2026-03-11&key=[REDACTED]`,
      `${long.url}/m/visits/e2?from=2026-03-11&key=[REDACTED]`,
    ]);
    expect((await deps.store.metricHistory('partner', 'visits')).entities.get('e2')![0]).toMatchObject({
      periodEnd: '2026-03-13T00:00:00.000Z',
      day: '2026-03-13',
      value: 7,
      jsonType: 'numeric-string',
    });
    await long.close();
  });
});

async function startLoopbackServerLong() {
  const { startLoopbackServer } = await import('../../test/helpers/loopback-server.js');
  return startLoopbackServer({
    handle: () => ({
      body: {
        rows: [
          { name: 'visits', ts: 1773360000, v: '7' },
          { name: 'other', ts: 1773360000, v: 1 },
        ],
      },
    }),
  });
}

describe('faults: the documented outcome in the store, nothing lost', () => {
  it.each([
    ['retry-after-seconds', 'ok', undefined],
    ['retry-after-date', 'ok', undefined],
    ['once-500', 'ok', undefined],
    ['once-truncated', 'ok', undefined],
    ['always-500', 'failed', 'HTTP_STATUS'],
    ['hang', 'failed', 'HTTP_TIMEOUT'],
    ['trickle', 'failed', 'HTTP_TIMEOUT'],
    ['truncated', 'failed', 'HTTP_CONNECT'],
    ['invalid-json', 'failed', 'HTTP_MALFORMED'],
    ['huge', 'failed', 'HTTP_TOO_LARGE'],
    ['html-200', 'failed', 'HTTP_MALFORMED'],
    ['redirect-loop', 'failed', 'HTTP_REDIRECT'],
    ['refuse', 'failed', 'HTTP_CONNECT'],
  ])('%s → %s %s', async (mode, outcome, code) => {
    // The server dates Retry-After from FIXED_NOW, so this table runs at that "now".
    const deps = testDeps({ http: { maxAttempts: 2 }, now: FIXED_NOW });
    const good = await pollSource(deps, source('/v2/stats'));
    const before = await deps.store.metricHistory('partner', 'visits');
    const poll = await pollSource(deps, source(`/fault/${mode}/${Math.random().toString(36).slice(2)}`));
    expect(poll.outcome).toBe(outcome);
    expect(poll.errorCode).toBe(code);
    if (outcome === 'failed') {
      // Could not verify: earlier observations are untouched, and the failure is on record with its requests.
      expect(await deps.store.metricHistory('partner', 'visits')).toEqual(before);
      expect(poll.requests[0]!.error?.code).toBe(code);
      expect((await deps.store.lastVerifiedPoll('partner'))!.id).toBe(good.id);
    }
    expect(await deps.store.recentPolls('partner', 10)).toHaveLength(2);
  });

  it('waits for Retry-After before retrying (seconds form: at least 2 s)', async () => {
    const deps = testDeps();
    await pollSource(deps, source(`/fault/retry-after-seconds/${Math.random()}`));
    expect(Math.min(...deps.waits)).toBeGreaterThanOrEqual(2000);
  });

  it('a Retry-After beyond the tick budget pauses the host; the pause survives reopening', async () => {
    const deps = testDeps();
    const poll = await pollSource(deps, source('/fault/retry-after-long/x'));
    expect(poll).toMatchObject({ outcome: 'failed', errorCode: 'UPSTREAM_THROTTLED' });
    const [pause] = await deps.store.pauses.list();
    expect(pause!.nextAllowedAt).toBe('2026-03-14T11:00:00.000Z');
    const count = api.count('/fault/retry-after-long/x');
    const again = await pollSource(deps, source('/fault/retry-after-long/x'));
    expect(again.errorCode).toBe('UPSTREAM_THROTTLED');
    expect(api.count('/fault/retry-after-long/x')).toBe(count);
  });

  it('an unset header secret fails the poll naming the variable and never the value', async () => {
    const deps = testDeps({ env: {} });
    const src = source('/v2/stats');
    (src.connection as { headers: Record<string, unknown> }).headers = {
      authorization: { template: 'Bearer ${PARTNER_TOKEN}', refs: ['PARTNER_TOKEN'] },
    };
    const poll = await pollSource(deps, src);
    expect(poll).toMatchObject({ outcome: 'failed', errorCode: 'SECRET_UNSET' });
    expect(poll.errorMessage).toContain('PARTNER_TOKEN');
  });
});

describe('outcomeOf: a definite answer verifies a metric, a failure to answer does not', () => {
  const rejected = (metric: string, entity: string): MetricOutcome => ({
    metric,
    entity,
    status: 'error',
    error: {
      code: 'UPSTREAM_INVALID_METRIC',
      message: '(#100) The value must be a valid insights metric',
      status: 400,
      graphCode: 100,
      retryable: false,
    },
  });
  const timedOut = (metric: string, entity: string): MetricOutcome => ({
    metric,
    entity,
    status: 'error',
    error: { code: 'HTTP_TIMEOUT', message: 'no response within 600 ms', retryable: true },
  });
  const gone = (metric: string, entity: string): MetricOutcome => ({
    metric,
    entity,
    status: 'error',
    error: { code: 'UPSTREAM_ERROR', message: 'Gone', status: 410, graphCode: 12, retryable: false },
  });
  const fetchOf = (metricOutcomes: MetricOutcome[]): FetchResult => ({
    observations: [],
    requests: [],
    metricOutcomes,
  });

  it.each<[string, MetricOutcome[], string, string | undefined]>([
    [
      'every metric rejected (#100)',
      [rejected('a', '1'), rejected('b', '1')],
      'partial',
      'UPSTREAM_INVALID_METRIC',
    ],
    ['one rejected, one timed out', [rejected('a', '1'), timedOut('b', '1')], 'partial', 'HTTP_TIMEOUT'],
    ['every metric 410 Gone', [gone('a', '1'), gone('b', '1')], 'partial', 'UPSTREAM_ERROR'],
    ['every metric timed out', [timedOut('a', '1'), timedOut('b', '1')], 'failed', 'HTTP_TIMEOUT'],
    [
      'values and a confirmed absence',
      [
        { metric: 'a', status: 'ok' },
        { metric: 'b', status: 'missing' },
      ],
      'ok',
      undefined,
    ],
  ])('%s → %s', (_name, outcomes, outcome, code) => {
    const r = outcomeOf(fetchOf(outcomes));
    expect(r.outcome).toBe(outcome);
    expect(r.errorCode).toBe(code);
  });
});
