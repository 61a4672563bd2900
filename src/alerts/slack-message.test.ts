import { describe, expect, it } from 'vitest';
import type { ChannelFinding } from './channel-message.js';
import { SLACK_MAX_FINDINGS, slackMessage } from './slack-message.js';

const base: ChannelFinding = {
  fingerprint: '0123456789abcdef',
  episode: 1,
  change: 'new',
  severity: 'warn',
  source: 'partner',
  metric: 'clicks',
  rule: 'range-violated',
  title: 'clicks < 0 & "negative" | check <feed>',
  explanation: 'clicks went negative.',
  onset: '2026-03-14',
  features: [{ name: 'ctr_7d', state: 'warn', effect: 'warn' }],
};

const row = (findings: ChannelFinding[], subject = '[upwatch] WARN 1 feature: clicks < 0') => ({
  kind: 'alert' as const,
  payload: {
    subject,
    text: '',
    html: '',
    channel: { url: '${X}', findings: findings as unknown as Record<string, unknown>[] },
  },
});

describe('the Slack message', () => {
  it('escapes mrkdwn, keeps links intact, and names the fingerprint when there is no dashboard to link to', () => {
    const linked = JSON.stringify(slackMessage(row([base]), { publicUrl: 'https://u.example.com' }).blocks);
    expect(linked).toContain(
      '<https://u.example.com/findings/0123456789abcdef|clicks &lt; 0 &amp; \\"negative\\" / check &lt;feed&gt;>',
    );
    expect(linked).toContain('*WARN 1 feature*: clicks &lt; 0');
    const plain = slackMessage(row([base]), {});
    expect(JSON.stringify(plain.blocks)).toContain(
      '*clicks &lt; 0 &amp; \\"negative\\" | check &lt;feed&gt;*',
    );
    expect(JSON.stringify(plain.blocks)).toContain('fingerprint 0123456789');
    // the notification text is plain (Slack shows it in notifications, unrendered)
    expect(plain.text).toBe('WARN 1 feature: clicks < 0');
  });

  it(`lists at most ${SLACK_MAX_FINDINGS} findings and counts the rest`, () => {
    const many = Array.from({ length: 14 }, (_, i) => ({
      ...base,
      fingerprint: `fp${String(i).padStart(2, '0')}`,
    }));
    const m = slackMessage(row(many), {});
    expect(m.blocks).toHaveLength(1 + SLACK_MAX_FINDINGS + 1);
    expect(JSON.stringify(m.blocks.at(-1))).toContain('…and 4 more findings');
  });

  it('a resolved notice offers no acknowledge command', () => {
    const m = slackMessage(
      { ...row([{ ...base, change: 'resolved' }], '[upwatch] RESOLVED: clicks < 0'), kind: 'resolved' },
      {},
    );
    expect(m.text).toBe('RESOLVED: clicks < 0');
    expect(JSON.stringify(m.blocks)).not.toContain('upwatch ack');
    expect(JSON.stringify(m.blocks)).toContain(':white_check_mark:');
  });
});
