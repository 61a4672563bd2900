// Alert mails as a recipient's mail client sees them: sent through a real SMTP server on loopback, parsed by mailparser.
import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { ManualClock } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import { openStore, type Store } from '../store/store.js';
import { createMailRelay, type MailRelaySetup } from './setup.js';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtp-sink.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { queueChartedAlert } from '../../test/helpers/alert-mail.js';

const PUBLIC_URL = 'https://upwatch.example.com/watch';

let store: Store | undefined;
let sink: SmtpSink | undefined;
let mail: MailRelaySetup | undefined;
afterEach(async () => {
  await mail?.close();
  await sink?.close();
  await store?.close();
  store = sink = mail = undefined;
});

/** Queue the alert about page_post_engagements, send it to a loopback SMTP server and parse what arrived. */
async function sendAlert(
  charts: Parameters<typeof createMailRelay>[0]['charts'],
  logger = new MemoryLogger(),
): Promise<{ parsed: ParsedMail; fingerprint: string; logger: MemoryLogger }> {
  const clock = new ManualClock('2026-03-15T07:00:00Z');
  store = openStore(':memory:');
  sink = await startSmtpSink();
  const { fingerprint, queued } = await queueChartedAlert(store, clock, { publicUrl: PUBLIC_URL });
  expect(queued).toBeGreaterThan(0);
  mail = createMailRelay({ store, smtpUrl: sink.url(), clock, logger, ...(charts ? { charts } : {}) });
  await mail.relay.relayOnce(clock.now());
  // keepCidLinks: see the HTML as sent (mailparser would otherwise inline the images as data: URLs)
  const all = await Promise.all(sink.received.map((m) => simpleParser(m.raw, { keepCidLinks: true })));
  const parsed = all.find((m) =>
    (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text.includes('oncall@example.com')),
  )!;
  expect(parsed).toBeDefined();
  return { parsed, fingerprint, logger };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('charts in alert mails', () => {
  // The success path draws with a system font: Debian's chromium package (installed by .ci/run for the browser
  // tests) brings DejaVu Sans through fontconfig. Without any font the chart is refused, as the next test shows.
  it('embeds the chart as a PNG shown by content id, with no SVG left for Gmail or Outlook to strip', async () => {
    const { parsed, fingerprint } = await sendAlert(undefined);
    const html = String(parsed.html);
    expect(html).not.toContain('<svg');
    const cid = /<img src="cid:([^"]+)"[^>]*alt="page_post_engagements around 2026-03-14"/.exec(html)?.[1];
    expect(cid).toBeDefined();
    const image = parsed.attachments.find((a) => a.cid === cid)!;
    expect(image).toBeDefined();
    expect(image.contentType).toBe('image/png');
    expect(image.contentDisposition).toBe('inline');
    // drawn at twice the SVG's 360×100 so it stays sharp on high-density screens
    expect(pngSize(image.content)).toEqual({ width: 720, height: 200 });
    expect(html).toContain(`href="${PUBLIC_URL}/findings/${fingerprint}"`);
  });

  it('sends the mail without the chart, says where to see it, and logs why, when no font can draw the labels', async () => {
    const empty = tempDir('upwatch-nofonts-');
    const { parsed, fingerprint, logger } = await sendAlert({ fontDirs: [empty] });
    const html = String(parsed.html);
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('cid:');
    expect(parsed.attachments).toHaveLength(0);
    expect(html).toContain(
      `The chart could not be attached to this mail; it is on <a href="${PUBLIC_URL}/findings/${fingerprint}">the finding's dashboard page</a>.`,
    );
    expect(parsed.text).toContain('rejected by Meta');
    const warning = logger.lines.find((l) => l.msg === 'chart not attached to mail');
    expect(warning?.level).toBe('warn');
    expect(warning?.fields).toMatchObject({ fingerprint });
    expect(String(warning?.fields?.['error'])).toContain('no font found to draw chart labels');
  });
});

describe('the plain-text part', () => {
  it('stands on its own: state, cause, numbers, what to do and the dashboard link, without markup', async () => {
    const { parsed, fingerprint } = await sendAlert(undefined);
    const text = parsed.text ?? '';
    expect(parsed.subject).toBe('[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)');
    expect(text).toContain('Blocked features: engagement_rate_7d'); // state
    expect(text).toContain('[NEW] BLOCK page_post_engagements rejected by Meta (#100)'); // cause
    expect(text).toMatch(/evidence: .*=100; .*=1280/); // numbers
    expect(text).toContain('features: engagement_rate_7d (blocked)');
    expect(text).toContain(`upwatch ack ${fingerprint.slice(0, 10)} --reason "<why>" --until 2026-03-22`); // what to do
    expect(text).toContain('upwatch override engagement_rate_7d --allow');
    expect(text).toContain(`dashboard: ${PUBLIC_URL}/findings/${fingerprint}`); // link
    expect(text).toContain(`Dashboard: ${PUBLIC_URL}/`);
    expect(text).not.toMatch(/<\/?(div|p|a|b|img|svg|table|code|pre|html)\b/i);
  });
});
