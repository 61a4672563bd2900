// Error #100 on every metric through `upwatch poll` and `upwatch gate`: the upstream answered, so the poll is not
// "could not verify" — each rejected metric opens its metric-invalid finding and blocks the features that use it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphError, type GraphServer } from '../helpers/graph-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-e2e-100';
const dir = tempDir('upwatch-e2e-invalid-metric-');
const INVALID: GraphError = {
  status: 400,
  code: 100,
  message: '(#100) The value must be a valid insights metric',
};
let graph: GraphServer;
/** A value that moves from day to day (a constant would read as frozen). */
const varying = (level: number) => (_page: string, day: string) =>
  level + (((Date.parse(day) / 86_400_000) * 37) % 23);

beforeAll(async () => {
  graph = await startGraphServer({
    token: TOKEN,
    metrics: { page_media_view: varying(1000), page_follows: varying(50) },
  });
});
afterAll(() => graph.close());

function project(name: string, baseUrl: string): string {
  const cwd = join(dir, name);
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  writeFileSync(
    join(cwd, 'contracts', 'meta.yaml'),
    metaSourceYaml({ baseUrl, pages: ['111', '222'] }) +
      featureYaml('views_7d', ['meta/page_media_view']) +
      featureYaml('follows_28d', ['meta/page_follows']),
  );
  return cwd;
}

describe('error #100 on every metric of a poll', () => {
  it('opens metric-invalid for each metric, exits 1, and the gate blocks the features', async () => {
    const cwd = project('rejected', graph.url);
    const clock = new ManualClock('2026-03-14T07:00:00Z');
    const env = { META_TOKEN: TOKEN };
    const healthy = await cli(['poll'], { cwd, env, clock });
    expect(healthy.code).toBe(0);

    graph.options.errors = { page_media_view: INVALID, page_follows: INVALID };
    for (let day = 1; day <= 3; day++) {
      clock.advanceDays(1);
      const r = await cli(['poll'], { cwd, env, clock });
      // The upstream answered definitively for every metric: verified (PARTIAL: no data), and the policy fails.
      expect(r.stdout).toMatch(/meta {2}PARTIAL {2}poll #\d+: 0 values, 4 requests/);
      expect(r.stdout).toContain('UPSTREAM_INVALID_METRIC');
      expect(r.stdout).toContain('blocked features: views_7d, follows_28d');
      expect(r.code).toBe(1);
    }

    const store = openStore(join(cwd, '.upwatch', 'upwatch.db'), { readonly: true });
    const open = (await store.findings.active()).map((f) => [f.rule, f.metric, f.severity, f.entities]);
    await store.close();
    expect(open.sort()).toEqual([
      ['metric-invalid', 'page_follows', 'block', ['111', '222']],
      ['metric-invalid', 'page_media_view', 'block', ['111', '222']],
    ]);

    const gate = await cli(['gate', 'views_7d', 'follows_28d'], { cwd, clock });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/views_7d {2}BLOCKED/);
    expect(gate.stdout).toMatch(/follows_28d {2}BLOCKED/);
    expect(gate.stdout).toContain('metric-invalid');

    const status = JSON.parse(readFileSync(join(cwd, 'snapshots', 'status.json'), 'utf8')) as {
      allowed: boolean;
      features: { feature: string; state: string; reasons: { rule: string }[] }[];
    };
    expect(status.allowed).toBe(false);
    expect(status.features.map((f) => [f.feature, f.state, f.reasons.map((r) => r.rule)])).toEqual([
      ['follows_28d', 'blocked', ['metric-invalid']],
      ['views_7d', 'blocked', ['metric-invalid']],
    ]);
  });

  it('a poll that reached nothing is still "could not verify": exit 3, no finding', async () => {
    const cwd = project('down', 'http://127.0.0.1:9');
    const r = await cli(['poll'], {
      cwd,
      env: { META_TOKEN: TOKEN },
      clock: new ManualClock('2026-03-14T07:00:00Z'),
    });
    expect(r.stdout).toContain('FAILED');
    expect(r.code).toBe(3);
    const store = openStore(join(cwd, '.upwatch', 'upwatch.db'), { readonly: true });
    expect(await store.findings.active()).toEqual([]);
    await store.close();
  }, 20_000);
});
