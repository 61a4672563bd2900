import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseUpstreamYaml } from './parse-yaml.js';

const bomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 8 }, (_, i) => {
    const prev = String.fromCharCode(97 + i);
    const name = String.fromCharCode(98 + i);
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`;
  }),
  'i2: *i',
].join('\n');

describe('parseUpstreamYaml', () => {
  it.each([
    ['openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\n'],
    ['x: &base {type: string}\ny: *base\nlist: [1, 2.5, "3", null, true]\n'],
    ['date: 2024-03-14\ntext: "yes"\nflag: yes\n'],
  ])('parses like the yaml package: %s', (text) => {
    expect(parseUpstreamYaml(text)).toEqual(JSON.parse(JSON.stringify(parse(text))));
  });

  it('refuses a billion-laughs document instead of expanding it', () => {
    expect(() => parseUpstreamYaml(bomb)).toThrow(/alias/i);
  });

  it('throws on invalid YAML', () => {
    expect(() => parseUpstreamYaml('a: [1, 2\nb: }')).toThrow();
  });
});
