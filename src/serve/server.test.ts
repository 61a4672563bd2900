import { afterEach, describe, expect, it } from 'vitest';
import { dashboardOptions, dashboardStore } from '../../test/helpers/dashboard-fixture.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { finding } from '../../test/helpers/gate-fixtures.js';
import type { Store } from '../store/store.js';
import type { StatusReport } from './status-report.js';
import { startDashboard, type RunningDashboard } from './server.js';

const TOKEN = 'tok-3f9a7c1e';
let dashboard: RunningDashboard | undefined;
let store: Store | undefined;
afterEach(async () => {
  await dashboard?.close();
  await store?.close();
  dashboard = undefined;
  store = undefined;
});

async function start(token?: string): Promise<{ url: string; fingerprint: string; path: string }> {
  const built = await dashboardStore(tempDir('upwatch-serve-'));
  store = built.store;
  dashboard = await startDashboard({
    ...dashboardOptions(built.store, built.path),
    ...(token ? { token } : {}),
    host: '127.0.0.1',
    port: 0,
  });
  return { url: dashboard.url, fingerprint: built.fingerprint, path: built.path };
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** GET a page and return its CSRF cookie and the form token it carries. */
async function session(url: string): Promise<{ cookie: string; csrf: string; html: string }> {
  const res = await fetch(url);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const html = await res.text();
  const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(html)?.[1] ?? '';
  return { cookie, csrf, html };
}

function post(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    redirect: 'manual',
  });
}

describe('upwatch serve (HTTP on a real store)', () => {
  it('serves the dashboard: the blocked feature with why, the open finding linked to its page', async () => {
    const { url, fingerprint } = await start();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/<tr data-feature="reach_7d" data-state="blocked">/);
    expect(html).toMatch(/<tr data-feature="growth_28d" data-state="ok">/);
    expect(html).toContain(`href="/findings/${fingerprint}"`);
    expect(html).toContain('Read-only');
    expect(html).not.toContain('<form class="action');
    expect(html).not.toContain('<script');
  });

  it("renders a finding's page: words, then evidence numbers, then the SVG chart; affected features; audit trail", async () => {
    const { url, fingerprint } = await start(TOKEN);
    const html = await (await fetch(`${url}/findings/${fingerprint}`)).text();
    const words = html.indexOf('class="explanation"');
    const numbers = html.indexOf('<table class="evidence">');
    const chart = html.indexOf('<svg');
    expect(words).toBeGreaterThan(0);
    expect(numbers).toBeGreaterThan(words);
    expect(chart).toBeGreaterThan(numbers);
    expect(html).toMatch(/<tr data-feature="reach_7d" data-state="blocked">/);
    expect(html).toMatch(/<li data-action="opened"/);
    expect(html).toContain('id="decide"');
    expect(html).not.toContain(TOKEN);
    expect((await fetch(`${url}/findings/00000000`)).status).toBe(404);
  });

  it('escapes what upstreams wrote and scrubs credentials on every page', async () => {
    const { url } = await start(TOKEN);
    const f = finding(
      'page_follows',
      {
        explanation: 'bad <script>alert(1)</script> from GET /x?access_token=EAAB123',
        title: '<img src=x onerror=alert(1)>',
      },
      '2026-03-20T07:00:00.000Z',
    );
    await store!.findings.insert({
      ...f,
      episode: 1,
      status: 'open',
      firstSeen: f.detectedAt,
      lastSeen: f.detectedAt,
      goodPollsSinceAbsent: 0,
      lifecycle: 'condition',
    });
    for (const path of ['/', '/findings', `/findings/${f.fingerprint}`]) {
      const html = await (await fetch(`${url}${path}`)).text();
      expect(html).not.toMatch(/<script|<img/);
      expect(html).not.toContain('EAAB123');
    }
    const page = await (await fetch(`${url}/findings/${f.fingerprint}`)).text();
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('filters open findings by source, owner, severity and state', async () => {
    const { url, fingerprint } = await start();
    const count = async (q: string) =>
      ((await (await fetch(`${url}/findings?${q}`)).text()).match(/<article class="finding/g) ?? []).length;
    expect(await count('')).toBe(1);
    expect(await count('source=meta&severity=block&state=open')).toBe(1);
    expect(await count('owner=reach_7d-owner%40example.com')).toBe(1);
    expect(await count('owner=growth_28d-owner%40example.com')).toBe(0);
    expect(await count('severity=warn')).toBe(0);
    expect(await count('state=acknowledged')).toBe(0);
    expect(await count('source=other')).toBe(0);
    expect(await (await fetch(`${url}/findings`)).text()).toContain(`href="/findings/${fingerprint}"`);
  });

  it('answers /healthz, /api/status (the status --json report) and /metrics (Prometheus text)', async () => {
    const { url, fingerprint, path } = await start();
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok');
    const status = (await (await fetch(`${url}/api/status`)).json()) as StatusReport;
    expect(status.db).toBe(path);
    expect(status.findings.map((f) => f.fingerprint)).toEqual([fingerprint]);
    expect(status.gate?.counts).toEqual({ ok: 1, warn: 0, blocked: 1 });
    expect(status.sources[0]).toMatchObject({ source: 'meta', polls: 1, lastOutcome: 'ok' });
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('upwatch_polls_total{source="meta",outcome="ok"} 1');
    expect(text).toContain('upwatch_open_findings{severity="block"} 1');
    expect(text).toContain('upwatch_open_findings{severity="warn"} 0');
    expect(text).toContain('upwatch_blocked_features 1');
    // the new finding queued its alert mails (one per owner); nothing was sent yet
    expect(text).toContain('upwatch_outbox_backlog 2');
    expect(text).toContain('upwatch_outbox_messages{state="pending"} 2');
    expect(text).toContain('upwatch_outbox_dead 0');
    expect(text).toMatch(/upwatch_last_successful_poll_timestamp_seconds\{source="meta"\} \d+/);
  });

  it('refuses every POST when started without a token (read-only)', async () => {
    const { url, fingerprint } = await start();
    const res = await post(
      `${url}/findings/${fingerprint}/decide`,
      { as: 'new-definition', reason: 'x' },
      {
        authorization: basic('ana', TOKEN),
      },
    );
    expect(res.status).toBe(403);
  });

  it('asks for the token (401 Basic challenge), then refuses a wrong one, a missing CSRF token and a foreign Origin', async () => {
    const { url, fingerprint } = await start(TOKEN);
    const page = `${url}/findings/${fingerprint}`;
    const s = await session(page);
    const fields = { as: 'new-definition', reason: 'new series', csrf: s.csrf };
    const none = await post(`${page}/decide`, fields, { cookie: s.cookie });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
    expect(
      (await post(`${page}/decide`, fields, { cookie: s.cookie, authorization: basic('ana', 'wrong') }))
        .status,
    ).toBe(401);
    expect(
      (
        await post(
          `${page}/decide`,
          { ...fields, csrf: '' },
          { cookie: s.cookie, authorization: basic('ana', TOKEN) },
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await post(`${page}/decide`, fields, {
          cookie: s.cookie,
          authorization: basic('ana', TOKEN),
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403);
    expect((await (await fetch(`${url}/api/status`)).json()) as StatusReport).toMatchObject({
      findings: [{ fingerprint }],
    });
  });

  it('records a decision from the form: the feature unblocks and the audit names who did it', async () => {
    const { url, fingerprint } = await start(TOKEN);
    const page = `${url}/findings/${fingerprint}`;
    const s = await session(page);
    const res = await post(
      `${page}/decide`,
      {
        as: 'switched-to-replacement',
        reason: 'moved to page_views',
        csrf: s.csrf,
        back: `/findings/${fingerprint}`,
      },
      { cookie: s.cookie, authorization: basic('ana', TOKEN), origin: url },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/findings/${fingerprint}?done=decided`);
    const html = await (await fetch(`${url}${res.headers.get('location')!}`)).text();
    expect(html).toContain('Decision recorded');
    expect(html).toMatch(/<tr data-feature="reach_7d" data-state="ok">/);
    expect(html).toMatch(/<li data-action="decided" data-actor="ana">/);
    // The resolved finding still names the feature it concerned, and asks nobody to acknowledge it.
    expect(html).toContain('<p>Features: <b>reach_7d</b> <span class="badge state-ok">ok</span></p>');
    expect(html).not.toContain('Not acknowledged');
    const audit = await store!.audit.read({ targetKind: 'finding', target: fingerprint });
    expect(audit.at(-1)).toMatchObject({ actor: 'ana', action: 'decided', reason: 'moved to page_views' });
  });

  it('acknowledges, overrides with an expiry and revokes, each audited with the actor; bearer needs no CSRF', async () => {
    const { url, fingerprint } = await start(TOKEN);
    const s = await session(`${url}/findings/${fingerprint}`);
    const auth = { cookie: s.cookie, authorization: basic('bo', TOKEN), origin: url };
    expect(
      (await post(`${url}/findings/${fingerprint}/ack`, { reason: 'on it', until: '7d', csrf: s.csrf }, auth))
        .status,
    ).toBe(303);
    expect(
      (
        await post(
          `${url}/features/reach_7d/override`,
          { action: 'allow', reason: 'safe', until: '2d', csrf: s.csrf },
          auth,
        )
      ).status,
    ).toBe(303);
    let feature = await (await fetch(`${url}/features/reach_7d`)).text();
    expect(feature).toMatch(/<tr data-feature="reach_7d" data-state="ok">/);
    expect(feature).toContain('class="action revoke-form"');
    const revoke = await post(
      `${url}/features/reach_7d/revoke`,
      { reason: 'not safe after all' },
      {
        authorization: `Bearer ${TOKEN}`,
      },
    );
    expect(revoke.status).toBe(303);
    feature = await (await fetch(`${url}/features/reach_7d`)).text();
    expect(feature).toMatch(/<tr data-feature="reach_7d" data-state="blocked">/);
    expect((await store!.audit.read()).map((e) => [e.actor, e.action])).toEqual(
      expect.arrayContaining([
        ['bo', 'acknowledged'],
        ['bo', 'override-allow'],
        ['api-token', 'override-revoked'],
      ]),
    );
    const bad = await post(
      `${url}/features/reach_7d/override`,
      { action: 'allow', reason: '', until: '2d', csrf: s.csrf },
      auth,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('an override needs a reason');
  });
});
