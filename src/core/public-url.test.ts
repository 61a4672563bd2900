import { describe, expect, it } from 'vitest';
import { isUpwatchError } from './errors.js';
import { dashboardUrl, findingPath, parsePublicUrl } from './public-url.js';

describe('parsePublicUrl', () => {
  it.each([
    ['https://upwatch.example.com/', 'https://upwatch.example.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    [' https://example.com/tools/upwatch// ', 'https://example.com/tools/upwatch'],
  ])('accepts %s as %s', (raw, base) => {
    expect(parsePublicUrl(raw)).toBe(base);
  });

  it.each([
    ['upwatch.example.com', 'UPWATCH_PUBLIC_URL must be an absolute http(s) URL (got "upwatch.example.com")'],
    ['ftp://example.com', 'UPWATCH_PUBLIC_URL must start with http:// or https:// (got "ftp:")'],
    ['https://admin:hunter2@example.com', 'UPWATCH_PUBLIC_URL must not carry a user or password'],
    ['https://example.com/?x=1', 'UPWATCH_PUBLIC_URL must not have a query or fragment'],
  ])('refuses %s with CONFIG_INVALID', (raw, message) => {
    try {
      parsePublicUrl(raw);
      expect.unreachable();
    } catch (e) {
      expect(isUpwatchError(e, 'CONFIG_INVALID')).toBe(true);
      expect((e as Error).message).toContain(message);
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('names the setting it checks', () => {
    expect(() => parsePublicUrl('nope', '"publicUrl" in upwatch.config.json')).toThrow(
      '"publicUrl" in upwatch.config.json must be an absolute http(s) URL',
    );
  });
});

describe('dashboard links', () => {
  it('joins a base with a finding page', () => {
    expect(dashboardUrl('https://example.com/upwatch', findingPath('ab12'))).toBe(
      'https://example.com/upwatch/findings/ab12',
    );
  });
});
