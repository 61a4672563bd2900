import { afterEach, describe, expect, it } from 'vitest';
import { pollSource } from '../pipeline/poll-source.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { startGraphServer, type GraphError, type GraphServer } from '../../test/helpers/graph-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';

// Graph API error codes met through a whole poll: transient codes are retried, permission codes are not, and one
// metric's error never costs the others their values.

const TOKEN = 'EAAB-faults-token-5c1d';
let graph: GraphServer | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

/** A Graph stand-in where page_follows answers `error` for its first `times` requests, then 42. */
async function graphWith(error: GraphError, times: number): Promise<GraphServer> {
  let served = 0;
  const errors: Record<string, GraphError> = {};
  Object.defineProperty(errors, 'page_follows', {
    enumerable: true,
    get: () => (served++ < times ? error : undefined),
  });
  graph = await startGraphServer({
    token: TOKEN,
    metrics: { page_media_view: () => 100, page_follows: () => 42 },
    errors,
  });
  return graph;
}

const requestsFor = (g: GraphServer, metric: string) =>
  g.requests.filter((r) => r.url.includes(`metric=${metric}&`) || r.url.endsWith(`metric=${metric}`)).length;

describe('Graph error codes through a poll', () => {
  it.each([1, 2])('#%i once: retried, and the retry stores the value (poll ok)', async (code) => {
    const g = await graphWith({ code, message: 'An unexpected error has occurred. Please retry.' }, 1);
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const poll = await pollSource(deps, metaSource(g.url, ['page_media_view', 'page_follows']));
    expect(poll.outcome).toBe('ok');
    expect(requestsFor(g, 'page_follows')).toBe(2);
    expect(deps.waits).toHaveLength(1);
  });

  it('#2 on every attempt: 3 requests, UPSTREAM_ERROR, that metric unverified and the other stored (partial)', async () => {
    const g = await graphWith({ code: 2, message: 'Service temporarily unavailable' }, 1_000);
    const deps = testDeps({ env: { META_TOKEN: TOKEN } });
    const poll = await pollSource(deps, metaSource(g.url, ['page_media_view', 'page_follows']));
    expect(poll.outcome).toBe('partial');
    expect(requestsFor(g, 'page_follows')).toBe(3);
    const byMetric = new Map(poll.metricOutcomes.map((o) => [o.metric, o]));
    expect(byMetric.get('page_media_view')!.status).toBe('ok');
    expect(byMetric.get('page_follows')).toMatchObject({
      status: 'error',
      error: { code: 'UPSTREAM_ERROR' },
    });
  });

  it.each([10, 200])(
    '#%i (permission): one request, not retried, UPSTREAM_PERMISSION; the other metric stored (partial)',
    async (code) => {
      const g = await graphWith({ code, message: '(#10) Requires pages_read_engagement permission' }, 1_000);
      const deps = testDeps({ env: { META_TOKEN: TOKEN } });
      const poll = await pollSource(deps, metaSource(g.url, ['page_media_view', 'page_follows']));
      expect(poll.outcome).toBe('partial');
      expect(requestsFor(g, 'page_follows')).toBe(1);
      expect(deps.waits).toEqual([]);
      const follows = poll.metricOutcomes.find((o) => o.metric === 'page_follows');
      expect(follows).toMatchObject({
        status: 'error',
        error: { code: 'UPSTREAM_PERMISSION', graphCode: code },
      });
    },
  );
});
