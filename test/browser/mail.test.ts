// An alert mail in a real browser: sent through a loopback SMTP server, its HTML opened in Chromium with each
// `cid:` image served from the message's attachments, as a mail client shows it. The chart must be a loaded picture.
// Not under libfaketime, like dashboard.test.ts (the preload reaches Chromium's processes); the clock is fixed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createMailRelay, type MailRelaySetup } from '../../src/alerts/setup.js';
import { ManualClock } from '../../src/core/clock.js';
import { openStore, type Store } from '../../src/store/store.js';
import { queueChartedAlert } from '../helpers/alert-mail.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

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
/** The screenshot and the received message, kept as test artefacts (ignored by git). */
const SHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'mail');

let browser: Browser | undefined;
let viewer: Server | undefined;
let sink: SmtpSink | undefined;
let mail: MailRelaySetup | undefined;
let store: Store | undefined;
afterAll(async () => {
  await browser?.close();
  if (viewer) await new Promise((resolve) => viewer!.close(resolve));
  await mail?.close();
  await sink?.close();
  await store?.close();
});

describe('an alert mail in Chromium', () => {
  it('shows the chart as a loaded PNG picture (Gmail and Outlook strip inline SVG, not attached images)', async (ctx) => {
    if (!existsSync(CHROMIUM))
      ctx.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium to run this test)`);
    mkdirSync(SHOTS, { recursive: true });
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    store = openStore(':memory:');
    sink = await startSmtpSink();
    const { fingerprint } = await queueChartedAlert(store, clock, {
      publicUrl: 'https://upwatch.example.com',
    });
    mail = createMailRelay({ store, smtpUrl: sink.url(), clock });
    await mail.relay.relayOnce(clock.now());
    const raw = sink.received.find((m) => m.to.includes('oncall@example.com'))!.raw;
    writeFileSync(join(SHOTS, 'alert.eml'), raw);
    const parsed = await simpleParser(raw, { keepCidLinks: true });

    // A mail client's view: the HTML part, and each content id answered with its attachment.
    const images = new Map(parsed.attachments.filter((a) => a.cid).map((a) => [a.cid!, a]));
    const html = String(parsed.html).replace(/src="cid:([^"]+)"/g, (_m, cid: string) => `src="/cid/${cid}"`);
    viewer = createServer((req, res) => {
      const cid = req.url?.startsWith('/cid/') ? decodeURIComponent(req.url.slice(5)) : undefined;
      const image = cid === undefined ? undefined : images.get(cid);
      if (image) {
        res.writeHead(200, { 'content-type': image.contentType }).end(image.content);
      } else if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => viewer!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(viewer.address() as AddressInfo).port}/`;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    await page.goto(url, { waitUntil: 'load' });
    const chart = page.locator(`div[data-upwatch-chart="${fingerprint}"] img`);
    expect(await chart.count()).toBe(1);
    expect(await chart.isVisible()).toBe(true);
    // The project's TypeScript has no DOM library: the element is typed by the properties read.
    type Img = { complete: boolean; naturalWidth: number; naturalHeight: number; width: number };
    const size = await chart.evaluate((img: Img) => ({
      complete: img.complete,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
      shownWidth: img.width,
    }));
    expect(size).toEqual({ complete: true, naturalWidth: 720, naturalHeight: 200, shownWidth: 360 });
    expect(await page.locator('svg').count()).toBe(0);
    expect(
      await page.getByRole('link', { name: 'Open this finding on the dashboard' }).getAttribute('href'),
    ).toBe(`https://upwatch.example.com/findings/${fingerprint}`);
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'alert.png'), fullPage: true });
  }, 120_000);
});
