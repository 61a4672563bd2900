import { afterEach, describe, expect, it } from 'vitest';
import { httpJsonSource, metaSource } from '../../test/helpers/contracts.js';
import { startLoopbackServer, type LoopbackServer } from '../../test/helpers/loopback-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';
import { pollSource } from './poll-source.js';

// A rate-limit pause runs from the moment the 429 arrived, not from the start of the poll: the earlier requests of a
// long poll take time, and a pause counted from the start would end before the upstream allows calls again.
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a rate-limit pause counts from the 429', () => {
  it('http-json: Retry-After is added to the clock reading when the 429 arrived', async () => {
    const deps = testDeps({ now: '2026-03-14T10:00:00Z' });
    server = await startLoopbackServer({
      handle: () => {
        // The poll has been running for 10 minutes when the upstream throttles it.
        deps.clock.advanceMs(10 * 60_000);
        return { status: 429, headers: { 'retry-after': '3600' }, body: { error: 'slow down' } };
      },
    });
    const src = httpJsonSource(`${server.url}/stats?since={since}`, { records: 'data', time: 'date' }, [
      'visits',
    ]);
    const poll = await pollSource(deps, src);
    expect(poll.errorCode).toBe('UPSTREAM_THROTTLED');
    expect((await deps.store.pauses.list())[0]!.nextAllowedAt).toBe('2026-03-14T11:10:00.000Z');
  });

  it('meta-graph: a throttle with a regain time is counted from the throttled answer', async () => {
    const deps = testDeps({ env: { META_TOKEN: 'tok-123456' }, now: '2026-03-14T10:00:00Z' });
    server = await startLoopbackServer({
      handle: () => {
        deps.clock.advanceMs(10 * 60_000);
        return {
          status: 400,
          headers: {
            'x-business-use-case-usage': JSON.stringify({
              '111': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 12 }],
            }),
          },
          body: { error: { message: 'too many calls', type: 'OAuthException', code: 80001 } },
        };
      },
    });
    const poll = await pollSource(deps, metaSource(server.url, ['page_media_view']));
    expect(poll.errorCode).toBe('UPSTREAM_THROTTLED');
    expect((await deps.store.pauses.list())[0]!.nextAllowedAt).toBe('2026-03-14T10:22:00.000Z');
  });
});
