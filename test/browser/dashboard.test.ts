// The dashboard in a real browser: Playwright drives the system's Chromium through what an owner does.
// The store and the server's clock are fixed (DASHBOARD_NOW), so the test holds at any date. Do not run it under libfaketime
// (`faketime … vitest`): the preload reaches Chromium's processes and its navigations time out whatever the date;
// .ci/run's second, faked-clock pass leaves test/browser out for that reason.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../src/serve/server.js';
import type { Store } from '../../src/store/store.js';
import { dashboardOptions, dashboardStore } from '../helpers/dashboard-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Debian's Chromium (`apt-get install chromium`); CI installs it, a developer's machine may not have it. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Screenshots of the main pages, kept as test artefacts (ignored by git). */
const SHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'dashboard');
const TOKEN = 'browser-token-7c1e';

let browser: Browser | undefined;
let dashboard: RunningDashboard | undefined;
let store: Store | undefined;
afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await store?.close();
});

describe('the dashboard in Chromium', () => {
  it('walks an owner from the blocked feature to its finding, records a decision, and refuses an unauthenticated POST', async (ctx) => {
    if (!existsSync(CHROMIUM))
      ctx.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium to run this test)`);
    mkdirSync(SHOTS, { recursive: true });
    const built = await dashboardStore(tempDir('upwatch-browser-'));
    store = built.store;
    dashboard = await startDashboard({
      ...dashboardOptions(built.store, built.path),
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });

    // Without the token: the form is there, but posting it is refused and nothing changes.
    const stranger = await browser.newContext();
    const anon = await stranger.newPage();
    await anon.goto(`${dashboard.url}/findings/${built.fingerprint}`);
    await anon.fill('#ack input[name="reason"]', 'drive-by');
    const [refused] = await Promise.all([
      anon.waitForResponse((r) => r.request().method() === 'POST'),
      anon.click('#ack button[type="submit"]'),
    ]);
    expect(refused.status()).toBe(401);
    expect((await built.store.findings.active())[0]).toMatchObject({
      fingerprint: built.fingerprint,
      status: 'open',
    });
    await stranger.close();

    // With the token (HTTP Basic, the user name is who acts).
    const owner = await browser.newContext({
      httpCredentials: { username: 'ana', password: TOKEN, send: 'always' },
      viewport: { width: 1280, height: 900 },
    });
    const page = await owner.newPage();
    await page.goto(dashboard.url);
    const blocked = page.locator('tr[data-feature="reach_7d"][data-state="blocked"]');
    await expect.poll(() => blocked.count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, '1-dashboard.png'), fullPage: true });

    await blocked.getByRole('link', { name: 'details' }).click();
    await page.waitForURL(`**/findings/${built.fingerprint}`);
    const chart = page.locator('figure.chart svg');
    expect(await chart.count()).toBe(1);
    expect(await chart.isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, '2-finding.png'), fullPage: true });

    await page.selectOption('#decide select[name="as"]', 'switched-to-replacement');
    await page.fill('#decide input[name="reason"]', 'feature store reads page_views since 2026-03-18');
    await Promise.all([page.waitForURL('**?done=decided'), page.click('#decide button[type="submit"]')]);
    expect(await page.locator('#notice').textContent()).toContain('Decision recorded');
    expect(await page.locator('#affected tr[data-feature="reach_7d"]').getAttribute('data-state')).toBe('ok');
    const audit = page.locator('#audit li[data-action="decided"][data-actor="ana"]');
    expect(await audit.count()).toBe(1);
    expect(await audit.textContent()).toContain('feature store reads page_views since 2026-03-18');
    await page.screenshot({ path: join(SHOTS, '3-decided.png'), fullPage: true });

    await page.goto(dashboard.url);
    expect(await page.locator('tr[data-feature="reach_7d"]').getAttribute('data-state')).toBe('ok');

    // The source behind it: from the navigation to its page, with its polls and served API versions.
    await page.getByRole('navigation').getByRole('link', { name: 'Sources' }).click();
    await page.waitForURL('**/sources');
    await page.locator('tr[data-source="meta"]').getByRole('link', { name: 'meta' }).click();
    await page.waitForURL('**/sources/meta');
    expect(await page.locator('#polls tr[data-outcome="ok"]').count()).toBe(1);
    expect(await page.locator('#versions tr[data-version="v24.0"]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, '4-source.png'), fullPage: true });
    await owner.close();
  }, 120_000);
});
