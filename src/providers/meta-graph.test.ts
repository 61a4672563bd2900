import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollSource } from '../pipeline/poll-source.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../../test/helpers/graph-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';
import { classifyGraphError, usageFromHeaders } from './meta-graph.js';
import type { SqliteStore } from '../store/store.js';

const TOKEN = 'EAAB-test-token-41f2';
let graph: GraphServer;

beforeAll(async () => {
  graph = await startGraphServer({
    token: TOKEN,
    metrics: {
      page_media_view: (page, day) => 100 + Number(day.slice(8)),
      page_follows: () => 42,
      page_actions_post_reactions_total: () => ({ like: 45, love: 12 }),
    },
    errors: {
      page_engaged_users: { code: 100, message: '(#100) The value must be a valid insights metric' },
    },
  });
});
afterAll(() => graph.close());

describe('meta-graph provider through pollSource', () => {
  it('polls one metric per request and stores values, breakdowns and the served version', async () => {
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const progress: string[] = [];
    const poll = await pollSource(
      { ...deps, onProgress: (p) => progress.push(`${p.done}/${p.total}`) },
      metaSource(graph.url, ['page_media_view', 'page_actions_post_reactions_total']),
    );
    expect(progress.sort()).toEqual(['1/2', '2/2']);
    expect(poll.outcome).toBe('ok');
    expect(poll.servedVersion).toBe('v24.0');
    expect(poll.requests).toHaveLength(2);
    expect(poll.requests[0]!.url).toContain('metric=page_media_view');
    expect(poll.requests[0]!.url).toContain('since=2026-03-11&until=2026-03-14');
    expect(poll.requests[0]!.url).toContain('access_token=[REDACTED]');
    const series = (await deps.store.metricHistory('meta', 'page_media_view')).entities.get('111')!;
    expect(series.map((p) => [p.day, p.value, p.periodEnd])).toEqual([
      ['2026-03-11', 111, '2026-03-12T08:00:00.000Z'],
      ['2026-03-12', 112, '2026-03-13T08:00:00.000Z'],
      ['2026-03-13', 113, '2026-03-14T08:00:00.000Z'],
    ]);
    const reactions = (deps.store as SqliteStore).db
      .prepare(
        "SELECT value, json_type, breakdown FROM observations WHERE metric = 'page_actions_post_reactions_total' LIMIT 1",
      )
      .get();
    expect(reactions).toEqual({ value: 57, json_type: 'object', breakdown: '{"like":45,"love":12}' });
    expect(poll.payloadSchema?.['page_media_view:$.data[].values[].value']).toEqual({ int: 3 });
    expect(poll.payloadSchema?.['page_actions_post_reactions_total:$.data[].values[].value']).toEqual({
      object: 3,
    });
    expect(poll.payloadHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('error #100 on one metric leaves the others verified (partial), with the Graph code kept', async () => {
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const poll = await pollSource(
      deps,
      metaSource(graph.url, ['page_media_view', 'page_engaged_users', 'page_follows']),
    );
    expect(poll.outcome).toBe('partial');
    expect(poll.metricOutcomes.map((o) => [o.metric, o.status, o.error?.code, o.error?.graphCode])).toEqual([
      ['page_media_view', 'ok', undefined, undefined],
      ['page_engaged_users', 'error', 'UPSTREAM_INVALID_METRIC', 100],
      ['page_follows', 'ok', undefined, undefined],
    ]);
    expect(poll.errorCode).toBe('UPSTREAM_INVALID_METRIC');
    expect((await deps.store.metricHistory('meta', 'page_follows')).entities.get('111')).toHaveLength(3);
  });

  it('a metric answered with data: [] is "missing", not an error', async () => {
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const poll = await pollSource(deps, metaSource(graph.url, ['page_media_view', 'page_unknown_metric']));
    expect(poll.outcome).toBe('ok');
    expect(poll.metricOutcomes[1]).toEqual({
      metric: 'page_unknown_metric',
      entity: '111',
      status: 'missing',
    });
  });

  it('an expired token (#190) is one request, halts the rest, and is stored as failed', async () => {
    const deps = testDeps({ env: { META_TOKEN: 'expired-token-0000' } });
    const poll = await pollSource(deps, metaSource(graph.url, ['page_media_view', 'page_follows'], {}));
    expect(poll.outcome).toBe('failed');
    expect(poll.errorCode).toBe('UPSTREAM_AUTH');
    expect(poll.requests.length).toBeLessThanOrEqual(2);
    expect(poll.metricOutcomes.every((o) => o.status === 'error' && o.error?.code === 'UPSTREAM_AUTH')).toBe(
      true,
    );
  });

  it('does not follow paging.next outside the window and never stores it', async () => {
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const before = graph.requests.length;
    const poll = await pollSource(deps, metaSource(graph.url, ['page_media_view']));
    expect(graph.requests.length - before).toBe(1);
    expect(JSON.stringify(poll)).not.toContain(TOKEN);
  });

  it('an unset token variable fails the poll naming the variable, with no request', async () => {
    const deps = testDeps({ env: {} });
    const before = graph.requests.length;
    const poll = await pollSource(deps, metaSource(graph.url, ['page_media_view']));
    expect(poll).toMatchObject({ outcome: 'failed', errorCode: 'SECRET_UNSET' });
    expect(poll.errorMessage).toContain('META_TOKEN');
    expect(graph.requests.length).toBe(before);
  });
});

describe('throttling', () => {
  it('a throttling error with usage headers pauses the principal; the next poll makes no request', async () => {
    const throttled = await startGraphServer({
      token: TOKEN,
      metrics: { page_media_view: () => 1, page_follows: () => 2 },
      errors: {
        page_media_view: { code: 80001, message: 'There have been too many calls to this Page account' },
      },
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          '111': [
            {
              type: 'pages',
              call_count: 100,
              total_cputime: 20,
              total_time: 30,
              estimated_time_to_regain_access: 12,
            },
          ],
        }),
      },
    });
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const source = metaSource(throttled.url, ['page_media_view', 'page_follows']);
    const first = await pollSource({ ...deps, concurrency: 1 }, source);
    expect(first.metricOutcomes[0]!.error).toMatchObject({ code: 'UPSTREAM_THROTTLED', graphCode: 80001 });
    expect(first.metricOutcomes[1]!.status).toBe('error'); // not requested: the token is paused
    expect(throttled.requests).toHaveLength(1);
    const pauses = await deps.store.pauses.list();
    expect(pauses).toHaveLength(1);
    expect(pauses[0]!.nextAllowedAt).toBe('2026-03-14T10:12:00.000Z');
    expect(pauses[0]!.principal).not.toContain(TOKEN);

    const second = await pollSource(deps, source);
    expect(second).toMatchObject({ outcome: 'failed', errorCode: 'UPSTREAM_THROTTLED' });
    expect(throttled.requests).toHaveLength(1);

    deps.clock.advanceMs(13 * 60_000);
    await pollSource(deps, source);
    expect(throttled.requests.length).toBeGreaterThan(1);
    await throttled.close();
  });

  it('pauses the token at 95 % usage before Meta blocks it', async () => {
    const busy = await startGraphServer({
      token: TOKEN,
      metrics: { page_media_view: () => 1, page_follows: () => 2 },
      headers: { 'x-app-usage': '{"call_count":96,"total_time":10,"total_cputime":10}' },
    });
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const poll = await pollSource(
      { ...deps, concurrency: 1 },
      metaSource(busy.url, ['page_media_view', 'page_follows']),
    );
    expect(poll.outcome).toBe('partial');
    expect(poll.metricOutcomes.map((o) => o.status)).toEqual(['ok', 'error']);
    expect((await deps.store.pauses.list())[0]!.nextAllowedAt).toBe('2026-03-14T10:01:00.000Z');
    await busy.close();
  });
});

describe('classifyGraphError', () => {
  const id = (t: string) => t;
  it.each([
    [1, 'UPSTREAM_ERROR', 'retry'],
    [2, 'UPSTREAM_ERROR', 'retry'],
    [4, 'UPSTREAM_THROTTLED', 'pause'],
    [17, 'UPSTREAM_THROTTLED', 'pause'],
    [32, 'UPSTREAM_THROTTLED', 'pause'],
    [613, 'UPSTREAM_THROTTLED', 'pause'],
    [341, 'UPSTREAM_THROTTLED', 'pause'],
    [80004, 'UPSTREAM_THROTTLED', 'pause'],
    [10, 'UPSTREAM_PERMISSION', 'none'],
    [200, 'UPSTREAM_PERMISSION', 'none'],
    [299, 'UPSTREAM_PERMISSION', 'none'],
    [190, 'UPSTREAM_AUTH', 'halt'],
    [102, 'UPSTREAM_AUTH', 'halt'],
    [100, 'UPSTREAM_INVALID_METRIC', 'none'],
    [3001, 'UPSTREAM_ERROR', 'none'],
  ])('code %i → %s / %s', (code, upwatchCode, action) => {
    const c = classifyGraphError(400, { error: { code, message: 'm', fbtrace_id: 'T' } }, id);
    expect(c.info.code).toBe(upwatchCode);
    expect(c.action).toBe(action);
    expect(c.info.fbtraceId).toBe('T');
  });

  it('reads the highest usage and longest regain across usage headers', () => {
    expect(
      usageFromHeaders({
        'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}',
        'x-business-use-case-usage':
          '{"1":[{"call_count":12,"total_time":97,"estimated_time_to_regain_access":5}]}',
      }),
    ).toEqual({ percent: 97, regainMs: 300_000 });
  });
});
