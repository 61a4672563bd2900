// Table-driven tests of the header detector on real header values (RFC examples, GitHub, Kubernetes, Salesforce, Stripe).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../core/finding.js';
import {
  httpSource,
  metaSource,
  metricOf,
  poll,
  request,
  runSource,
} from '../../test/helpers/deprecation-inputs.js';
import { deprecationHeaders } from './deprecation-headers.js';

const NOW = '2026-11-25T10:00:00Z';
const source = httpSource([metricOf('views')]);
const run = (headers: Record<string, string>, extra: { metric?: string; outcome?: 'ok' | 'failed' } = {}) =>
  runSource(deprecationHeaders, {
    source,
    now: NOW,
    polls: [
      poll(NOW, {
        requests: [request({ headers, ...(extra.metric ? { metric: extra.metric } : {}) })],
        outcome: extra.outcome ?? 'ok',
      }),
    ],
  });

describe('deprecation-headers', () => {
  it.each<[string, Record<string, string>, string, string, string | undefined, number | undefined]>([
    [
      'RFC 9745 sf-date in the future',
      { deprecation: '@1798675200' },
      'http-deprecation-header-added',
      'warn',
      '2026-12-31',
      36,
    ],
    [
      'RFC 9745 sf-date in the past',
      { deprecation: '@1688169599' },
      'http-deprecation-header-added',
      'warn',
      '2023-06-30',
      -1244,
    ],
    [
      'GitHub HTTP-date',
      { deprecation: 'Wed, 27 Nov 2019 14:34:29 GMT' },
      'http-deprecation-header-added',
      'warn',
      '2019-11-27',
      undefined,
    ],
    ['draft boolean', { deprecation: 'true' }, 'http-deprecation-header-added', 'warn', undefined, undefined],
    [
      'malformed Deprecation',
      { deprecation: 'soon-ish' },
      'http-deprecation-header-added',
      'warn',
      undefined,
      undefined,
    ],
    [
      'future Sunset (RFC 9745 UTC form)',
      { sunset: 'Thu, 31 Dec 2026 23:59:59 UTC' },
      'http-sunset-header-added',
      'warn',
      '2026-12-31',
      36,
    ],
    [
      'passed Sunset (RFC 8594 example)',
      { sunset: 'Sat, 31 Dec 2018 23:59:59 GMT' },
      'http-sunset-passed',
      'block',
      '2018-12-31',
      undefined,
    ],
    [
      'GitHub pair: Deprecation + Sunset, both past',
      { deprecation: 'Wed, 27 Nov 2019 14:34:29 GMT', sunset: 'Fri, 27 Nov 2020 14:34:29 GMT' },
      'http-sunset-passed',
      'block',
      '2020-11-27',
      undefined,
    ],
    [
      'Kubernetes Warning 299',
      { warning: '299 - "policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+"' },
      'http-warning-299',
      'warn',
      undefined,
      undefined,
    ],
    [
      'Salesforce Warning 299',
      {
        warning:
          '299 - "This API is deprecated and will be removed by Summer \'22. Please see https://help.salesforce.com for details."',
      },
      'http-warning-299',
      'warn',
      undefined,
      undefined,
    ],
    [
      'Stripe-Notice',
      {
        'stripe-notice':
          'You are using an outdated API version (2024-01-01.ember). Upgrade at https://docs.stripe.com/upgrades',
      },
      'vendor-deprecated-reason',
      'warn',
      undefined,
      undefined,
    ],
    [
      'Shopify deprecated fields',
      { 'x-shopify-api-deprecated-reason': 'Shop.products, Shop.productVariants' },
      'vendor-deprecated-reason',
      'warn',
      undefined,
      undefined,
    ],
    [
      'Zapier-style date',
      { 'x-api-deprecation-date': '2027-01-15' },
      'vendor-deprecated-reason',
      'warn',
      '2027-01-15',
      undefined,
    ],
    [
      'policy link alone',
      { link: '<https://developer.example.com/deprecation>; rel="deprecation"; type="text/html"' },
      'http-link-deprecation-policy-changed',
      'info',
      undefined,
      undefined,
    ],
  ])('%s', (_name, headers, rule, severity, effectiveDate, daysUntil) => {
    const d = run(headers);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ rule, severity, class: 'deprecation', subject: 'endpoint:GET /v2/stats' });
    expect(d[0]!.effectiveDate).toBe(effectiveDate);
    if (daysUntil !== undefined) expect(d[0]!.evidence.daysUntil).toBe(daysUntil);
    expect(d[0]!.evidence.channel).toBe('http-header');
  });

  it('keeps the raw text of a malformed header', () => {
    const d = run({ deprecation: 'soon-ish', sunset: 'next year' });
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence).toMatchObject({ raw: 'soon-ish', format: 'unparsed' });
    expect(d[0]!.explanation).toContain('"soon-ish"');
  });

  it('fuses Deprecation, Sunset, successor link and an inconsistent pair into one finding, most serious first', () => {
    const d = run({
      deprecation: '@1798675200', // 2026-12-31
      sunset: 'Mon, 30 Nov 2026 00:00:00 GMT', // before the deprecation, and in 5 days
      link: '<https://api.partner.example/v3/stats>; rel="successor-version"',
    });
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      severity: 'warn',
      effectiveDate: '2026-11-30',
      replacement: 'https://api.partner.example/v3/stats',
    });
    expect(d[0]!.evidence.rules).toEqual([
      'http-deprecation-header-added',
      'http-sunset-header-added',
      'http-deprecation-sunset-inconsistent',
    ]);
    expect(d[0]!.explanation).toContain('RFC 9745 forbids');
  });

  it('attributes headers on a per-metric request to the metric, with the same fingerprint as any other channel', () => {
    const d = run({ sunset: 'Thu, 31 Dec 2026 23:59:59 GMT' }, { metric: 'views' });
    expect(d[0]!.metric).toBe('views');
    expect(d[0]!.subject).toBeUndefined();
    expect(fingerprintOf(d[0]!)).toBe(
      fingerprintOf({ class: 'deprecation', source: 'partner', metric: 'views' }),
    );
  });

  it.each([
    ['moved earlier', 'Thu, 31 Dec 2026 23:59:59 GMT', 'Mon, 30 Nov 2026 23:59:59 GMT', true],
    ['moved later', 'Mon, 30 Nov 2026 23:59:59 GMT', 'Thu, 31 Dec 2026 23:59:59 GMT', false],
  ])('notices a Sunset %s since the previous verified poll', (_name, before, after, earlier) => {
    const polls = [
      poll('2026-11-23T10:00:00Z', { requests: [request({ headers: { sunset: before } })] }),
      poll('2026-11-24T10:00:00Z', { outcome: 'failed' }),
      poll(NOW, { requests: [request({ headers: { sunset: after } })] }),
    ];
    const d = runSource(deprecationHeaders, { source, now: NOW, polls });
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence.rules).toEqual(['http-sunset-date-changed', 'http-sunset-header-added']);
    expect(d[0]!.evidence.movedEarlier).toBe(earlier);
    expect(
      runSource(deprecationHeaders, {
        source,
        now: NOW,
        polls: [polls[0]!, { ...polls[2]!, requests: [request({ headers: { sunset: before } })] }],
      })[0]!.evidence.rules,
    ).toBeUndefined();
  });

  it('says nothing on Meta responses (no lifecycle headers) or on a failed poll', () => {
    expect(
      runSource(deprecationHeaders, {
        source: metaSource(['page_media_view']),
        now: NOW,
        polls: [
          poll(NOW, {
            requests: [
              request({ headers: { 'facebook-api-version': 'v24.0', 'x-app-usage': '{"call_count":28}' } }),
            ],
          }),
        ],
      }),
    ).toEqual([]);
    expect(run({ sunset: 'Sat, 31 Dec 2018 23:59:59 GMT' }, { outcome: 'failed' })).toEqual([]);
  });

  it('never throws and never blocks on arbitrary header text (only a parsed, passed Sunset blocks)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        (deprecation, sunset, link, warning) => {
          const d = run({ deprecation, sunset, link, warning });
          return d.every(
            (x) =>
              x.severity !== 'block' || x.evidence.rules === undefined || x.rule === 'http-sunset-passed',
          );
        },
      ),
    );
  });
});
