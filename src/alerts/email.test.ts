import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { isUpwatchError } from '../core/errors.js';
import { classifySmtpError, createEmailTransport, parseSmtpUrl, redactSmtpUrl } from './email.js';
import { fullJitterMs } from './backoff.js';
import { scrubText } from './scrub.js';
import { parseRecipients } from './settings.js';
import { startSmtpSink } from '../../test/helpers/smtp-sink.js';

describe('parseSmtpUrl', () => {
  it('reads host, port, TLS options and sender, and keeps the password out of every printable form', () => {
    const s = parseSmtpUrl(
      'smtp://alerts:p%40ss-canary@mail.example.com:2525?from=up@example.com&requireTLS=true&rejectUnauthorized=false&servername=mx.example.com',
    );
    expect(s).toMatchObject({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      user: 'alerts',
      from: 'up@example.com',
      requireTLS: true,
      ignoreTLS: false,
      tls: { rejectUnauthorized: false, servername: 'mx.example.com' },
    });
    expect(s.password?.reveal()).toBe('p@ss-canary');
    expect(s.display).toBe(
      'smtp://alerts:***@mail.example.com:2525?from=up@example.com&requireTLS=true&rejectUnauthorized=false&servername=mx.example.com',
    );
    expect(JSON.stringify(s) + inspect(s)).not.toContain('canary');
  });

  it.each([
    ['smtps://h', { secure: true, port: 465, from: 'upwatch@h' }],
    ['smtp://h', { secure: false, port: 587 }],
    ['smtp://h:25?ignoreTLS=1', { port: 25, ignoreTLS: true }],
  ])('defaults for %s', (url, expected) => {
    expect(parseSmtpUrl(url)).toMatchObject(expected);
  });

  it.each(['http://u:canary-pw@h', 'smtp://u:canary-pw@', 'not a url canary-pw'])(
    'rejects %s without echoing a password',
    (url) => {
      try {
        parseSmtpUrl(url);
        expect.unreachable();
      } catch (e) {
        expect(isUpwatchError(e, 'CONFIG_INVALID')).toBe(true);
        expect(inspect(e)).not.toContain('canary-pw');
      }
    },
  );

  it('redacts URLs that do not parse', () => {
    expect(redactSmtpUrl('smtp://u:se cret@h')).toBe('smtp://u:***@h');
  });
});

describe('SMTP failure classes', () => {
  it.each([
    [{ code: 'EENVELOPE', responseCode: 451 }, 'transient'],
    [{ code: 'EENVELOPE', responseCode: 421 }, 'transient'],
    [{ code: 'EENVELOPE', responseCode: 452 }, 'transient'],
    [{ code: 'EENVELOPE', responseCode: 550 }, 'permanent'],
    [{ code: 'EMESSAGE', responseCode: 554 }, 'permanent'],
    [{ code: 'ESOCKET' }, 'transient'],
    [{ code: 'ETIMEDOUT' }, 'transient'],
    [{ code: 'ECONNECTION' }, 'transient'],
    [{ code: 'EAUTH', responseCode: 535 }, 'config'],
  ] as const)('%o is %s', (e, cls) => {
    expect(classifySmtpError(e)).toBe(cls);
  });

  it('times out a server that never greets (verify)', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const t = createEmailTransport(parseSmtpUrl(`smtp://127.0.0.1:${port}?ignoreTLS=true`), {
      greetingTimeoutMs: 300,
      connectionTimeoutMs: 300,
    });
    await expect(t.verify(2000)).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
    t.close();
    await new Promise<void>((r) => silent.close(() => r()));
    silent.unref();
  });

  it('verifies a reachable server', async () => {
    const sink = await startSmtpSink();
    const t = createEmailTransport(parseSmtpUrl(sink.url()));
    await expect(t.verify(2000)).resolves.toBeUndefined();
    t.close();
    await sink.close();
  });
});

describe('helpers', () => {
  it('full jitter stays within min(cap, base·2^n)', () => {
    const o = { baseMs: 30_000, capMs: 3_600_000 };
    expect(fullJitterMs(0, o, () => 0.999999)).toBeLessThan(30_000);
    expect(fullJitterMs(3, o, () => 0.5)).toBe(120_000);
    expect(fullJitterMs(20, o, () => 0.999999)).toBeLessThan(3_600_000);
    expect(fullJitterMs(5, o, () => 0)).toBe(0);
  });

  it('scrubs credentials from mail text', () => {
    expect(
      scrubText(
        'GET /x?metric=a&access_token=EAAB123&b=1 Authorization: Bearer abcdef123456 smtp://u:pw@h s3cr3tvalue',
        ['s3cr3tvalue'],
      ),
    ).toBe(
      'GET /x?metric=a&access_token=[REDACTED]&b=1 Authorization: Bearer [REDACTED] smtp://u:***@h [REDACTED]',
    );
  });

  it('parses recipient lists', () => {
    expect(parseRecipients('A@x.com, b@y.org;nope  a@x.com')).toEqual(['a@x.com', 'b@y.org']);
  });
});
