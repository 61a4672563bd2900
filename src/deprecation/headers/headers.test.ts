// Table-driven tests of the lifecycle header parsers on real header values seen in the wild.
import { describe, expect, it } from 'vitest';
import { parseDeprecationHeader } from './deprecation-header.js';
import { parseHttpDate, parseIsoDate } from './http-date.js';
import { readLifecycleHeaders } from './lifecycle-headers.js';
import { parseLinkHeader } from './link-header.js';
import { parseSunsetHeader } from './sunset-header.js';
import { parseVendorHeader } from './vendor-headers.js';
import { parseWarningHeader } from './warning-header.js';

describe('Deprecation header', () => {
  it.each([
    // RFC 9745 §2.1 example
    ['@1688169599', 'rfc9745', '2023-06-30T23:59:59.000Z'],
    ['@1688169599;foo=bar', 'rfc9745', '2023-06-30T23:59:59.000Z'],
    // GitHub's draft-era HTTP-date (github/docs api-versions.md)
    ['Wed, 27 Nov 2019 14:34:29 GMT', 'http-date', '2019-11-27T14:34:29.000Z'],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 'http-date', '1994-11-06T08:49:37.000Z'],
    ['Sun Nov  6 08:49:37 1994', 'http-date', '1994-11-06T08:49:37.000Z'],
    ['2026-06-15', 'iso8601', '2026-06-15T00:00:00.000Z'],
    ['2026-06-15T12:00:00+02:00', 'iso8601', '2026-06-15T10:00:00.000Z'],
  ])('%s → %s %s', (raw, format, date) => {
    const r = parseDeprecationHeader(raw);
    expect(r).toMatchObject({ ok: true, format, date, deprecated: true, raw });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['?1', true],
    ['?0', false],
    ['false', false],
  ])('boolean form %s', (raw, deprecated) => {
    expect(parseDeprecationHeader(raw)).toMatchObject({ ok: true, format: 'boolean', deprecated });
  });

  it.each(['soon', '@1688169599.5', 'Wed, 32 Nov 2019 14:34:29 GMT', '', '@', 'Mon, 27 Nov 2019 14:34 GMT'])(
    'malformed %j keeps the raw text and never throws',
    (raw) => {
      expect(parseDeprecationHeader(raw)).toMatchObject({ ok: false, raw });
    },
  );
});

describe('Sunset header', () => {
  it.each([
    // RFC 8594 §3 example
    ['Sat, 31 Dec 2018 23:59:59 GMT', '2018-12-31T23:59:59.000Z'],
    // RFC 9745 §2.1 example writes UTC
    ['Sun, 30 Jun 2024 23:59:59 UTC', '2024-06-30T23:59:59.000Z'],
    // GitHub
    ['Fri, 27 Nov 2020 14:34:29 GMT', '2020-11-27T14:34:29.000Z'],
    ['Saturday, 31-Dec-18 23:59:59 GMT', '2018-12-31T23:59:59.000Z'],
    ['Sat Dec 31 23:59:59 2018', '2018-12-31T23:59:59.000Z'],
  ])('%s', (raw, date) => {
    expect(parseSunsetHeader(raw)).toMatchObject({ ok: true, date });
  });

  it.each(['next year', '31/12/2018', 'Sat, 31 Dec 2018 23:59:59 PST'])('malformed %s', (raw) => {
    expect(parseSunsetHeader(raw)).toMatchObject({ ok: false, raw });
  });

  it('rejects impossible calendar dates', () => {
    expect(parseHttpDate('Sat, 31 Feb 2018 23:59:59 GMT')).toBeUndefined();
    expect(parseIsoDate('2026-02-31')).toBeUndefined();
  });
});

describe('Link header', () => {
  it('reads RFC 9745 deprecation link and sunset policy link', () => {
    const links = parseLinkHeader(
      '<https://developer.example.com/deprecation>; rel="deprecation"; type="text/html", <https://example.com/sunset-policy>; rel=sunset',
    );
    expect(links).toEqual([
      {
        uri: 'https://developer.example.com/deprecation',
        rels: ['deprecation'],
        params: { type: 'text/html' },
      },
      { uri: 'https://example.com/sunset-policy', rels: ['sunset'], params: {} },
    ]);
  });

  it('splits multi-rel values and keeps commas inside URIs and quotes', () => {
    const links = parseLinkHeader(
      '<https://api.example.com/v2/items?a=1,2>; rel="successor-version latest-version"; title="v2, current", <https://x>; rel=alternate',
    );
    expect(links.map((l) => [l.uri, l.rels])).toEqual([
      ['https://api.example.com/v2/items?a=1,2', ['successor-version', 'latest-version']],
      ['https://x', ['alternate']],
    ]);
    expect(links[0]!.params.title).toBe('v2, current');
  });

  it('skips garbage without throwing', () => {
    expect(parseLinkHeader('not a link, ;;; <')).toEqual([]);
  });
});

describe('Warning header', () => {
  it.each([
    [
      '299 - "policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+"',
      [
        {
          code: 299,
          agent: '-',
          text: 'policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+',
        },
      ],
    ],
    [
      '299 - "This API is deprecated and will be removed by Summer \'22. Please see https://help.salesforce.com for details."',
      [
        {
          code: 299,
          agent: '-',
          text: "This API is deprecated and will be removed by Summer '22. Please see https://help.salesforce.com for details.",
        },
      ],
    ],
    [
      '110 anderson/1.3.37 "Response is stale", 299 api.example.com "Deprecated \\"v1\\"" "Wed, 27 Nov 2019 14:34:29 GMT"',
      [
        { code: 110, agent: 'anderson/1.3.37', text: 'Response is stale' },
        {
          code: 299,
          agent: 'api.example.com',
          text: 'Deprecated "v1"',
          date: 'Wed, 27 Nov 2019 14:34:29 GMT',
        },
      ],
    ],
    ['deprecated soon', [{ code: 0, agent: '', text: 'deprecated soon' }]],
  ])('%s', (raw, expected) => {
    expect(parseWarningHeader(raw)).toEqual(expected);
  });
});

describe('vendor headers', () => {
  it.each([
    [
      'x-shopify-api-deprecated-reason',
      'Shop.products, Shop.productVariants',
      { vendor: 'shopify', fields: ['Shop.products', 'Shop.productVariants'] },
    ],
    [
      'X-Shopify-API-Deprecated-Reason',
      'https://shopify.dev/api/usage/versioning#deprecation-practices',
      {
        vendor: 'shopify',
        fields: [],
        url: 'https://shopify.dev/api/usage/versioning#deprecation-practices',
      },
    ],
    [
      'Stripe-Notice',
      'You are using an outdated API version (2024-01-01.ember). Upgrade at https://docs.stripe.com/upgrades',
      { vendor: 'stripe', version: '2024-01-01.ember', url: 'https://docs.stripe.com/upgrades' },
    ],
    ['X-API-Deprecation-Date', '2026-12-31', { vendor: 'generic', date: '2026-12-31T00:00:00.000Z' }],
    [
      'X-API-Deprecation-Date',
      'Thu, 31 Dec 2026 00:00:00 GMT',
      { vendor: 'generic', date: '2026-12-31T00:00:00.000Z' },
    ],
  ])('%s: %s', (name, raw, expected) => {
    expect(parseVendorHeader(name, raw)).toMatchObject({ raw, ...expected });
  });

  it('ignores unrelated headers', () => {
    expect(parseVendorHeader('content-type', 'application/json')).toBeUndefined();
  });
});

describe('readLifecycleHeaders', () => {
  it('reads every lifecycle header of one response, case-insensitively', () => {
    const s = readLifecycleHeaders({
      Deprecation: '@1688169599',
      Sunset: 'Sun, 30 Jun 2024 23:59:59 UTC',
      Link: '<https://developer.example.com/deprecation>; rel="deprecation"; type="text/html", <https://example.com/next>; rel="next"',
      Warning: '299 - "deprecated"',
      'Stripe-Notice': 'You are using an outdated API version (2024-01-01.ember).',
      'content-type': 'application/json',
    });
    expect(s.deprecation).toMatchObject({ ok: true, date: '2023-06-30T23:59:59.000Z' });
    expect(s.sunset).toMatchObject({ ok: true, date: '2024-06-30T23:59:59.000Z' });
    expect(s.links.map((l) => l.rels)).toEqual([['deprecation']]);
    expect(s.warnings299).toHaveLength(1);
    expect(s.vendor.map((v) => v.vendor)).toEqual(['stripe']);
  });

  it('is empty for a response with no lifecycle headers (Meta)', () => {
    expect(readLifecycleHeaders({ 'facebook-api-version': 'v24.0' })).toEqual({
      links: [],
      warnings299: [],
      vendor: [],
    });
  });
});
