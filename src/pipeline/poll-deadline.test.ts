import { afterEach, describe, expect, it } from 'vitest';
import { metaSource } from '../../test/helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../../test/helpers/graph-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';
import { pollSource } from './poll-source.js';

// A hanging upstream must not cost minutes: a request that timed out is retried at most once, once a few requests to
// a host have hung the rest of the poll's requests to it are not started, and the poll as a whole has a deadline.
// Short deadlines come in through options; the tests count requests and read the recorded outcome, never the time.
const TOKEN = 'tok-123456';
const PAGES = Array.from({ length: 40 }, (_, i) => String(100 + i));
let graph: GraphServer | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

const hangs = (metric: string) => (_path: string, url: URL) =>
  url.searchParams.get('metric') === metric ? ('hang' as const) : ('ok' as const);

const hungRequests = (g: GraphServer) => g.requests.filter((r) => r.url.includes('metric=page_hang')).length;

describe('a hanging metric on a 40-page source', () => {
  it('a timed-out request is retried at most once', async () => {
    graph = await startGraphServer({
      token: TOKEN,
      metrics: { page_good: () => 1 },
      faultFor: hangs('page_hang'),
    });
    const deps = testDeps({ env: { META_TOKEN: TOKEN }, http: { deadlineMs: 150, maxAttempts: 3 } });
    const poll = await pollSource(deps, metaSource(graph.url, ['page_hang']));
    expect(hungRequests(graph)).toBe(2);
    expect(poll.requests[0]).toMatchObject({ attempts: 2, error: { code: 'HTTP_TIMEOUT' } });
  });

  it('after N hung requests to a host the rest are not started; the poll is partial with a clear error', async () => {
    graph = await startGraphServer({
      token: TOKEN,
      metrics: { page_good: () => 1 },
      faultFor: hangs('page_hang'),
    });
    // A deadline per attempt long enough that a good answer on a loaded machine never counts as a hang.
    const deps = testDeps({ env: { META_TOKEN: TOKEN }, http: { deadlineMs: 1_000, maxAttempts: 3 } });
    const src = metaSource(graph.url, ['page_good', 'page_hang']);
    (src.connection as { pages: string[] }).pages = PAGES;
    const poll = await pollSource({ ...deps, hungRequestsPerHost: 3 }, src);

    // Every good request; of the 40 hanging ones only those in flight when the third hang was seen (8 at a time), and
    // a retry or two begun before it: without the limit, 40 × 3 attempts.
    expect(graph.requests.filter((r) => r.url.includes('metric=page_good')).length).toBeGreaterThanOrEqual(
      40,
    );
    expect(hungRequests(graph)).toBeLessThanOrEqual(12);
    expect(poll.outcome).toBe('partial');
    const hang = poll.metricOutcomes.filter((o) => o.metric === 'page_hang');
    expect(hang).toHaveLength(40);
    expect(hang.every((o) => o.status === 'error')).toBe(true);
    const notStarted = hang.filter((o) => o.error?.code === 'POLL_DEADLINE');
    expect(notStarted.length).toBeGreaterThanOrEqual(28);
    expect(notStarted[0]!.error!.message).toMatch(
      /not requested: 3 requests to 127\.0\.0\.1:\d+ hung in this poll/,
    );
    expect(poll.metricOutcomes.filter((o) => o.metric === 'page_good').every((o) => o.status === 'ok')).toBe(
      true,
    );
  });

  it('the poll deadline stops what is still waiting and records it as not verified', async () => {
    graph = await startGraphServer({
      token: TOKEN,
      metrics: { page_good: () => 1 },
      faultFor: hangs('page_hang'),
    });
    // Requests would wait 60 s each; the poll's own deadline cuts them.
    const deps = testDeps({ env: { META_TOKEN: TOKEN }, http: { deadlineMs: 60_000, maxAttempts: 3 } });
    const src = metaSource(graph.url, ['page_good', 'page_hang']);
    (src.connection as { pages: string[] }).pages = PAGES.slice(0, 4);
    const poll = await pollSource({ ...deps, pollDeadlineMs: 1_500 }, src);
    expect(hungRequests(graph)).toBe(4); // each started once, none retried
    expect(poll.outcome).toBe('partial');
    const hang = poll.metricOutcomes.filter((o) => o.metric === 'page_hang');
    expect(hang.map((o) => o.error?.code)).toEqual(Array(4).fill('POLL_DEADLINE'));
    expect(hang[0]!.error!.message).toMatch(/deadline of 1\.5 s/);
    expect(poll.metricOutcomes.filter((o) => o.metric === 'page_good').every((o) => o.status === 'ok')).toBe(
      true,
    );
  });

  it("a source's pollDeadlineSeconds wins over the setting", async () => {
    graph = await startGraphServer({ token: TOKEN, metrics: {}, faultFor: hangs('page_hang') });
    const deps = testDeps({ env: { META_TOKEN: TOKEN }, http: { deadlineMs: 60_000 } });
    const src = { ...metaSource(graph.url, ['page_hang']), pollDeadlineSeconds: 1 };
    const poll = await pollSource({ ...deps, pollDeadlineMs: 60_000 }, src);
    expect(poll).toMatchObject({ outcome: 'failed', errorCode: 'POLL_DEADLINE' });
    expect(poll.errorMessage).toMatch(/deadline of 1 s passed while waiting/);
  });
});
