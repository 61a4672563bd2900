// upwatch poll end to end: what stops it before it polls, its exit code, the one gate after every cycle, its settings.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { cli } from '../helpers/cli.js';
import { metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-contracts-7731';
const NOW = new Date('2026-12-03T10:00:00Z');
const INVALID = { code: 100, message: '(#100) The value must be a valid insights metric' };
const dir = tempDir('upwatch-e2e-poll-contracts-');
const servers: GraphServer[] = [];

function source(name: string, baseUrl: string, ...metrics: string[]): string {
  return metaSourceYaml({ name, baseUrl, metrics });
}

function feature(name: string, uses: string): string {
  return `apiVersion: upwatch/v1\nkind: Feature\nname: ${name}\nowners: [ml@example.com]\nuses: [${uses}]\n`;
}

function project(name: string, files: Record<string, string>): string {
  const cwd = join(dir, name);
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(cwd, 'contracts', file), text);
  return cwd;
}

async function graph(options: Parameters<typeof startGraphServer>[0]): Promise<GraphServer> {
  const g = await startGraphServer({ token: TOKEN, ...options });
  servers.push(g);
  return g;
}

const run = (args: string[], cwd: string, env: Record<string, string> = { META_TOKEN: TOKEN }) =>
  cli(args, { cwd, env, clock: new ManualClock(NOW) });

let healthy: GraphServer;
beforeAll(async () => {
  healthy = await graph({ metrics: { page_media_view: () => 10 } });
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('upwatch poll decides the gate once, after every cycle', () => {
  it('reports a feature blocked by a slow source that finishes after a healthy one', async () => {
    // Sources run concurrently: the slow one (first in load order) ends last, so no single cycle's gate is complete
    // when the healthy one ends.
    // One metric rejected as invalid (#100) beside a healthy one: the poll is partial and the finding opens.
    const slow = await graph({
      metrics: { page_media_view: () => 10 },
      errors: { page_follows: INVALID },
      latencyMs: 300,
    });
    const cwd = project('two-sources', {
      'a.yaml': `${source('slow', slow.url, 'page_media_view', 'page_follows')}---\n${feature('follows_7d', 'slow/page_follows')}`,
      'b.yaml': `${source('fast', healthy.url, 'page_media_view')}---\n${feature('views_7d', 'fast/page_media_view')}`,
    });
    const r = await run(['poll'], cwd);
    expect(r.stdout).toContain('blocked features: follows_7d');
    expect(r.code).toBe(1);
    const status = JSON.parse(readFileSync(join(cwd, 'snapshots', 'status.json'), 'utf8')) as {
      features: { feature: string; state: string }[];
    };
    const states = status.features.map((f) => [f.feature, f.state]);
    expect(states).toContainEqual(['follows_7d', 'blocked']);
    expect(states.map(([f]) => f)).toEqual(['follows_7d', 'views_7d']);
  });

  it('exits 1, not 3, when every request failed but a feature is blocked (1 wins over 3)', async () => {
    const rejecting = await graph({ metrics: { page_media_view: () => 10 } });
    const cwd = project('token-rejected', {
      'a.yaml': `${source('meta', rejecting.url, 'page_media_view')}---\n${feature('views_7d', 'meta/page_media_view')}`,
    });
    // The server accepts only TOKEN: every request gets #190.
    const r = await run(['poll'], cwd, { META_TOKEN: 'revoked-token-0000' });
    expect(r.stdout).toContain('FAILED');
    expect(r.stdout).toContain('blocked features: views_7d');
    expect(r.code).toBe(1);
  });
});

describe('contract errors stop upwatch poll before it polls', () => {
  it('exits 1 on a source declared in two files, and polls nothing (not twice)', async () => {
    const counting = await graph({ metrics: { page_media_view: () => 10 } });
    const cwd = project('duplicate', {
      'a.yaml': source('meta', counting.url, 'page_media_view'),
      'b.yaml': source('meta', counting.url, 'page_media_view'),
    });
    const r = await run(['poll'], cwd);
    expect(r.stderr).toMatch(
      /contracts\/b\.yaml:3:7 {2}error {2}source "meta" is declared twice.*\[duplicate-name\]/,
    );
    expect(r.stderr).toContain('nothing was polled');
    expect(r.code).toBe(1);
    expect(counting.requests).toHaveLength(0);
    expect(existsSync(join(cwd, '.upwatch', 'upwatch.db'))).toBe(false);
  });

  it('exits 1 on an alias-bomb file beside a valid one', async () => {
    const counting = await graph({ metrics: { page_media_view: () => 10 } });
    const cwd = project('alias-bomb', { 'a.yaml': source('meta', counting.url, 'page_media_view') });
    copyFileSync(
      join(import.meta.dirname, '..', 'fixtures', 'contracts', 'alias-bomb', 'bomb.yaml'),
      join(cwd, 'contracts', 'bomb.yaml'),
    );
    const r = await run(['poll'], cwd);
    expect(r.stderr).toMatch(/contracts\/bomb\.yaml:\d+:\d+ {2}error/);
    expect(r.code).toBe(1);
    expect(counting.requests).toHaveLength(0);
  });

  it('exits 2 when no source is usable', async () => {
    const cwd = project('all-broken', {
      'a.yaml': source('meta', healthy.url, 'page_media_view').replace('count', 'rate'),
    });
    const r = await run(['poll'], cwd);
    expect(r.stderr).toContain('[schema]');
    expect(r.stderr).toContain('[CONTRACTS_UNUSABLE]');
    expect(r.code).toBe(2);
  });

  it('exits 2 with the contract location when a polled source needs an unset secret', async () => {
    const counting = await graph({ metrics: { page_media_view: () => 10 } });
    const cwd = project('secret-unset', { 'a.yaml': source('meta', counting.url, 'page_media_view') });
    const r = await run(['poll'], cwd, {});
    expect(r.stderr).toMatch(
      /contracts\/a\.yaml:9:16 {2}error {2}.*\$\{META_TOKEN\}, which is not set {2}\[secret-unset\]/,
    );
    expect(r.stderr).toContain('[SECRET_UNSET]');
    expect(r.code).toBe(2);
    expect(counting.requests).toHaveLength(0);
  });

  it('stops upwatch run the same way', async () => {
    const cwd = project('run-duplicate', {
      'a.yaml': source('meta', healthy.url, 'page_media_view'),
      'b.yaml': source('meta', healthy.url, 'page_media_view'),
    });
    const r = await run(['run'], cwd);
    expect(r.stderr).toContain('[duplicate-name]');
    expect(r.code).toBe(1);
  });
});

describe('settings that reach the poll', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('writes the status file where UPWATCH_STATUS_FILE says, and gate --status-file reads it from there', async () => {
    const removed = await graph({
      metrics: { page_media_view: () => 10 },
      errors: { page_follows: INVALID },
    });
    const cwd = project('status-file', {
      'a.yaml': `${source('meta', removed.url, 'page_media_view', 'page_follows')}---\n${feature('follows_7d', 'meta/page_follows')}`,
    });
    const env = { META_TOKEN: TOKEN, UPWATCH_STATUS_FILE: 'out/gate.json' };
    expect((await run(['poll'], cwd, env)).code).toBe(1);
    expect(existsSync(join(cwd, 'out', 'gate.json'))).toBe(true);
    expect(existsSync(join(cwd, 'snapshots', 'status.json'))).toBe(false);
    const gate = await run(['gate', 'follows_7d', '--status-file'], cwd, env);
    expect(gate.stderr).toMatch(/^from out\/gate\.json, generated /);
    expect(gate.stdout).toContain('follows_7d  BLOCKED');
    expect(gate.code).toBe(1);
  });

  it('sends mail from UPWATCH_SMTP_FROM', async () => {
    const removed = await graph({
      metrics: { page_media_view: () => 10 },
      errors: { page_follows: INVALID },
    });
    const cwd = project('smtp-from', {
      'a.yaml': `${source('meta', removed.url, 'page_media_view', 'page_follows')}---\n${feature('follows_7d', 'meta/page_follows')}`,
    });
    const env = {
      META_TOKEN: TOKEN,
      UPWATCH_SMTP_URL: sink.url(),
      UPWATCH_SMTP_FROM: 'data-alerts@example.com',
    };
    const r = await run(['poll'], cwd, env);
    expect(r.stderr).toMatch(/mail: [1-9]\d* sent/);
    expect(sink.received.length).toBeGreaterThan(0);
    expect(sink.received.every((m) => m.from === 'data-alerts@example.com')).toBe(true);
  });
});
