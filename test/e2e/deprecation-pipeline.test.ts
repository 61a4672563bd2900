// Deprecation detection over real parts: a Graph-like server on loopback, the real provider and SQLite store, then
// detectSource — error #100, a served version ≠ pinned, a metric missing for two polls, and a lost token.
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { detectSource } from '../../src/pipeline/detect.js';
import { pollSource } from '../../src/pipeline/poll-source.js';
import { metaSource } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer, type GraphServerOptions } from '../helpers/graph-server.js';
import { testDeps } from '../helpers/poll-deps.js';

let graph: GraphServer | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

const TOKEN = 'tok-123';
const value = () => 100;

async function pollAndDetect(options: GraphServerOptions, metrics: string[], days = 1): Promise<Finding[]> {
  graph = await startGraphServer({ token: TOKEN, ...options });
  const deps = testDeps({ env: { META_TOKEN: TOKEN }, now: '2026-01-10T10:00:00Z' });
  const source = metaSource(graph.url, metrics);
  let findings: Finding[] = [];
  for (let d = 0; d < days; d++) {
    if (d > 0) deps.clock.advanceDays(1);
    await pollSource(deps, source);
    findings = await detectSource(deps.store, source, deps.clock.now(), []);
  }
  return findings.filter(
    (f) => f.class === 'deprecation' || f.class === 'version' || f.class === 'unverified',
  );
}

describe('deprecation detection through the real poller and store', () => {
  it('error #100 on page_impressions blocks it, naming page_media_view and 2025-11-15', async () => {
    const f = await pollAndDetect(
      {
        metrics: { page_media_view: value },
        errors: {
          page_impressions: {
            status: 400,
            code: 100,
            message: '(#100) The value must be a valid insights metric',
          },
        },
      },
      ['page_media_view', 'page_impressions'],
    );
    expect(f).toEqual([
      expect.objectContaining({
        rule: 'metric-invalid',
        severity: 'block',
        metric: 'page_impressions',
        replacement: 'page_media_view',
        effectiveDate: '2025-11-15',
      }),
    ]);
    expect(f[0]!.evidence.absorbed).toEqual(['announced-deprecation']);
  });

  it('a served version other than the pinned one warns', async () => {
    const f = await pollAndDetect({ metrics: { page_media_view: value }, servedVersion: 'v25.0' }, [
      'page_media_view',
    ]);
    expect(f).toEqual([
      expect.objectContaining({
        rule: 'served-version-mismatch',
        severity: 'warn',
        subject: 'api-version:v24.0',
      }),
    ]);
  });

  it('a metric answered with data: [] blocks after two polls, not one', async () => {
    const one = await pollAndDetect({ metrics: { page_media_view: value } }, [
      'page_media_view',
      'page_video_views',
    ]);
    expect(one).toEqual([]);
    await graph!.close();
    const two = await pollAndDetect(
      { metrics: { page_media_view: value } },
      ['page_media_view', 'page_video_views'],
      2,
    );
    expect(two).toEqual([
      expect.objectContaining({
        rule: 'metric-missing-from-data',
        severity: 'block',
        metric: 'page_video_views',
      }),
    ]);
  });

  it('a rejected token is "could not verify", never a deprecation', async () => {
    graph = await startGraphServer({ token: 'another-token', metrics: { page_media_view: value } });
    const deps = testDeps({ env: { META_TOKEN: TOKEN }, now: '2026-01-10T10:00:00Z' });
    const source = metaSource(graph.url, ['page_media_view']);
    const poll = await pollSource(deps, source);
    expect(poll.outcome).toBe('failed');
    const f = (await detectSource(deps.store, source, deps.clock.now(), [])).filter(
      (x) => x.class !== 'freshness',
    );
    expect(f.map((x) => [x.rule, x.class, x.severity])).toEqual([['token-invalid', 'unverified', 'block']]);
  });
});
