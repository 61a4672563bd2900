import { describe, expect, it } from 'vitest';
import { loadContractTexts } from './load.js';
import { secretValues } from './secret-values.js';
import { secretsSet } from './rules/secrets-set.js';

const SOURCE = `apiVersion: upwatch/v1
kind: Source
name: meta
owners: [a@example.com]
provider: meta-graph
connection:
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["1"]
schedule: "0 7 * * *"
metrics:
  - name: page_media_view
    kind: count
---
`;

const feature = (channels: string) => `apiVersion: upwatch/v1
kind: Feature
name: reach_7d
owners: [ranking@example.com]
${channels}
uses: [meta/page_media_view]
`;

function load(channels: string) {
  return loadContractTexts([{ path: 'c.yaml', text: SOURCE + feature(channels) }], { rules: [] });
}

/** Errors of a feature's `channels:` block as `line:col code message | hint`. */
function errorsOf(channels: string): string[] {
  return load(channels)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.col} ${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`);
}

describe('alert channels in the contracts', () => {
  it('loads a Slack channel and a signed webhook, keeping their ${VAR} references unexpanded', () => {
    const r = load(`channels:
  - slack: \${SLACK_RANKING_URL}
  - webhook: https://alerts.example.com/upwatch
    secret: \${UPWATCH_WEBHOOK_SECRET}`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.contracts?.features[0]?.channels).toEqual([
      { kind: 'slack', url: { template: '${SLACK_RANKING_URL}', refs: ['SLACK_RANKING_URL'] } },
      {
        kind: 'webhook',
        url: { template: 'https://alerts.example.com/upwatch', refs: [] },
        secret: { template: '${UPWATCH_WEBHOOK_SECRET}', refs: ['UPWATCH_WEBHOOK_SECRET'] },
      },
    ]);
    // Their values are scrubbed from everything upwatch writes, like a source's token.
    const env: Record<string, string> = {
      META_PAGE_TOKEN: 'tok-1234',
      SLACK_RANKING_URL: 'https://hooks.slack.test/T/B/x',
      UPWATCH_WEBHOOK_SECRET: 'shh-5678',
    };
    expect(secretValues(r.contracts, (n) => env[n]).sort()).toEqual(
      ['https://hooks.slack.test/T/B/x', 'shh-5678', 'tok-1234'].sort(),
    );
    // An unset variable is a warning at validate time, named where it was written.
    const warned = secretsSet.check(r.contracts, {
      now: new Date(0),
      env: (n) => (n === 'META_PAGE_TOKEN' ? 'x' : undefined),
    });
    expect(warned.map((d) => d.message)).toEqual([
      'channels[0].slack of feature "reach_7d" references ${SLACK_RANKING_URL}, which is not set',
      'channels[1].secret of feature "reach_7d" references ${UPWATCH_WEBHOOK_SECRET}, which is not set',
    ]);
  });

  it('a document without channels has none', () => {
    expect(load('').contracts?.features[0]?.channels).toEqual([]);
  });

  it.each([
    [
      'a Slack URL written in clear',
      'channels:\n  - slack: https://hooks.slack.com/services/T0/B0/abc',
      [
        '20:12 schema channels[0].slack must be a ${VAR} reference (a Slack webhook URL is a credential: keep it in the environment) (got a literal value) | write slack: ${SLACK_WEBHOOK_URL} and export SLACK_WEBHOOK_URL where upwatch sends',
      ],
    ],
    [
      'a webhook without its secret',
      'channels:\n  - webhook: https://alerts.example.com/upwatch',
      [
        '20:5 schema channels[0] sets "webhook" but not "secret" | a channel is - slack: ${SLACK_WEBHOOK_URL}, or - webhook: https://alerts.example.com/upwatch with secret: ${UPWATCH_WEBHOOK_SECRET}',
      ],
    ],
    [
      'a signing secret written in clear',
      'channels:\n  - webhook: https://alerts.example.com/upwatch\n    secret: hunter2hunter2',
      [
        '21:13 schema channels[0].secret must be a ${VAR} reference (never the secret itself) (got a literal value) | write secret: ${UPWATCH_WEBHOOK_SECRET} and export it where upwatch sends',
      ],
    ],
    [
      'both kinds in one entry',
      'channels:\n  - slack: ${A_URL}\n    webhook: https://alerts.example.com/upwatch\n    secret: ${S}',
      [
        '20:5 schema channels[0] must be one channel: slack or webhook, not both | split it into two entries: - slack: ${SLACK_WEBHOOK_URL} and - webhook: … with secret: …',
      ],
    ],
    [
      'a token in a webhook URL',
      'channels:\n  - webhook: https://alerts.example.com/upwatch?token=hunter2hunter2\n    secret: ${S}',
      [
        '20:14 secret-literal channels[0].webhook holds a credential in clear (query parameter "token") | reference an environment variable for the whole URL instead, e.g. webhook: ${RANKING_WEBHOOK_URL}',
      ],
    ],
    [
      'a password in a webhook URL',
      'channels:\n  - webhook: https://bot:hunter2hunter2@alerts.example.com/upwatch\n    secret: ${S}',
      [
        '20:14 secret-literal channels[0].webhook holds a credential in clear (a password in the URL) | reference an environment variable for the whole URL instead, e.g. webhook: ${RANKING_WEBHOOK_URL}',
      ],
    ],
    [
      'a misspelt key',
      'channels:\n  - slak: ${A_URL}',
      ['20:5 unknown-key unknown key "slak" in channels[0] | did you mean "slack"?'],
    ],
    [
      'an empty entry',
      'channels:\n  - {}',
      [
        '20:5 missing-field channels[0] is missing required field "webhook" | a channel is - slack: ${SLACK_WEBHOOK_URL}, or - webhook: https://alerts.example.com/upwatch with secret: ${UPWATCH_WEBHOOK_SECRET}',
      ],
    ],
  ])('%s is a clear error', (_what, channels, expected) => {
    const errors = errorsOf(channels);
    for (const e of expected) expect(errors).toContain(e);
    expect(errors.join('\n')).not.toMatch(/hooks\.slack\.com|hunter2/);
  });
});
