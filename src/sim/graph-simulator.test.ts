/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call -- the JSON bodies under test are untyped on purpose */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { startGraphSimulator, type SimulatorHandle } from './graph-simulator.js';
import { createScenarioModels } from './models.js';
import { pageIds, pollInstant, type Scenario } from './scenario.js';
import { meta2024 } from './scenarios/meta-2024.js';

const TOKEN = meta2024.graph.accessToken;
const PAGE = pageIds(meta2024)[0]!;
const model = createScenarioModels(meta2024).graph;

interface Reply {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

async function get(sim: SimulatorHandle, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  const r = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, { headers });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, json, text };
}

const insights = (query: string, version = 'v18.0', page = PAGE) =>
  `/${version}/${page}/insights?${query}&access_token=${TOKEN}`;

/** A Graph error body as Meta sends it: message, type, code, (subcode), a fresh fbtrace_id. */
function expectGraphError(
  r: Reply,
  status: number,
  code: number,
  message: string | RegExp,
  subcode?: number,
): void {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toBe('application/json; charset=UTF-8');
  expect(Object.keys(r.json)).toEqual(['error']);
  const e = r.json.error;
  expect(e.code).toBe(code);
  expect(typeof e.type).toBe('string');
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  if (subcode !== undefined) expect(e.error_subcode).toBe(subcode);
  expect(e.fbtrace_id).toMatch(/^[A-Za-z0-9_-]{11}$/);
  expect(r.headers.get('x-fb-trace-id')).toBe(e.fbtrace_id);
  expect(r.json.data).toBeUndefined();
}

describe('Graph insights', () => {
  let sim: SimulatorHandle;
  const clock = new ManualClock(pollInstant(meta2024, 121));

  beforeAll(async () => {
    sim = await startGraphSimulator({ clock, scenario: meta2024 });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => clock.set(pollInstant(meta2024, 121)));

  it('answers with the exact InsightsResult shape, Pacific-midnight end_times across the DST switch', async () => {
    const r = await get(
      sim,
      insights('metric=page_media_view,page_engagement_rate&period=day&since=2024-03-08&until=2024-03-12'),
    );
    expect(r.status).toBe(200);
    const day = (iso: string) =>
      Math.round((Date.parse(iso) - Date.parse(`${meta2024.startDate}T00:00:00Z`)) / 86_400_000);
    const values = (metric: string) =>
      [
        ['2024-03-08', '2024-03-09T08:00:00+0000'],
        ['2024-03-09', '2024-03-10T08:00:00+0000'],
        ['2024-03-10', '2024-03-11T07:00:00+0000'],
        ['2024-03-11', '2024-03-12T07:00:00+0000'],
      ].map(([d, end_time]) => ({ value: model.value(0, metric, day(d!)), end_time }));
    expect(r.json.data).toEqual([
      {
        name: 'page_media_view',
        period: 'day',
        values: values('page_media_view'),
        title: 'Daily Media Views',
        description:
          "Daily: The number of times your Page's content was played or displayed, including repeats.",
        id: `${PAGE}/insights/page_media_view/day`,
      },
      {
        name: 'page_engagement_rate',
        period: 'day',
        values: values('page_engagement_rate'),
        title: 'Daily Engagement Rate',
        description: expect.stringContaining('0..1 fraction') as unknown,
        id: `${PAGE}/insights/page_engagement_rate/day`,
      },
    ]);
    expect(Object.keys(r.json)).toEqual(['data', 'paging']);
    expect(Object.keys(r.json.data[0])).toEqual(['name', 'period', 'values', 'title', 'description', 'id']);
  });

  it('sends Meta-like headers', async () => {
    const r = await get(sim, insights('metric=page_media_view&period=day'));
    expect(r.headers.get('facebook-api-version')).toBe('v18.0');
    expect(r.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(r.headers.get('cache-control')).toBe('private, no-cache, no-store, must-revalidate');
    expect(r.headers.get('expires')).toBe('Sat, 01 Jan 2000 00:00:00 GMT');
    expect(r.headers.get('x-fb-trace-id')).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(JSON.parse(r.headers.get('x-app-usage')!)).toEqual({
      call_count: expect.any(Number),
      total_cputime: expect.any(Number),
      total_time: expect.any(Number),
    });
    const buc = JSON.parse(r.headers.get('x-business-use-case-usage')!);
    expect(Object.keys(buc)).toEqual([PAGE]);
    expect(buc[PAGE][0]).toMatchObject({ type: 'pages', estimated_time_to_regain_access: 0 });
    // Time comes from the virtual clock, never from the machine.
    expect(r.headers.get('date')).toBe(pollInstant(meta2024, 121).toUTCString());
  });

  it('gives two complete days by default, and none of today (the Pacific day is not over)', async () => {
    const r = await get(sim, insights('metric=page_media_view&period=day'));
    expect(r.json.data[0].values.map((v: { end_time: string }) => v.end_time)).toEqual([
      '2024-03-13T07:00:00+0000',
      '2024-03-14T07:00:00+0000',
    ]);
  });

  it('serves the path form /insights/{metric} and every period when none is given', async () => {
    const r = await get(
      sim,
      `/v18.0/${PAGE}/insights/page_media_view?access_token=${TOKEN}&since=2024-03-01&until=2024-03-03`,
    );
    expect(r.status).toBe(200);
    expect(r.json.data.map((d: { id: string }) => d.id)).toEqual([
      `${PAGE}/insights/page_media_view/day`,
      `${PAGE}/insights/page_media_view/week`,
      `${PAGE}/insights/page_media_view/days_28`,
    ]);
  });

  it('serves breakdown metrics as objects of non-zero keys', async () => {
    const r = await get(sim, insights('metric=page_actions_post_reactions_total&period=day'));
    const v = r.json.data[0].values[0].value;
    expect(typeof v).toBe('object');
    expect(Object.values(v).every((n) => typeof n === 'number' && n > 0)).toBe(true);
  });

  it('writes paging URLs that shift the since/until window (Unix times, token included, as Meta does)', async () => {
    const r = await get(sim, insights('metric=page_media_view&period=day&since=2024-02-01&until=2024-02-08'));
    const next = new URL(r.json.paging.next);
    const previous = new URL(r.json.paging.previous);
    expect(next.pathname).toBe(`/v18.0/${PAGE}/insights`);
    expect(next.searchParams.get('access_token')).toBe(TOKEN);
    expect(next.searchParams.get('metric')).toBe('page_media_view');
    expect(new Date(Number(next.searchParams.get('since')) * 1000).toISOString()).toBe(
      '2024-02-08T08:00:00.000Z',
    );
    expect(new Date(Number(next.searchParams.get('until')) * 1000).toISOString()).toBe(
      '2024-02-15T08:00:00.000Z',
    );
    expect(new Date(Number(previous.searchParams.get('since')) * 1000).toISOString()).toBe(
      '2024-01-25T08:00:00.000Z',
    );
    expect(new Date(Number(previous.searchParams.get('until')) * 1000).toISOString()).toBe(
      '2024-02-01T08:00:00.000Z',
    );
    // Following `next` continues the series exactly where the first page stopped.
    const page2 = await get(sim, r.json.paging.next as string);
    expect(page2.status).toBe(200);
    expect(page2.json.data[0].values[0].end_time).toBe('2024-02-09T08:00:00+0000');
    expect(page2.json.data[0].values).toHaveLength(7);
  });

  it('enforces the 90-day window with error #100', async () => {
    const ok = await get(
      sim,
      insights('metric=page_media_view&period=day&since=2023-12-01&until=2024-02-29'),
    );
    expect(ok.status).toBe(200);
    expect(ok.json.data[0].values).toHaveLength(90);
    const tooLong = await get(
      sim,
      insights('metric=page_media_view&period=day&since=2023-12-01&until=2024-03-01'),
    );
    expectGraphError(tooLong, 400, 100, /^\(#100\) There cannot be more than 90 days/);
  });

  it('fails the whole batch with #100 once one metric is removed (day 121), with a fresh fbtrace_id each time', async () => {
    clock.set(pollInstant(meta2024, 120));
    const before = await get(sim, insights('metric=page_media_view,page_engaged_users&period=day'));
    expect(before.status).toBe(200);
    expect(before.json.data.map((d: { name: string }) => d.name)).toEqual([
      'page_media_view',
      'page_engaged_users',
    ]);

    clock.set(pollInstant(meta2024, 121));
    const a = await get(sim, insights('metric=page_media_view,page_engaged_users&period=day'));
    const b = await get(sim, insights('metric=page_engaged_users'));
    for (const r of [a, b]) expectGraphError(r, 400, 100, '(#100) The value must be a valid insights metric');
    expect(a.json.error).toEqual({
      message: '(#100) The value must be a valid insights metric',
      type: 'OAuthException',
      code: 100,
      fbtrace_id: a.json.error.fbtrace_id,
    });
    expect(a.json.error.fbtrace_id).not.toBe(b.json.error.fbtrace_id);
    // for all versions at once
    const old = await get(sim, insights('metric=page_engaged_users', 'v13.0'));
    expectGraphError(old, 400, 100, '(#100) The value must be a valid insights metric');
    // the others still answer one by one
    expect((await get(sim, insights('metric=page_media_view'))).status).toBe(200);
  });

  it.each([
    [
      'a metric that never existed',
      insights('metric=page_engaged_userz'),
      400,
      100,
      '(#100) The value must be a valid insights metric',
      undefined,
    ],
    ['no metric', insights('period=day'), 400, 3001, 'Invalid query', 1504028],
    [
      'a bad period',
      insights('metric=page_media_view&period=year'),
      400,
      100,
      /^\(#100\) period must be one of/,
      undefined,
    ],
    [
      'since after until',
      insights('metric=page_media_view&since=2024-03-05&until=2024-03-01'),
      400,
      100,
      /since/,
      undefined,
    ],
    [
      'an unknown page',
      insights('metric=page_media_view', 'v18.0', '999'),
      400,
      100,
      /^Unsupported get request\. Object with ID '999'/,
      33,
    ],
    [
      'an unknown edge',
      `/v18.0/${PAGE}/feed?access_token=${TOKEN}`,
      400,
      2500,
      'Unknown path components: /feed',
      undefined,
    ],
    [
      'an unknown version',
      insights('metric=page_media_view', 'v99.0'),
      400,
      100,
      /Object with ID 'v99.0'/,
      33,
    ],
    [
      'a version not released yet',
      insights('metric=page_media_view', 'v20.0'),
      400,
      100,
      /Object with ID 'v20.0'/,
      33,
    ],
    [
      'no access token',
      `/v18.0/${PAGE}/insights?metric=page_media_view`,
      400,
      190,
      'An access token is required to request this resource.',
      undefined,
    ],
    [
      'a wrong access token',
      `/v18.0/${PAGE}/insights?metric=page_media_view&access_token=nope`,
      400,
      190,
      'Invalid OAuth access token - Cannot parse access token',
      undefined,
    ],
  ])('answers %s with a Graph error', async (_name, path, status, code, message, subcode) => {
    expectGraphError(await get(sim, path), status, code, message, subcode);
  });

  it('adds WWW-Authenticate to token errors', async () => {
    const r = await get(
      sim,
      `/v18.0/${PAGE}/insights?metric=page_media_view&access_token=expired-token-value`,
    );
    expect(r.headers.get('www-authenticate')).toMatch(/^OAuth "Facebook Platform" "invalid_token"/);
  });

  it('adds __debug__.messages with debug=all', async () => {
    const r = await get(sim, insights('metric=page_media_view&debug=all'));
    expect(r.json.__debug__).toEqual({ messages: [] });
    const plain = await get(sim, insights('metric=page_media_view'));
    expect(plain.json.__debug__).toBeUndefined();
  });

  it('restates nothing: the same (page, metric, day) has the same value on later polls', async () => {
    clock.set(pollInstant(meta2024, 100));
    const first = await get(
      sim,
      insights('metric=page_media_view,page_follows&period=day&since=2024-02-15&until=2024-02-21'),
    );
    clock.set(pollInstant(meta2024, 110));
    const later = await get(
      sim,
      insights('metric=page_media_view,page_follows&period=day&since=2024-02-15&until=2024-02-21'),
    );
    expect(later.json.data).toEqual(first.json.data);
  });

  it('shows the freeze on the scripted pages from data day 75, on the clock day it completes', async () => {
    const frozenPage = pageIds(meta2024)[2]!;
    clock.set(pollInstant(meta2024, 76));
    const r = await get(
      sim,
      insights('metric=page_video_views&period=day&since=2024-01-24&until=2024-01-29', 'v18.0', frozenPage),
    );
    const v = r.json.data[0].values.map((x: { value: number }) => x.value);
    // data days 71..75: the last one (2024-01-28, day 75) repeats day 74
    expect(v).toHaveLength(5);
    expect(v[4]).toBe(v[3]);
    expect(v[3]).not.toBe(v[2]);
    clock.set(pollInstant(meta2024, 75));
    const earlier = await get(
      sim,
      insights('metric=page_video_views&period=day&since=2024-01-24&until=2024-01-29', 'v18.0', frozenPage),
    );
    expect(earlier.json.data[0].values).toHaveLength(4);
  });

  it('shows the unit change of page_engagement_rate from data day 140', async () => {
    clock.set(pollInstant(meta2024, 142));
    const r = await get(
      sim,
      insights('metric=page_engagement_rate&period=day&since=2024-03-31&until=2024-04-04'),
    );
    // data days 138..141
    const v = r.json.data[0].values.map((x: { value: number }) => x.value);
    expect(v[0]).toBeLessThan(1);
    expect(v[1]).toBeLessThan(1);
    expect(v[2]).toBeGreaterThan(1);
    expect(v[3]).toBeGreaterThan(1);
  });

  it('logs every request with the token redacted and no header kept', async () => {
    await get(sim, `/v18.0/${PAGE}/insights?metric=page_media_view&access_token=${TOKEN}`);
    await get(sim, `/v18.0/${PAGE}/insights?metric=page_media_view&access_token=wrong-secret-42`);
    await get(sim, '/partner/v2/stats', { authorization: `Bearer ${meta2024.partner.token}` });
    const log = sim.requests();
    const text = JSON.stringify(log);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('wrong-secret-42');
    expect(text).not.toContain(meta2024.partner.token);
    const last = log.at(-3)!;
    expect(last).toMatchObject({
      api: 'graph',
      method: 'GET',
      status: 200,
      requestedVersion: 'v18.0',
      servedVersion: 'v18.0',
      pageId: PAGE,
      metrics: ['page_media_view'],
      url: `/v18.0/${PAGE}/insights?metric=page_media_view&access_token=[REDACTED]`,
      day: 121,
      at: pollInstant(meta2024, 121).toISOString(),
    });
    expect(log.at(-2)).toMatchObject({ status: 400, graphCode: 190 });
  });
});

describe('version fall-through', () => {
  it('serves an expired version by the next-oldest usable one and says so in facebook-api-version', async () => {
    const clock = new ManualClock('2024-06-01T09:00:00Z'); // v13.0 ended 2024-05-28
    const sim = await startGraphSimulator({ clock, scenario: meta2024 });
    try {
      const r = await get(sim, insights('metric=page_media_view&debug=all', 'v13.0'));
      expect(r.status).toBe(200);
      expect(r.headers.get('facebook-api-version')).toBe('v14.0');
      expect(r.json.__debug__.messages[0]).toMatchObject({
        type: 'warning',
        message: expect.stringContaining('served by v14.0'),
      });
      expect(new URL(r.json.paging.next as string).pathname).toBe(`/v14.0/${PAGE}/insights`);
      clock.set('2024-05-28T09:00:00Z');
      const still = await get(sim, insights('metric=page_media_view', 'v13.0'));
      expect(still.headers.get('facebook-api-version')).toBe('v13.0');
      clock.set('2024-11-25T09:00:00Z');
      expect(
        (await get(sim, insights('metric=page_media_view', 'v13.0'))).headers.get('facebook-api-version'),
      ).toBe('v16.0');
      expect(sim.requests().map((e) => [e.requestedVersion, e.servedVersion])).toEqual([
        ['v13.0', 'v14.0'],
        ['v13.0', 'v13.0'],
        ['v13.0', 'v16.0'],
      ]);
    } finally {
      await sim.close();
    }
  });
});

describe('scripted faults', () => {
  it('answers the scripted transient and throttling faults once, then recovers', async () => {
    const clock = new ManualClock(pollInstant(meta2024, 45));
    const sim = await startGraphSimulator({ clock, scenario: meta2024 });
    try {
      const q = insights('metric=page_media_view');
      const r500 = await get(sim, q);
      expect(r500.status).toBe(500);
      expect(r500.headers.get('content-type')).toMatch(/^text\/html/);
      expect((await get(sim, q)).status).toBe(200);

      clock.set(pollInstant(meta2024, 46));
      const r429 = await get(sim, q);
      expect(r429.status).toBe(429);
      expect(r429.headers.get('retry-after')).toBe('1');
      expect((await get(sim, q)).status).toBe(200);

      clock.set(pollInstant(meta2024, 60));
      const transient = await get(sim, q);
      expectGraphError(
        transient,
        503,
        2,
        'An unexpected error has occurred. Please retry your request later.',
      );
      expect(transient.json.error.is_transient).toBe(true);
      expect((await get(sim, q)).status).toBe(200);

      clock.set(pollInstant(meta2024, 61));
      const throttled = await get(sim, q);
      expectGraphError(
        throttled,
        400,
        80001,
        /^\(#80001\) There have been too many calls to this Page account/,
      );
      const buc = JSON.parse(throttled.headers.get('x-business-use-case-usage')!);
      expect(buc[PAGE][0]).toMatchObject({
        type: 'pages',
        call_count: 100,
        estimated_time_to_regain_access: 1,
      });
      expect((await get(sim, q)).status).toBe(200);
      expect(
        sim
          .requests()
          .filter((e) => e.fault !== undefined)
          .map((e) => e.fault),
      ).toEqual(['http 500', 'http 429', 'graph #2', 'graph #80001']);
    } finally {
      await sim.close();
    }
  });

  it.each([
    [4, 400, '(#4) Application request limit reached', 'x-app-usage'],
    [17, 400, '(#17) User request limit reached', 'x-app-usage'],
    [32, 400, '(#32) Page request limit reached', 'x-business-use-case-usage'],
    [613, 400, '(#613) Calls to this api have exceeded the rate limit.', 'x-app-usage'],
    [1, 500, 'An unknown error has occurred.', undefined],
    [190, 400, /^Error validating access token: Session has expired/, undefined],
  ])('injects Graph error #%i', async (code, status, message, usageHeader) => {
    const scenario: Scenario = {
      ...meta2024,
      events: [
        {
          kind: 'fault',
          day: 3,
          api: 'graph',
          fault: { type: 'graph', code, subcode: code === 190 ? 463 : undefined, regainMinutes: 7 },
        },
      ],
    };
    const sim = await startGraphSimulator({ clock: new ManualClock(pollInstant(scenario, 3)), scenario });
    try {
      const r = await get(sim, insights('metric=page_media_view'));
      expectGraphError(r, status, code, message, code === 190 ? 463 : undefined);
      if (usageHeader === 'x-app-usage')
        expect(JSON.parse(r.headers.get('x-app-usage')!).call_count).toBe(100);
      if (usageHeader === 'x-business-use-case-usage') {
        expect(JSON.parse(r.headers.get(usageHeader)!)[PAGE][0].estimated_time_to_regain_access).toBe(7);
      }
      if (code <= 2 || usageHeader !== undefined) expect(r.json.error.is_transient).toBe(true);
      // no count: every request of the day fails
      expect((await get(sim, insights('metric=page_media_view'))).json.error.code).toBe(code);
    } finally {
      await sim.close();
    }
  });
});

describe('server lifecycle', () => {
  it('listens on loopback on an ephemeral port, and close() is idempotent', async () => {
    const sim = await startGraphSimulator({
      clock: new ManualClock(pollInstant(meta2024, 0)),
      scenario: meta2024,
    });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const index = await get(sim, '/');
    expect(index.json).toMatchObject({ scenario: 'meta-2024', day: 0 });
    await Promise.all([sim.close(), sim.close()]);
    await sim.close();
    await expect(fetch(`${sim.url}/`)).rejects.toThrow();
  });
});
