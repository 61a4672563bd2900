// The webhook body of a notice: what channelFindingsOf puts in the outbox row, as the receiver gets it, checked against
// the published JSON Schema (schema/alert-webhook.schema.json), with and without a declared event.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { FindingRecord } from '../core/finding-record.js';
import { channelFindingsOf, type ChannelFinding } from './channel-message.js';
import type { MailItem } from './compose.js';
import { slackMessage } from './slack-message.js';
import { webhookBody } from './webhook-body.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const validateBody = addFormats(new Ajv({ allErrors: true, strict: true })).compile(
  JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'alert-webhook.schema.json'), 'utf8'),
  ) as object,
);

const finding = {
  fingerprint: 'ab12cd34ef56ab12',
  episode: 1,
  source: 'feed-events',
  metric: 'ctr',
  rule: 'rate-shift',
  severity: 'warn',
  explanation: 'ctr rose for home: 4.1% over the last 7 days against 3.0% before.',
  onset: '2026-08-13',
  entities: ['home'],
  evidence: {},
} as unknown as FindingRecord;

function item(event?: MailItem['event']): MailItem {
  return {
    finding,
    change: 'new',
    features: [{ name: 'ctr_7d', state: 'warn', effect: 'warn' }],
    ...(event ? { event } : {}),
  };
}

function body(findings: ChannelFinding[]) {
  return webhookBody(
    {
      dedupKey: 'a'.repeat(64),
      kind: 'alert',
      messageId: '<upwatch-k1@test>',
      createdAt: '2026-08-14T07:00:00.000Z',
      attempts: 1,
      payload: {
        subject: '[upwatch] WARN 1 feature',
        text: '',
        html: '',
        channel: {
          url: 'https://hooks.example.com/x',
          findings: findings as unknown as Record<string, unknown>[],
        },
      },
    },
    { now: new Date('2026-08-14T07:00:01Z') },
  );
}

describe('a channel notice names the declared event a finding began in', () => {
  it.each([
    {
      name: 'with a description (secrets scrubbed from it)',
      event: { name: 'ui-redesign-2026-08', description: 'bigger thumbnails, token SECRET1' },
      want: { name: 'ui-redesign-2026-08', description: 'bigger thumbnails, token [REDACTED]' },
      slack: 'began during declared event ui-redesign-2026-08 (bigger thumbnails, token [REDACTED])',
    },
    {
      name: 'without a description',
      event: { name: 'spring-campaign' },
      want: { name: 'spring-campaign' },
      slack: 'began during declared event spring-campaign: the known change may explain it',
    },
    { name: 'no event', event: undefined, want: undefined, slack: undefined },
  ])('$name', ({ event, want, slack }) => {
    const findings = channelFindingsOf([item(event)], ['SECRET1']);
    expect(findings[0]?.event).toEqual(want);
    const b = body(findings);
    expect(validateBody(b), JSON.stringify(validateBody.errors)).toBe(true);
    expect(b.findings[0]?.event).toEqual(want);
    const text = JSON.stringify(
      slackMessage({ kind: 'alert', payload: { subject: 's', text: '', html: '', channel: b as never } }, {})
        .blocks,
    );
    if (slack === undefined) expect(text).not.toContain('declared event');
    else expect(text).toContain(slack);
  });
});
