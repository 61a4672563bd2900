import { afterAll, describe, expect, it } from 'vitest';
import { createEmailTransport, parseSmtpUrl } from '../alerts/email.js';
import { decodeMimeWords, headerOf, startSmtpCatcher } from './smtp-catcher.js';

describe('decodeMimeWords', () => {
  it.each([
    ['plain text', 'plain text'],
    [
      '=?UTF-8?Q?BLOCKED_1_feature:_page=5Fvideo=5Fviews_frozen?=',
      'BLOCKED 1 feature: page_video_views frozen',
    ],
    ['=?UTF-8?B?4oaSIGRheSAxMjE=?=', '→ day 121'],
    ['=?UTF-8?Q?a=E2=86=92?= =?UTF-8?Q?b?=', 'a→b'],
    ['[upwatch] =?utf-8?q?caf=C3=A9?= ok', '[upwatch] café ok'],
  ])('%s', (encoded, decoded) => {
    expect(decodeMimeWords(encoded)).toBe(decoded);
  });
});

describe('headerOf', () => {
  it('unfolds continuation lines and stops at the body', () => {
    const raw =
      'From: a@b\r\nSubject: [upwatch] WARN 2 features:\r\n =?UTF-8?Q?x=E2=86=92y?=\r\n\r\nSubject: not this';
    expect(headerOf(raw, 'Subject')).toBe('[upwatch] WARN 2 features: x→y');
    expect(headerOf(raw, 'To')).toBe('');
  });
});

describe('startSmtpCatcher', () => {
  const catcherP = startSmtpCatcher();
  afterAll(async () => (await catcherP).close());

  it('accepts a message from the real mail transport and decodes its subject', async () => {
    const catcher = await catcherP;
    const settings = parseSmtpUrl(catcher.url);
    const transport = createEmailTransport(settings);
    try {
      await transport.send({
        from: settings.from,
        to: ['owner@example.com'],
        subject: '[upwatch] BLOCKED 1 feature: page_engagement_rate ×100 → percent',
        text: 'body',
        html: '<p>body</p>',
        messageId: '<upwatch-test@upwatch.local>',
      });
    } finally {
      transport.close();
    }
    expect(catcher.received).toHaveLength(1);
    expect(catcher.received[0]).toMatchObject({
      from: 'upwatch-demo@upwatch.local',
      to: ['owner@example.com'],
      subject: '[upwatch] BLOCKED 1 feature: page_engagement_rate ×100 → percent',
    });
  });

  it('closes idempotently', async () => {
    const c = await startSmtpCatcher();
    await Promise.all([c.close(), c.close()]);
    await c.close();
  });
});
