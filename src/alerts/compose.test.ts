import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../core/detector.js';
import type { FindingRecord } from '../core/finding-record.js';
import { chartSeries, svgChart } from './chart.js';
import { composeMail, headlineOf, subjectOf, type MailItem } from './compose.js';
import type { OutboxKind } from '../store/outbox-repo.js';
import { finding } from '../../test/helpers/gate-fixtures.js';

function rec(extra: Partial<FindingRecord> = {}): FindingRecord {
  return {
    ...finding('page_post_engagements'),
    id: 1,
    episode: 1,
    status: 'open',
    firstSeen: 't',
    lastSeen: 't',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    ...extra,
  };
}

function item(extra: Partial<MailItem> = {}, f: Partial<FindingRecord> = {}): MailItem {
  return {
    finding: rec(f),
    change: 'new',
    features: [{ name: 'f1', state: 'blocked', effect: 'block' }],
    ...extra,
  };
}

describe('subjects', () => {
  it.each<[string, OutboxKind, MailItem[], string]>([
    [
      'blocked',
      'alert',
      [item()],
      '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)',
    ],
    [
      'grouped',
      'alert',
      [item(), item({}, { fingerprint: 'x', severity: 'warn', title: 'other' })],
      '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100) (+1 more finding)',
    ],
    [
      'warn only',
      'alert',
      [
        item(
          {
            features: [
              { name: 'f1', state: 'warn', effect: 'warn' },
              { name: 'f2', state: 'blocked', effect: 'warn' },
            ],
          },
          { severity: 'warn' },
        ),
      ],
      '[upwatch] WARN 2 features: page_post_engagements rejected by Meta (#100)',
    ],
    [
      'no feature',
      'alert',
      [item({ features: [] }, { severity: 'info' })],
      '[upwatch] 1 new finding: page_post_engagements rejected by Meta (#100)',
    ],
    [
      'escalated',
      'alert',
      [item({ change: 'escalated', previousSeverity: 'warn' })],
      '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100) (escalated from warn)',
    ],
    [
      'overridden',
      'alert',
      [item({ features: [{ name: 'f1', state: 'ok', effect: 'block' }] })],
      '[upwatch] 1 new finding: page_post_engagements rejected by Meta (#100)',
    ],
    [
      'resolved',
      'resolved',
      [item({ change: 'resolved' })],
      '[upwatch] RESOLVED: page_post_engagements rejected by Meta (#100)',
    ],
    [
      'reminder',
      'reminder',
      [item({ change: 'reminder' })],
      '[upwatch] REMINDER: 1 finding still open: page_post_engagements rejected by Meta (#100)',
    ],
    [
      'countdown',
      'countdown',
      [item({ change: 'countdown', daysLeft: 7 }, { effectiveDate: '2026-04-01' })],
      '[upwatch] 7 days left: page_post_engagements rejected by Meta (#100) (effective 2026-04-01)',
    ],
    [
      'countdown today',
      'countdown',
      [item({ change: 'countdown', daysLeft: 0 })],
      '[upwatch] TODAY: page_post_engagements rejected by Meta (#100)',
    ],
    [
      'countdown past',
      'countdown',
      [item({ change: 'countdown', daysLeft: -2 })],
      '[upwatch] 2 days past: page_post_engagements rejected by Meta (#100)',
    ],
  ])('%s', (_name, kind, items, subject) => {
    expect(subjectOf(kind, items)).toBe(subject);
  });

  it.each<[Partial<FindingRecord>, string | undefined, string]>([
    [
      { title: undefined, evidence: { graphCode: 100 } },
      'Meta',
      'page_post_engagements rejected by Meta (#100)',
    ],
    [
      { title: undefined, class: 'frozen', rule: 'frozen-run', evidence: {} },
      undefined,
      'page_post_engagements frozen (frozen-run)',
    ],
    [
      {
        title: undefined,
        class: 'unverified',
        rule: 'token-invalid',
        metric: undefined,
        subject: 'auth:token',
        evidence: {},
      },
      undefined,
      'meta could not be verified (token-invalid)',
    ],
    [
      {
        title: undefined,
        class: 'schema',
        rule: 'spec-field-removed',
        metric: undefined,
        subject: 'GET /v1/x',
        evidence: {},
      },
      undefined,
      'meta GET /v1/x changed shape (spec-field-removed)',
    ],
    [{ title: 'x'.repeat(120) }, undefined, 'x'.repeat(89) + '…'],
  ])('headline of %o', (f, upstream, headline) => {
    expect(headlineOf(rec(f), upstream)).toBe(headline);
  });
});

describe('composeMail', () => {
  it('caps the listed findings, escapes HTML and scrubs secrets', () => {
    const items = Array.from({ length: 30 }, (_, i) =>
      item(
        {},
        {
          fingerprint: `fp${String(i).padStart(2, '0')}`,
          title: `<b>t${i}</b>`,
          explanation: `see https://x/y?access_token=SECRET${i}`,
        },
      ),
    );
    const m = composeMail({ kind: 'alert', items, now: new Date('2026-03-15T07:00:00Z'), maxFindings: 10 });
    expect(m.text).toContain('and 20 more findings');
    expect(m.html).toContain('and 20 more findings');
    expect(m.html).not.toContain('<b>t0</b>');
    expect(m.html).toContain('&#60;b&#62;t0&#60;/b&#62;');
    expect(m.text + m.html).not.toMatch(/SECRET\d/);
    expect(m.text).toContain('upwatch ack fp00');
  });

  it.each([
    {
      name: 'a finding that began during a declared event names it, in text and HTML',
      event: { name: 'ui-redesign', description: 'bigger <thumbnails>' },
      text: 'began during declared event ui-redesign (bigger <thumbnails>): the known change may explain it',
      html: 'began during declared event ui-redesign (bigger &#60;thumbnails&#62;): the known change may explain it',
    },
    {
      name: 'without a description',
      event: { name: 'spring-campaign' },
      text: 'began during declared event spring-campaign: the known change may explain it',
      html: 'began during declared event spring-campaign: the known change may explain it',
    },
    { name: 'no event, no line', event: undefined, text: undefined, html: undefined },
  ])('$name', ({ event, text, html }) => {
    const m = composeMail({
      kind: 'alert',
      items: [item(event ? { event } : {})],
      now: new Date('2026-03-15T07:00:00Z'),
      maxFindings: 10,
    });
    if (text === undefined) expect(m.text + m.html).not.toContain('declared event');
    else {
      expect(m.text).toContain(text);
      expect(m.html).toContain(html);
    }
  });
});

function series(values: (number | null)[], start = 1): SeriesPoint[] {
  return values.map((v, i) => {
    const day = `2026-03-${String(start + i).padStart(2, '0')}`;
    return {
      periodEnd: `${day}T08:00:00.000Z`,
      day,
      value: v,
      firstValue: v,
      jsonType: 'int',
      firstSeen: day,
      lastSeen: day,
    };
  });
}

describe('chart', () => {
  it('draws the chosen entity, or the sum over entities, with gaps and the onset line', () => {
    const history = {
      source: 's',
      metric: 'm',
      entities: new Map([
        ['a', series([1, 2, null, 4])],
        ['b', series([10, 10, 10, 10])],
      ]),
    };
    expect(chartSeries(history, ['a']).map((p) => p.value)).toEqual([1, 2, null, 4]);
    expect(chartSeries(history, ['zzz']).map((p) => p.value)).toEqual([11, 12, 10, 14]);
    const svg = svgChart(history, { onset: '2026-03-03', entities: ['a'] })!;
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('2026-03-01');
    expect(
      svgChart(
        { source: 's', metric: 'm', entities: new Map([['a', series([1])]]) },
        { onset: '2026-03-01' },
      ),
    ).toBeUndefined();
  });
});
