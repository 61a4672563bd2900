/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- the JSON bodies under test are untyped on purpose */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { startGraphSimulator, type SimulatorHandle } from './graph-simulator.js';
import { pollInstant, type Scenario } from './scenario.js';
import { meta2024 } from './scenarios/meta-2024.js';

const BEARER = { authorization: `Bearer ${meta2024.partner.token}` };

async function get(sim: SimulatorHandle, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const r = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, { headers, method });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: () => JSON.parse(text) };
}

/** Visible text of an HTML page: scripts, styles and tags dropped, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<\/?(code|a|em|strong)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('docs pages', () => {
  let sim: SimulatorHandle;
  const clock = new ManualClock(pollInstant(meta2024, 29));
  beforeAll(async () => {
    sim = await startGraphSimulator({ clock, scenario: meta2024 });
  });
  afterAll(() => sim.close());

  it('announces the removal in the changelog on day 30 (90+ days ahead), in realistic HTML', async () => {
    clock.set(pollInstant(meta2024, 29));
    const before = await get(sim, '/docs/pages-api/changelog');
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(before.text).toMatch(/<nav[\s\S]*<script[\s\S]*<style|<style[\s\S]*<script[\s\S]*<nav/);
    expect(before.text).not.toContain('page_engaged_users');

    clock.set(pollInstant(meta2024, 30));
    const after = await get(sim, '/docs/pages-api/changelog');
    const text = visibleText(after.text);
    expect(text).toContain('December 14, 2023');
    expect(text).toContain(
      'On March 14, 2024, the following metrics will be deprecated for all API versions: page_engaged_users, page_consumptions',
    );
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(after.headers.get('last-modified')).toBe('Thu, 14 Dec 2023 00:00:00 GMT');
  });

  it('lists the metric on the deprecated-metrics page from the announcement day', async () => {
    clock.set(pollInstant(meta2024, 29));
    expect(visibleText((await get(sim, '/docs/platforminsights/page/deprecated-metrics')).text)).toContain(
      'No metrics are currently scheduled for deprecation.',
    );
    clock.set(pollInstant(meta2024, 31));
    const text = visibleText((await get(sim, '/docs/platforminsights/page/deprecated-metrics')).text);
    expect(text).toContain('page_engaged_users March 14, 2024 None');
  });

  it('answers conditional GETs with 304 while the page is unchanged, 200 once it changes', async () => {
    clock.set(pollInstant(meta2024, 25));
    const first = await get(sim, '/docs/pages-api/changelog');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[0-9a-f]{20}"$/);

    clock.set(pollInstant(meta2024, 29));
    const same = await get(sim, '/docs/pages-api/changelog', { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    expect(same.headers.get('etag')).toBe(etag);
    expect((await get(sim, '/docs/pages-api/changelog', { 'if-modified-since': lastModified })).status).toBe(
      304,
    );

    clock.set(pollInstant(meta2024, 30));
    expect((await get(sim, '/docs/pages-api/changelog', { 'if-none-match': etag })).status).toBe(200);
    expect((await get(sim, '/docs/pages-api/changelog', { 'if-modified-since': lastModified })).status).toBe(
      200,
    );
  });

  it('keeps a page byte-identical on days nothing happens (no volatile noise)', async () => {
    clock.set(pollInstant(meta2024, 40));
    const a = await get(sim, '/docs/pages-api/changelog');
    clock.set(pollInstant(meta2024, 60));
    const b = await get(sim, '/docs/pages-api/changelog');
    expect(b.text).toBe(a.text);
    clock.set(pollInstant(meta2024, 70)); // v19.0 release note: a change that names no metric
    const c = await get(sim, '/docs/pages-api/changelog');
    expect(c.text).not.toBe(a.text);
    expect(visibleText(c.text)).toContain('Graph API v19.0 is now available');
  });

  it('answers HEAD with headers only, and unknown docs with 404', async () => {
    const head = await get(sim, '/docs/pages-api/changelog', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toMatch(/^"/);
    expect((await get(sim, '/docs/nope')).status).toBe(404);
  });

  it('prints the alternative when a scenario names one', async () => {
    const scenario: Scenario = {
      ...meta2024,
      events: [
        {
          kind: 'metric-removed',
          day: 100,
          metric: 'page_video_views',
          announceDay: 10,
          alternative: 'page_media_view',
        },
      ],
    };
    const s = await startGraphSimulator({ clock: new ManualClock(pollInstant(scenario, 10)), scenario });
    try {
      const text = visibleText((await get(s, '/docs/pages-api/changelog')).text);
      expect(text).toContain(
        'On February 22, 2024, the following metrics will be deprecated for all API versions: page_video_views.',
      );
      expect(text).toContain('page_video_views (Alternative: page_media_view)');
      expect(text).toContain('Alternative: page_media_view');
    } finally {
      await s.close();
    }
  });
});

describe('partner API', () => {
  let sim: SimulatorHandle;
  const clock = new ManualClock(pollInstant(meta2024, 99));
  beforeAll(async () => {
    sim = await startGraphSimulator({ clock, scenario: meta2024 });
  });
  afterAll(() => sim.close());

  it('serves records { entity, date, metrics } for complete days', async () => {
    clock.set(pollInstant(meta2024, 99));
    const r = await get(sim, '/partner/v2/stats?since=2024-02-19&until=2024-02-25', BEARER);
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body.next).toBeNull();
    // day 99 = 2024-02-21: complete days end on 2024-02-20
    expect(new Set(body.data.map((x: { date: string }) => x.date))).toEqual(
      new Set(['2024-02-19', '2024-02-20']),
    );
    expect(body.data).toHaveLength(2 * meta2024.partner.entities.length);
    expect(body.data[0]).toEqual({
      entity: 'acme-eu',
      date: '2024-02-19',
      metrics: {
        sessions: expect.any(Number),
        clicks: expect.any(Number),
        conversions: expect.any(Number),
        conversion_rate: expect.any(Number),
      },
    });
    expect(body.data[0].metrics.conversion_rate).toBeLessThan(1);
  });

  it('adds Deprecation (@epoch), Sunset (HTTP-date) and Link rel="deprecation" from day 100', async () => {
    clock.set(pollInstant(meta2024, 99));
    const before = await get(sim, '/partner/v2/stats', BEARER);
    expect(before.headers.get('deprecation')).toBeNull();
    expect(before.headers.get('sunset')).toBeNull();

    clock.set(pollInstant(meta2024, 100));
    const after = await get(sim, '/partner/v2/stats', BEARER);
    expect(after.headers.get('deprecation')).toBe(`@${Date.parse('2024-02-22T00:00:00Z') / 1000}`);
    expect(after.headers.get('sunset')).toBe('Sat, 01 Jun 2024 23:59:59 GMT');
    expect(after.headers.get('link')).toBe(
      `<${sim.url}/partner/docs/deprecations>; rel="deprecation"; type="text/html", <${sim.url}/partner/v3/stats>; rel="successor-version"`,
    );
    const policy = await get(sim, '/partner/docs/deprecations');
    expect(policy.text).toContain('GET /v2/stats is deprecated since February 22, 2024');
  });

  it('changes the OpenAPI document on the scripted days: field deprecated (70), operation deprecated (100), field removed (150)', async () => {
    const spec = async (day: number) => {
      clock.set(pollInstant(meta2024, day));
      return (await get(sim, '/partner/v2/openapi.json')).json();
    };
    const clicks = (doc: any) => doc.components.schemas.Metrics.properties.clicks;
    const d69 = await spec(69);
    expect(d69.openapi).toBe('3.0.3');
    expect(d69.servers[0].url).toBe(`${sim.url}/partner`);
    expect(clicks(d69).deprecated).toBeUndefined();
    expect(d69.paths['/v2/stats'].get.deprecated).toBeUndefined();

    const d70 = await spec(70);
    expect(clicks(d70)).toMatchObject({ type: 'integer', deprecated: true, 'x-sunset': '2024-04-12' });
    expect(d70.info.version).not.toBe(d69.info.version);

    const d100 = await spec(100);
    expect(d100.paths['/v2/stats'].get).toMatchObject({ deprecated: true, 'x-sunset': '2024-06-01' });

    const d150 = await spec(150);
    expect(clicks(d150)).toBeUndefined();
    expect(Object.keys(d150.components.schemas.Metrics.properties)).toEqual([
      'sessions',
      'conversions',
      'conversion_rate',
    ]);
    const records = (await get(sim, '/partner/v2/stats', BEARER)).json().data;
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r: { metrics: object }) => !('clicks' in r.metrics))).toBe(true);
  });

  it('serves the OpenAPI document with ETag and 304', async () => {
    clock.set(pollInstant(meta2024, 71));
    const first = await get(sim, '/partner/v2/openapi.json');
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    clock.set(pollInstant(meta2024, 99));
    expect(
      (await get(sim, '/partner/v2/openapi.json', { 'if-none-match': first.headers.get('etag')! })).status,
    ).toBe(304);
    clock.set(pollInstant(meta2024, 100));
    expect(
      (await get(sim, '/partner/v2/openapi.json', { 'if-none-match': first.headers.get('etag')! })).status,
    ).toBe(200);
  });

  it('pages with limit and a next URL', async () => {
    clock.set(pollInstant(meta2024, 99));
    const first = (
      await get(sim, '/partner/v2/stats?since=2024-02-15&until=2024-02-20&limit=7', BEARER)
    ).json();
    expect(first.data).toHaveLength(7);
    expect(first.next).toMatch(/cursor=7/);
    const all = [...first.data];
    let next: string | null = first.next;
    while (next !== null) {
      const page = (await get(sim, next, BEARER)).json();
      all.push(...page.data);
      next = page.next;
    }
    expect(all).toHaveLength(6 * meta2024.partner.entities.length);
  });

  it.each([
    ['no bearer token', '/partner/v2/stats', {}, 401, 'unauthorized'],
    ['a wrong bearer token', '/partner/v2/stats', { authorization: 'Bearer nope' }, 401, 'unauthorized'],
    [
      'a window over 90 days',
      '/partner/v2/stats?since=2023-11-01&until=2024-02-01',
      BEARER,
      400,
      'invalid_range',
    ],
    ['a malformed date', '/partner/v2/stats?since=yesterday', BEARER, 400, 'invalid_date'],
  ])('refuses %s', async (_n, path, headers, status, code) => {
    const r = await get(sim, path, headers);
    expect(r.status).toBe(status);
    expect(r.json().error.code).toBe(code);
  });

  it('fails all day 130 with 500, answers one 429 with Retry-After on day 131', async () => {
    clock.set(pollInstant(meta2024, 130));
    for (let i = 0; i < 3; i++) expect((await get(sim, '/partner/v2/stats', BEARER)).status).toBe(500);
    clock.set(pollInstant(meta2024, 131));
    const r = await get(sim, '/partner/v2/stats', BEARER);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect((await get(sim, '/partner/v2/stats', BEARER)).status).toBe(200);
  });

  it('answers 410 Gone after the sunset when the scenario retires the endpoint', async () => {
    const scenario: Scenario = {
      ...meta2024,
      events: [
        { kind: 'http-deprecation', day: 10, deprecationDay: 10, sunsetDay: 20, goneAfterSunset: true },
      ],
    };
    const c = new ManualClock(pollInstant(scenario, 20));
    const s = await startGraphSimulator({ clock: c, scenario });
    try {
      expect((await get(s, '/partner/v2/stats', BEARER)).status).toBe(200);
      c.set(pollInstant(scenario, 21));
      const gone = await get(s, '/partner/v2/stats', BEARER);
      expect(gone.status).toBe(410);
      expect(gone.headers.get('sunset')).toBe('Mon, 04 Dec 2023 23:59:59 GMT');
    } finally {
      await s.close();
    }
  });
});
