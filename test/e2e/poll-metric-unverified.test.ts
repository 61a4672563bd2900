// One metric that never arrives while the rest of its source answers: real loopback faults on that metric only, four
// days of polls, and the gate of the feature on it turns unverified — `warn`, or `blocked` under a policy that blocks
// on warnings — in `upwatch gate`, the status file and `upwatch status`, never `ok`.
import { describeCycle } from '../../src/cli/commands/poll.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../src/contracts/load.js';
import type { FeatureGate } from '../../src/core/gate.js';
import { checkGate } from '../../src/gate/check-gate.js';
import { runCycle, type CycleDeps } from '../../src/pipeline/cycle.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import type { FaultMode } from '../helpers/loopback-server.js';
import { testDeps } from '../helpers/poll-deps.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-e2e-unverified';
const dir = tempDir('upwatch-e2e-metric-unverified-');
let graph: GraphServer;
/** Fault of `page_follows` requests; `page_media_view` always answers. */
let fault: FaultMode = 'ok';

/** A value that moves from day to day (a constant would read as frozen). */
const varying = (level: number) => (_page: string, day: string) =>
  level + (((Date.parse(day) / 86_400_000) * 37) % 23);

beforeAll(async () => {
  graph = await startGraphServer({
    token: TOKEN,
    metrics: { page_media_view: varying(1000), page_follows: varying(50) },
    faultFor: (_path, url) => (url.searchParams.get('metric') === 'page_follows' ? fault : 'ok'),
  });
});
afterAll(() => graph.close());

function project(name: string): string {
  const cwd = join(dir, name);
  mkdirSync(join(cwd, 'contracts'), { recursive: true });
  writeFileSync(
    join(cwd, 'contracts', 'meta.yaml'),
    metaSourceYaml({ baseUrl: graph.url, freshnessHours: 36 }) +
      featureYaml('views_7d', ['meta/page_media_view']) +
      featureYaml('follows_28d', ['meta/page_follows', 'meta/page_media_view']) +
      featureYaml('follows_strict', ['meta/page_follows'], { extra: 'policy:\n  blockOn: [block, warn]\n' }),
  );
  return cwd;
}

const byName = (features: FeatureGate[]) => new Map(features.map((f) => [f.feature, f]));

describe('a metric that never arrives is unverified, never ok', () => {
  it.each<[string, FaultMode, string]>([
    ['a 200 whose body is not JSON', 'html-200', 'HTTP_MALFORMED'],
    ['a 500 after the retries', 'always-500', 'HTTP_STATUS'],
    ['no answer within the deadline', 'hang', 'HTTP_TIMEOUT'],
    ['a body over the byte cap', 'huge', 'HTTP_TOO_LARGE'],
    ['a reset connection', 'refuse', 'HTTP_CONNECT'],
  ])(
    '%s on every poll for four days',
    async (_name, mode, code) => {
      const cwd = project(mode);
      const db = join(cwd, '.upwatch', 'upwatch.db');
      const { contracts } = await loadContracts(join(cwd, 'contracts'), {
        env: () => TOKEN,
        now: new Date('2026-03-10T07:00:00Z'),
        root: cwd,
      });
      const source = contracts.sources[0]!;
      const base = testDeps({
        env: { META_TOKEN: TOKEN },
        store: openStore(db),
        now: '2026-03-10T07:00:00Z',
        // A short deadline and a small byte cap through the client's options: the hang and the huge body fail fast.
        http: { deadlineMs: 200, maxBytes: 64 * 1024, maxAttempts: 2 },
      });
      const statusFile = join(cwd, 'snapshots', 'status.json');
      const deps: CycleDeps & typeof base = { ...base, contracts, alerts: {}, statusFile };
      const clock = deps.clock;
      try {
        fault = 'ok';
        const first = await runCycle(deps, source);
        expect(first.poll.outcome).toBe('ok');
        const verifiedAt = first.poll.finishedAt;

        fault = mode;
        const states: string[] = [];
        for (let day = 1; day <= 4; day++) {
          clock.advanceDays(1);
          const r = await runCycle(deps, source);
          expect(r.poll.outcome).toBe('partial');
          expect(r.poll.errorCode).toBe(code);
          expect(r.metrics).toEqual({ verified: ['page_media_view'], unverified: ['page_follows'] });
          expect(describeCycle(r)).toMatch(/ {2}PARTIAL {2}.*\n.*\n {2}not verified: page_follows\n$/);
          const gate = byName(r.processed!.gate.features);
          expect(gate.get('views_7d')).toMatchObject({ state: 'ok', unverified: [] });
          states.push(`${gate.get('follows_28d')!.state}/${gate.get('follows_strict')!.state}`);
        }
        // 24 h after the last answer is within the 36 h window; from 48 h on the metric is unverified.
        expect(states).toEqual(['ok/ok', 'warn/blocked', 'warn/blocked', 'warn/blocked']);

        const report = byName((await checkGate({ store: deps.store, contracts, now: clock.now() })).features);
        const entry = {
          source: 'meta',
          metrics: ['page_follows'],
          lastVerifiedAt: verifiedAt,
          freshnessHours: 36,
        };
        expect(report.get('follows_28d')).toMatchObject({ state: 'warn', reasons: [], unverified: [entry] });
        expect(report.get('follows_strict')).toMatchObject({ state: 'blocked', unverified: [entry] });
        expect(report.get('views_7d')).toMatchObject({ state: 'ok', unverified: [] });

        const file = JSON.parse(readFileSync(statusFile, 'utf8')) as { features: FeatureGate[] };
        expect(byName(file.features).get('follows_28d')).toMatchObject({
          state: 'warn',
          unverified: [entry],
        });

        const gate = await cli(['gate', 'follows_28d', 'views_7d', '--db', db], {
          cwd,
          clock,
          env: { META_TOKEN: TOKEN },
        });
        expect(gate.stdout).toMatch(/^follows_28d {2}WARN$/m);
        expect(gate.stdout).toContain(
          `unverified  meta/page_follows: last verified ${verifiedAt} (freshness 36 h)`,
        );
        expect(gate.code).toBe(0);
        const strict = await cli(['gate', 'follows_strict', '--db', db], {
          cwd,
          clock,
          env: { META_TOKEN: TOKEN },
        });
        expect(strict.code).toBe(1);
        const json = await cli(['gate', 'follows_28d', '--json', '--db', db], {
          cwd,
          clock,
          env: { META_TOKEN: TOKEN },
        });
        expect(JSON.parse(json.stdout).features[0]).toMatchObject({ state: 'warn', unverified: [entry] });

        const status = await cli(['status', '--db', db], { cwd, clock, env: { META_TOKEN: TOKEN } });
        expect(status.stdout).toMatch(/WARN {4}follows_28d \(unverified: meta\/page_follows\)/);
        const statusJson = await cli(['status', '--json', '--db', db], {
          cwd,
          clock,
          env: { META_TOKEN: TOKEN },
        });
        const summary = (
          JSON.parse(statusJson.stdout) as {
            gate: { features: { feature: string; state: string; unverifiedMetrics: string[] }[] };
          }
        ).gate.features.find((f) => f.feature === 'follows_28d');
        expect(summary).toMatchObject({ state: 'warn', unverifiedMetrics: ['meta/page_follows'] });

        // The metric answers again: verified at once, the feature is ok.
        fault = 'ok';
        clock.advanceDays(1);
        const back = await runCycle(deps, source);
        expect(back.poll.outcome).toBe('ok');
        expect(byName(back.processed!.gate.features).get('follows_28d')!.state).toBe('ok');
      } finally {
        fault = 'ok';
        deps.http.close();
        await deps.store.close();
      }
    },
    30_000,
  );
});
