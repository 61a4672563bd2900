import { describe, expect, it } from 'vitest';
import { authenticate, cookieValue, crossSiteRefusal } from './auth.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('authenticate', () => {
  it.each([
    ['Basic with the token: the user name acts', basic('ana:s3cret'), { name: 'ana', scheme: 'basic' }],
    ['Basic with an empty user name', basic(':s3cret'), { name: 'dashboard', scheme: 'basic' }],
    ['the password is everything after the first colon', basic('bo:s3:cret'), undefined],
    ['control characters are dropped from the name', basic('an\na:s3cret'), { name: 'ana', scheme: 'basic' }],
    ['Bearer with the token', 'Bearer s3cret', { name: 'api-token', scheme: 'bearer' }],
    ['Bearer with a wrong token', 'Bearer s3cre', undefined],
    ['Basic with a wrong token', basic('ana:nope'), undefined],
    ['Basic without a colon', basic('s3cret'), undefined],
    ['another scheme', 'Digest s3cret', undefined],
    ['no header', undefined, undefined],
  ])('%s', (_, header, expected) => {
    expect(authenticate(header, 's3cret')).toEqual(expected);
  });

  it('never accepts anything when the token is empty', () => {
    expect(authenticate(basic('ana:'), '')).toBeUndefined();
    expect(authenticate('Bearer x', '')).toBeUndefined();
  });
});

describe('crossSiteRefusal', () => {
  const ok = { cookie: 'ab', field: 'ab', origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' };
  it.each([
    ['same origin, matching tokens', ok, undefined],
    ['no Origin header (an older client), matching tokens', { ...ok, origin: undefined }, undefined],
    ['a foreign Origin', { ...ok, origin: 'http://evil.example' }, /Origin/],
    ['the same host on another port', { ...ok, origin: 'http://127.0.0.1:9090' }, /Origin/],
    ['an Origin that is not a URL', { ...ok, origin: 'null' }, /Origin/],
    ['a cross-site fetch', { ...ok, fetchSite: 'cross-site' }, /cross-site/],
    ['no cookie', { ...ok, cookie: undefined }, /CSRF/],
    ['no field', { ...ok, field: undefined }, /CSRF/],
    ['tokens that differ', { ...ok, field: 'ac' }, /CSRF/],
  ])('%s', (_, request, expected) => {
    const refusal = crossSiteRefusal(request);
    if (expected === undefined) expect(refusal).toBeUndefined();
    else expect(refusal).toMatch(expected);
  });
});

describe('cookieValue', () => {
  it('finds one cookie among several', () => {
    expect(cookieValue('a=1; upwatch_csrf=ab12 ; b=2', 'upwatch_csrf')).toBe('ab12');
    expect(cookieValue('xupwatch_csrf=1', 'upwatch_csrf')).toBeUndefined();
    expect(cookieValue(undefined, 'upwatch_csrf')).toBeUndefined();
  });
});
