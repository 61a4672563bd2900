// upwatch poll / status / run end to end against the loopback Graph-like server.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { cli, exitOf, spawnTsx, waitForOutput } from '../helpers/cli.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const TOKEN = 'tok-e2e-5512';
let graph: GraphServer;
const dir = tempDir('upwatch-e2e-poll-');

/**
 * The daemon tests spawn `upwatch run` on the real clock, so the contract pins v26.0: it has no end of life on the
 * built-in version calendar, and no date brings a version warning or block into these polls.
 */
function contract(baseUrl: string, schedule = '0 7 * * *'): string {
  return metaSourceYaml({ baseUrl, apiVersion: 'v26.0', pages: ['111', '222'], schedule, changelog: true });
}

function project(name: string, baseUrl: string): string {
  const cwd = join(dir, name);
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  writeFileSync(join(cwd, 'contracts', 'meta.yaml'), contract(baseUrl));
  return cwd;
}

beforeAll(async () => {
  graph = await startGraphServer({
    token: TOKEN,
    metrics: { page_media_view: () => 10, page_follows: () => 3 },
    docs: { '/changelog': '<html><body><h1>Changelog</h1><p>page_fans will be removed.</p></body></html>' },
  });
});
afterAll(() => graph.close());

describe('upwatch poll', () => {
  it('fills the store, writes doc snapshots, and exits 0', async () => {
    const cwd = project('ok', graph.url);
    const r = await cli(['poll'], { cwd, env: { META_TOKEN: TOKEN } });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/meta {2}OK {2}poll #1: 12 values, 4 requests/);
    const store = openStore(join(cwd, '.upwatch', 'upwatch.db'), { readonly: true });
    expect((await store.lastPoll('meta'))!.outcome).toBe('ok');
    await store.close();
    expect(existsSync(join(cwd, 'snapshots', 'meta', 'changelog.txt'))).toBe(true);

    const status = await cli(['status', '--json'], { cwd });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).sources[0]).toMatchObject({
      source: 'meta',
      polls: 1,
      lastOutcome: 'ok',
      observations: 12,
      entities: 2,
    });
  });

  it('exits 3 when every attempt to reach the upstream failed, and records the failed poll', async () => {
    const cwd = project('down', 'http://127.0.0.1:9');
    const r = await cli(['poll', '--db', 'x.db'], { cwd, env: { META_TOKEN: TOKEN } });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('FAILED');
    const status = await cli(['status', '--db', 'x.db'], { cwd });
    expect(status.stdout).toMatch(/meta .* failed/);
  }, 20_000);

  it('exits 2 when the contracts are unusable or the source is unknown', async () => {
    const cwd = join(dir, 'empty');
    mkdirSync(cwd, { recursive: true });
    expect((await cli(['poll'], { cwd })).code).toBe(2);
    const ok = project('unknown-source', graph.url);
    const r = await cli(['poll', '--source', 'nope'], { cwd: ok, env: { META_TOKEN: TOKEN } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown source nope');
  });

  it('exits 2 when the store is not a database', async () => {
    const cwd = project('corrupt', graph.url);
    writeFileSync(join(cwd, 'bad.db'), 'x'.repeat(8192));
    const r = await cli(['poll', '--db', 'bad.db'], { cwd, env: { META_TOKEN: TOKEN } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('STORE_CORRUPT');
  });
});

describe('upwatch poll and the gate', () => {
  it('exits 1 when a used metric answers error #100 (the feature is blocked)', async () => {
    const removed = await startGraphServer({
      token: TOKEN,
      metrics: { page_media_view: () => 10 },
      errors: { page_follows: { code: 100, message: '(#100) The value must be a valid insights metric' } },
      docs: { '/changelog': '<p>nothing new</p>' },
    });
    const cwd = project('blocked', removed.url);
    writeFileSync(
      join(cwd, 'contracts', 'feature.yaml'),
      featureYaml('follower_growth', ['meta/page_follows']),
    );
    const r = await cli(['poll'], { cwd, env: { META_TOKEN: TOKEN } });
    expect(r.stdout).toContain('PARTIAL');
    expect(r.stdout).toContain('blocked features: follower_growth');
    expect(r.code).toBe(1);
    await removed.close();
  });
});

describe('upwatch run', () => {
  it('polls on start, then stops cleanly on SIGTERM', async () => {
    const cwd = project('daemon', graph.url);
    const db = join(cwd, 'daemon.db');
    const child = spawnTsx(
      'src/cli/main.ts',
      [
        'run',
        '--poll-on-start',
        '--db',
        db,
        '--contracts',
        join(cwd, 'contracts'),
        '--snapshots',
        join(cwd, 'snap'),
      ],
      {
        META_TOKEN: TOKEN,
      },
    );
    await waitForOutput(child, /meta {2}OK/);
    child.kill('SIGTERM');
    const exit = await exitOf(child);
    expect(exit.code).toBe(0);
    const store = openStore(db, { readonly: true });
    expect(await store.recentPolls('meta', 10)).toHaveLength(1);
    await store.close();
    expect(readFileSync(join(cwd, 'snap', 'meta', 'changelog.txt'), 'utf8')).toBeTruthy();
  }, 20_000);

  it('sends the alerts through UPWATCH_SMTP_URL with its relay, then stops cleanly', async () => {
    const removed = await startGraphServer({
      token: TOKEN,
      metrics: { page_media_view: () => 10 },
      errors: { page_follows: { code: 100, message: '(#100) The value must be a valid insights metric' } },
    });
    const sink = await startSmtpSink();
    const cwd = project('daemon-mail', removed.url);
    writeFileSync(
      join(cwd, 'contracts', 'feature.yaml'),
      featureYaml('follower_growth', ['meta/page_follows']),
    );
    const child = spawnTsx(
      'src/cli/main.ts',
      [
        'run',
        '--poll-on-start',
        '--db',
        join(cwd, 'daemon.db'),
        '--contracts',
        join(cwd, 'contracts'),
        '--snapshots',
        join(cwd, 'snap'),
      ],
      { META_TOKEN: TOKEN, UPWATCH_SMTP_URL: sink.url() },
    );
    try {
      await sink.waitFor(1);
      const [mail] = await sink.parsed();
      expect(mail!.subject).toMatch(/^\[upwatch\] BLOCKED 1 feature: page_follows rejected by Meta \(#100\)/);
      child.kill('SIGTERM');
      expect((await exitOf(child)).code).toBe(0);
      for (const m of sink.received) expect(m.raw).not.toContain(TOKEN);
    } finally {
      child.kill('SIGKILL');
      await sink.close();
      await removed.close();
    }
  }, 30_000);
});
