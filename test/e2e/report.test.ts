// upwatch report end to end: a real poll against the loopback Graph-like server fills a store, then the report is
// written, parsed and checked; the exit-2 paths; and `upwatch demo --report`.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Document, Element } from 'domhandler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meta2024 } from '../../src/sim/scenarios/meta-2024.js';
import { openStore } from '../../src/store/store.js';
import { cli, exitOf, spawnTsx } from '../helpers/cli.js';
import { metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { mountTinyFs, type TinyFs } from '../helpers/tiny-fs.js';

const TOKEN = 'tok-report-7731';
const dir = tempDir('upwatch-e2e-report-');
let graph: GraphServer;
let cwd: string;

const SOURCE = metaSourceYaml({ baseUrl: 'BASE', pages: ['111', '222'] });

const FEATURES = `apiVersion: upwatch/v1
kind: Feature
name: follower_growth
owners: [growth-ml@example.com]
uses: [meta/page_follows]
---
apiVersion: upwatch/v1
kind: Feature
name: reach_7d
owners: [ranking-ml@example.com]
uses: [meta/page_media_view]
`;

function dom(path: string): Document {
  return parseDocument(readFileSync(path, 'utf8'));
}

function text(e: Element | Document | null | undefined): string {
  return e ? DomUtils.textContent(e).replace(/\s+/g, ' ') : '';
}

function find(doc: Document, test: (e: Element) => boolean): Element[] {
  return DomUtils.findAll(test, doc.children);
}

beforeAll(async () => {
  graph = await startGraphServer({
    token: TOKEN,
    // Constant values: after the 3 days of the first poll's lookback, frozen-run sees a run, but with no history before
    // it the finding stays info during the warm-up (it says it needs 9 days of history before the onset).
    metrics: { page_media_view: (page) => (page === '111' ? 120 : 80) },
    errors: { page_follows: { code: 100, message: '(#100) The value must be a valid insights metric' } },
  });
  cwd = join(dir, 'project');
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  writeFileSync(join(cwd, 'contracts', 'meta.yaml'), SOURCE.replace('BASE', graph.url));
  writeFileSync(join(cwd, 'contracts', 'features.yaml'), FEATURES);
  const poll = await cli(['poll'], { cwd, env: { META_TOKEN: TOKEN } });
  expect(poll.stdout).toContain('blocked features: follower_growth');
  expect(poll.code).toBe(1);
});
afterAll(() => graph.close());

describe('upwatch report', () => {
  it('writes a self-contained HTML report of a real poll and exits 0 although a feature is blocked', async () => {
    const out = join(dir, 'out', 'nested', 'report.html');
    const r = await cli(['report', '--out', out], { cwd, env: { META_TOKEN: TOKEN } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*report\.html \(\d+ KB\)\n/);
    expect(r.stdout).toContain(
      '1 of 2 features blocked, 0 warn, 1 ok; 2 open findings, 0 resolved in the last 30 days',
    );

    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain(TOKEN);
    expect(Buffer.byteLength(html)).toBeLessThan(60_000);
    const doc = dom(out);
    expect(find(doc, (e) => e.name === 'script' || e.name === 'link')).toEqual([]);
    const states = Object.fromEntries(
      find(doc, (e) => e.attribs['data-feature'] !== undefined).map((e) => [
        e.attribs['data-feature'],
        e.attribs['data-state'],
      ]),
    );
    expect(states).toEqual({ follower_growth: 'blocked', reach_7d: 'ok' });
    const articles = find(doc, (e) => e.name === 'article' && e.attribs['data-fingerprint'] !== undefined);
    expect(articles.map((a) => a.attribs['data-severity']).sort()).toEqual(['block', 'info']);
    const removed = articles.find((a) => a.attribs['data-severity'] === 'block')!;
    expect(text(removed)).toContain('page_follows rejected by Meta (#100)');
    expect(text(removed)).toContain('(#100) The value must be a valid insights metric');
    expect(text(removed)).toContain('Not acknowledged');
    // No value of page_follows was ever stored: no chart, and the report says why.
    expect(DomUtils.findOne((e) => e.name === 'svg', removed.children)).toBeNull();
    expect(text(removed)).toContain('No chart');
    const frozen = articles.find((a) => a.attribs['data-severity'] === 'info')!;
    expect(text(frozen)).toContain('exactly 120 for 3 days');
    expect(text(frozen)).toContain(
      'Not alerted: frozen-run needs 9 days of page_media_view history before the onset',
    );
    expect(DomUtils.findOne((e) => e.name === 'svg', frozen.children)).not.toBeNull();
    const sources = find(doc, (e) => e.name === 'tr' && e.attribs['data-source'] === 'meta');
    expect(text(sources[0])).toContain('PARTIAL');
    expect(text(sources[0])).toContain('pinned v24.0, served v24.0');
    expect(text(sources[0])).toContain('fresh');
  });

  it('writes upwatch-report.html in the working directory by default, and narrows with --source', async () => {
    const r = await cli(['report', '--source', 'meta', '--days', '7'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote upwatch-report.html');
    expect(r.stdout).toContain('resolved in the last 7 days');
    expect(existsSync(join(cwd, 'upwatch-report.html'))).toBe(true);
  });

  it('shows an acknowledgement and an override after `upwatch ack` and `upwatch override`', async () => {
    const fp = find(
      dom(join(cwd, 'upwatch-report.html')),
      (e) => e.name === 'article' && e.attribs['data-severity'] === 'block',
    )[0]!.attribs['data-fingerprint']!;
    expect(
      (await cli(['ack', fp, '--reason', 'replacement <b>planned</b>', '--by', 'ana'], { cwd })).code,
    ).toBe(0);
    const override = await cli(
      [
        'override',
        'follower_growth',
        '--allow',
        '--reason',
        'uses page_daily_follows now',
        '--until',
        '7d',
        '--by',
        'bo',
      ],
      { cwd },
    );
    expect(override.code).toBe(0);
    const out = join(dir, 'after.html');
    expect((await cli(['report', '--out', out], { cwd })).code).toBe(0);
    const doc = dom(out);
    const row = find(doc, (e) => e.attribs['data-feature'] === 'follower_growth')[0]!;
    expect(row.attribs['data-state']).toBe('ok');
    expect(text(row)).toContain('allowed by hand');
    expect(text(row)).toContain('uses page_daily_follows now');
    const finding = find(doc, (e) => e.attribs['data-fingerprint'] === fp && e.name === 'article')[0]!;
    expect(text(finding)).toContain('Acknowledged by ana');
    expect(text(finding)).toContain('replacement <b>planned</b>');
    expect(readFileSync(out, 'utf8')).not.toContain('<b>planned</b>');
  });

  it('gives an empty store a "nothing to report" page', async () => {
    const db = join(dir, 'empty.db');
    await openStore(db).close();
    const out = join(dir, 'empty.html');
    const r = await cli(['report', '--db', db, '--out', out], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 of 2 features blocked, 2 warn, 0 ok; 0 open findings');
    expect(text(dom(out))).toContain('Nothing to report yet.');
  });

  it.each<[string, string[], RegExp]>([
    [
      'no store',
      ['--db', 'missing.db'],
      /no store at .*missing\.db \[STORE_UNAVAILABLE\]\n {2}hint: run `upwatch poll` first/,
    ],
    [
      'no contracts directory',
      ['--contracts', 'nope'],
      /contracts directory not found: .*nope \[CONTRACTS_NOT_FOUND\]/,
    ],
    [
      'contracts that do not load',
      ['--contracts', 'broken'],
      /no usable contract in .*broken \[CONTRACTS_INVALID\]\n {2}hint: fix the errors above/,
    ],
    ['an unknown source', ['--source', 'nope'], /unknown source nope \[NOT_FOUND\]\n {2}hint: sources: meta/],
    ['bad --days', ['--days', '0'], /--days must be a whole number from 1 to 3650/],
    ['a store that is not SQLite', ['--db', 'junk.db'], /\[STORE_CORRUPT\]/],
    ['--out naming a directory', ['--out', 'contracts'], /cannot write --out .*contracts: .*\[USAGE\]/],
  ])('exits 2 on %s, with a hint and no file written', async (_name, args, message) => {
    writeFileSync(join(cwd, 'junk.db'), 'x'.repeat(8192));
    mkdirSync(join(cwd, 'broken'), { recursive: true });
    writeFileSync(join(cwd, 'broken', 'bad.yaml'), 'apiVersion: upwatch/v1\nkind: Source\nname: 12\n');
    const out = join(dir, `never-${args.join('-').replace(/[^a-z0-9]/gi, '')}.html`);
    const r = await cli(['report', '--out', out, ...args], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('the binary exits 0 with the report written, 2 without a store', async () => {
    const out = join(dir, 'spawned.html');
    const args = [
      'report',
      '--db',
      join(cwd, '.upwatch', 'upwatch.db'),
      '--contracts',
      join(cwd, 'contracts'),
    ];
    const ok = spawnTsx('src/cli/main.ts', [...args, '--out', out]);
    expect((await exitOf(ok)).code).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(1000);
    const missing = spawnTsx('src/cli/main.ts', [
      'report',
      '--db',
      join(dir, 'nope.db'),
      '--out',
      join(dir, 'x.html'),
    ]);
    expect((await exitOf(missing)).code).toBe(2);
  }, 30_000);
});

describe('upwatch report on a full disk', () => {
  const fs = mountTinyFs(64);
  afterAll(() => {
    if ('dir' in fs) fs.unmount();
  });

  it.skipIf('skip' in fs)(
    `exits 2 and leaves the previous report whole, with no temporary file${'skip' in fs ? ` (skipped: ${fs.skip})` : ''}`,
    async () => {
      const tiny = (fs as TinyFs).dir;
      const out = join(tiny, 'upwatch-report.html');
      writeFileSync(out, '<!doctype html><p>yesterday’s report</p>\n');
      // Fill the 64 KiB tmpfs to its last page: the new report (about 20 KB) cannot fit.
      writeFileSync(join(tiny, 'filler'), Buffer.alloc(56 * 1024));
      const r = await cli(['report', '--out', out], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot write --out .*upwatch-report\.html: .*ENOSPC.*\[USAGE\]/);
      expect(readFileSync(out, 'utf8')).toBe('<!doctype html><p>yesterday’s report</p>\n');
      expect(readdirSync(tiny).sort()).toEqual(['filler', 'upwatch-report.html']);
      // and a first report that does not fit leaves no file at all (it used to leave a 0-byte one)
      const fresh = await cli(['report', '--out', join(tiny, 'fresh.html')], { cwd });
      expect(fresh.code).toBe(2);
      expect(readdirSync(tiny).sort()).toEqual(['filler', 'upwatch-report.html']);
    },
  );
});

describe('upwatch demo --report', () => {
  it('writes the report of the simulated run as of the simulated clock, without the simulated tokens', async () => {
    const out = join(dir, 'demo', 'demo.html');
    const r = await cli(['demo', '--days', '3', '--report', out], { cwd: dir });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}report {5}.*demo\.html \(\d+ KB\): 0 of 8 features blocked/);
    const html = readFileSync(out, 'utf8');
    for (const token of [meta2024.graph.accessToken, meta2024.partner.token])
      expect(html).not.toContain(token);
    const doc = parseDocument(html);
    expect(text(doc)).toContain('upwatch demo, scenario meta-2024: 3 simulated days from 2023-11-14');
    expect(text(doc)).toContain('2023-11-16 09:00 UTC');
    expect(find(doc, (e) => e.attribs['data-feature'] !== undefined)).toHaveLength(8);
    const json = await cli(
      ['demo', '--days', '1', '--format', 'json', '--report', join(dir, 'demo', 'j.html')],
      { cwd: dir },
    );
    expect(json.code).toBe(0);
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
    expect(json.stderr).toContain('report: ');
  }, 60_000);

  it('exits 2 before simulating when --report cannot be written', async () => {
    const r = await cli(['demo', '--days', '1', '--report', join(dir, 'project', 'contracts')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write --report');
    expect(r.stdout).toBe('');
  });
});
