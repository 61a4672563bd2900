import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocContract } from '../core/contract.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { startLoopbackServer, type LoopbackServer, type Reply } from '../../test/helpers/loopback-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { fetchDocs } from './fetch-docs.js';
import { htmlToText, normalizeDoc, normalizeOpenApi } from './normalize.js';

const dir = tempDir('upwatch-docs-');
let spec = 'openapi: 3.0.0\ninfo:\n  version: "1"\n  title: Partner\npaths: {}\n';
let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer({
    handle: (req, url): Reply => {
      if (url.pathname === '/openapi.yaml') {
        const etag = `"${createHash('sha1').update(spec).digest('hex')}"`;
        if (req.headers['if-none-match'] === etag) return { status: 304, body: '' };
        return { headers: { etag, 'content-type': 'application/yaml' }, body: spec };
      }
      return {
        headers: { 'content-type': 'text/html', 'last-modified': 'Sat, 14 Mar 2026 08:00:00 GMT' },
        body: '<html><head><style>p{}</style><script>track()</script></head><body><h1>Changelog</h1><ul><li>page_fans removed</li></ul></body></html>',
      };
    },
  });
});
afterAll(() => server.close());

const doc = (name: string, kind: DocContract['kind'], path: string): DocContract => ({
  name,
  kind,
  url: `${server.url}${path}`,
  operations: [],
  fields: [],
  location: { file: 'c.yaml', line: 1, col: 1 },
});

describe('normalize', () => {
  it('sorts OpenAPI keys from YAML and JSON alike', () => {
    const fromYaml = normalizeOpenApi('b: 1\na: {d: 2, c: [3]}');
    expect(fromYaml).toBe(normalizeOpenApi('{"a":{"c":[3],"d":2},"b":1}'));
    expect(fromYaml).toBe('{\n  "a": {\n    "c": [\n      3\n    ],\n    "d": 2\n  },\n  "b": 1\n}\n');
  });

  it.each([
    ['<p>a &amp; b</p><p>c</p>', 'a & b\nc\n'],
    ['<script>x()</script><style>.a{}</style><div>kept</div>', 'kept\n'],
    ['<ul><li>one</li><li>two</li></ul>', '- one\n- two\n'],
    ['<p>  spaced\n   out  </p>', 'spaced out\n'],
  ])('htmlToText(%j)', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('keeps plain text as is, normalizing line endings', () => {
    expect(normalizeDoc({ kind: 'changelog' }, 'a\r\nb  \r\n', 'text/plain').text).toBe('a\nb\n');
  });
});

describe('fetchDocs', () => {
  it('writes a snapshot on first fetch, uses conditional requests, and reports only real changes', async () => {
    const deps = testDeps();
    const snapshotsDir = join(dir, 'snapshots');
    const source = metaSource(server.url, [], {
      docs: [doc('partner-api', 'openapi', '/openapi.yaml'), doc('changelog', 'changelog', '/changelog')],
    });
    const first = await fetchDocs({ ...deps, snapshotsDir }, source);
    expect(first.changes.map((c) => [c.doc.name, c.previous])).toEqual([
      ['partner-api', undefined],
      ['changelog', undefined],
    ]);
    const specFile = join(snapshotsDir, 'meta', 'partner-api.json');
    expect(JSON.parse(readFileSync(specFile, 'utf8'))).toMatchObject({ info: { title: 'Partner' } });
    expect(readFileSync(join(snapshotsDir, 'meta', 'changelog.txt'), 'utf8')).toBe(
      'Changelog\n- page_fans removed\n',
    );
    const mtime = statSync(specFile).mtimeMs;

    const second = await fetchDocs({ ...deps, snapshotsDir }, source);
    expect(second.changes).toEqual([]);
    expect(second.unchanged).toEqual(['partner-api', 'changelog']);
    const lastSpecRequest = server.requests.filter((r) => r.url === '/openapi.yaml').at(-1)!;
    expect(lastSpecRequest.headers['if-none-match']).toBeDefined();
    const lastChangelog = server.requests.filter((r) => r.url === '/changelog').at(-1)!;
    expect(lastChangelog.headers['if-modified-since']).toBe('Sat, 14 Mar 2026 08:00:00 GMT');
    expect(statSync(specFile).mtimeMs).toBe(mtime);

    spec = spec.replace('version: "1"', 'version: "2"');
    const third = await fetchDocs({ ...deps, snapshotsDir }, source);
    expect(third.changes).toHaveLength(1);
    expect(third.changes[0]!.previous).toContain('"version": "1"');
    expect(third.changes[0]!.current).toContain('"version": "2"');
    expect(readFileSync(specFile, 'utf8')).toContain('"version": "2"');
  });

  it('records a failure and keeps the last snapshot when a doc cannot be fetched', async () => {
    const deps = testDeps();
    const source = metaSource(server.url, [], {
      docs: [{ ...doc('gone', 'changelog', '/x'), url: 'http://127.0.0.1:1/nothing' }],
    });
    const r = await fetchDocs(deps, source);
    expect(r.failures).toMatchObject([{ doc: 'gone', error: { code: 'HTTP_CONNECT' } }]);
  });
});
