import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { pollSource } from '../pipeline/poll-source.js';
import { httpJsonSource, metaSource } from '../../test/helpers/contracts.js';
import { FIXED_NOW } from '../../test/helpers/fixed-clock.js';
import {
  startLoopbackServer,
  type FaultMode,
  type LoopbackServer,
} from '../../test/helpers/loopback-server.js';
import { testDeps } from '../../test/helpers/poll-deps.js';
import { createHttpClient, type HttpClientOptions } from './http.js';

// Upstream faults beyond the plain ones of http.test.ts: bodies that explode when inflated or never end, bytes that
// are not text, connections reset by the peer, and an upstream that answers 429 to everything. Each test counts
// requests and bytes, never time.

const CAP = 1024 * 1024;
let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer({
    handle: () => ({ body: { ok: true } }),
    faultFor: (path) => (path.startsWith('/fault/') ? (path.split('/')[2] as FaultMode) : 'ok'),
    hugeBytes: 200 * 1024 * 1024,
    bombInflatedBytes: 16 * 1024 * 1024 * 1024,
  });
});
afterAll(() => server.close());

function client(extra: Partial<HttpClientOptions> = {}) {
  const waits: number[] = [];
  const http = createHttpClient({
    clock: new ManualClock(FIXED_NOW),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    deadlineMs: 5_000,
    maxBytes: CAP,
    ...extra,
  });
  return { http, waits };
}

async function failure(p: Promise<unknown>): Promise<{
  code: string;
  message: string;
  retryable: boolean;
  details: Record<string, unknown>;
}> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a failure');
}

/** Resolves once the server saw every connection of `path` close (the client gave up on the body). */
async function closedBy(path: string, n: number): Promise<void> {
  for (let i = 0; i < 1000 && server.cutShort(path) < n; i++) await new Promise((r) => setImmediate(r));
}

describe('bodies past the byte cap', () => {
  it.each([
    // mode, bytes the server would send on the wire, what the client would hold if it read it all
    ['huge', '200 MB of JSON whitespace, no content-length', 200 * 1024 * 1024],
    ['gzip-bomb-chunked', '16 MB of gzip, no content-length, inflating to 16 GiB', 16 * 1024 * 1024 * 1024],
  ] as const)(
    '%s (%s) fails HTTP_TOO_LARGE after one request, and the server sees the socket closed early',
    async (mode, _what, full) => {
      const path = `/fault/${mode}/a`;
      const { http } = client({ maxAttempts: 3 });
      const heapBefore = process.memoryUsage().arrayBuffers;
      const err = await failure(http.get({ url: `${server.url}${path}` }));
      expect(err.code).toBe('HTTP_TOO_LARGE');
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(`exceeds the cap of ${CAP} bytes`);
      expect(server.count(path)).toBe(1);
      await closedBy(path, 1);
      expect(server.cutShort(path)).toBe(1);
      // The server stopped long before the end: what left it is the cap plus socket buffers, not the body.
      expect(server.bodyBytes(path)).toBeLessThan(mode === 'huge' ? 64 * CAP : 16 * 1024 * 1024);
      expect(full).toBeGreaterThan(100 * CAP);
      // Nothing near the full body was ever held in memory by the client.
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * CAP);
      http.close();
    },
  );

  it('a gzip bomb declaring a length under the cap (0.5 MB inflating to 512 MiB) is capped on the inflated bytes', async () => {
    const bomb = await startLoopbackServer({
      handle: () => ({ body: {} }),
      faultFor: () => 'gzip-bomb',
      bombInflatedBytes: 512 * 1024 * 1024,
    });
    const { http } = client({ maxAttempts: 3 });
    const heapBefore = process.memoryUsage().arrayBuffers;
    const err = await failure(http.get({ url: `${bomb.url}/declared` }));
    expect(err.code).toBe('HTTP_TOO_LARGE');
    expect(err.message).toContain(`exceeds the cap of ${CAP} bytes`); // not the declared length: that was small
    expect(bomb.total()).toBe(1);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * CAP);
    http.close();
    await bomb.close();
  });

  it('a body declaring 200 MB in Content-Length is refused before it is read, after one request', async () => {
    let requests = 0;
    const declared = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) });
      res.write('{"data":['); // and never more: the client must not wait for the rest
    });
    await new Promise<void>((resolve) => declared.listen(0, '127.0.0.1', resolve));
    const { port } = declared.address() as AddressInfo;
    const { http: upwatchHttp } = client({ maxAttempts: 3 });
    const err = await failure(upwatchHttp.get({ url: `http://127.0.0.1:${port}/declared` }));
    expect(err.code).toBe('HTTP_TOO_LARGE');
    expect(err.message).toContain(`declares ${200 * 1024 * 1024} bytes, over the cap of ${CAP}`);
    expect(requests).toBe(1);
    upwatchHttp.close();
    declared.closeAllConnections();
    await new Promise((resolve) => declared.close(resolve));
  });

  it('a small gzip body under the cap once inflated is read normally', async () => {
    const small = await startLoopbackServer({
      handle: () => ({ body: {} }),
      faultFor: () => 'gzip-bomb',
      bombInflatedBytes: 1,
    });
    const { http } = client({ maxBytes: 2 * CAP });
    const res = await http.get({ url: `${small.url}/one-mib`, expect: 'text' });
    expect(res.status).toBe(200);
    expect(res.text).toHaveLength(CAP);
    expect(res.text.trim()).toBe('');
    http.close();
    await small.close();
  });
});

describe('bodies and connections that are not an answer', () => {
  it.each([
    // mode, error code, retried (requests with maxAttempts 2)
    ['binary-garbage', 'HTTP_MALFORMED', false],
    ['reset-before-headers', 'HTTP_CONNECT', true],
    ['reset-mid-body', 'HTTP_CONNECT', true],
  ] as const)('%s fails with %s (retried: %s)', async (mode, code, retried) => {
    const path = `/fault/${mode}/b`;
    const { http, waits } = client({ maxAttempts: 2 });
    const err = await failure(http.get({ url: `${server.url}${path}` }));
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retried);
    expect(server.count(path)).toBe(retried ? 2 : 1);
    expect(waits).toHaveLength(retried ? 1 : 0);
    expect(err.details['attempts']).toBe(retried ? 2 : 1);
    http.close();
  });

  it('binary garbage is named by its content-type, not echoed into the error', async () => {
    const { http } = client();
    const err = await failure(http.get({ url: `${server.url}/fault/binary-garbage/c` }));
    expect(err.message).toMatch(/answered 200 with a body that is not JSON \(application\/json\)$/);
    expect(err.message).not.toContain('\uFFFD');
    http.close();
  });

  it('a refused connection (nothing listens on the port) fails HTTP_CONNECT naming ECONNREFUSED', async () => {
    const gone = await startLoopbackServer({ handle: () => ({ body: {} }) });
    const url = `${gone.url}/x`;
    await gone.close();
    const { http, waits } = client({ maxAttempts: 2 });
    const err = await failure(http.get({ url }));
    expect(err.code).toBe('HTTP_CONNECT');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.details['attempts']).toBe(2);
    expect(waits).toHaveLength(1);
    http.close();
  });
});

describe('a 429 storm', () => {
  it('the client retries a short Retry-After up to its attempts, waiting at least that long, then returns the 429', async () => {
    const path = '/fault/always-429/d';
    const { http, waits } = client();
    const res = await http.get({ url: `${server.url}${path}` });
    expect(res.status).toBe(429);
    expect(res.attempts).toBe(3);
    expect(server.count(path)).toBe(3);
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(1000);
  });

  it('http-json: every answer 429 with a long Retry-After is one request, one pause, and no request next poll', async () => {
    const storm = await startLoopbackServer({
      handle: () => ({ body: {} }),
      faultFor: () => 'retry-after-long',
    });
    const deps = testDeps();
    const source = httpJsonSource(`${storm.url}/stats?since={since}`, { records: 'data', time: 'date' }, [
      'visits',
      'clicks',
      'signups',
    ]);
    const first = await pollSource(deps, source);
    expect(first.errorCode).toBe('UPSTREAM_THROTTLED');
    expect(storm.total()).toBe(1);
    expect(deps.waits).toEqual([]); // an hour is not waited for in the poll: the host is paused instead
    expect(await deps.store.pauses.list()).toHaveLength(1);

    const second = await pollSource(deps, source);
    expect(second.errorCode).toBe('UPSTREAM_THROTTLED');
    expect(storm.total()).toBe(1);
    await storm.close();
  });

  it('meta-graph: a 429 on every metric pauses the token once; the other metrics are not requested', async () => {
    const storm = await startLoopbackServer({
      handle: () => ({ body: {} }),
      faultFor: () => 'retry-after-long',
    });
    const deps = testDeps({ env: { META_TOKEN: 'tok-storm-0001' } });
    const source = metaSource(storm.url, [
      'page_media_view',
      'page_follows',
      'page_views_total',
      'page_fans',
    ]);
    const first = await pollSource({ ...deps, concurrency: 1 }, source);
    expect(first.outcome).toBe('failed');
    expect(first.errorCode).toBe('UPSTREAM_THROTTLED');
    expect(storm.total()).toBe(1);
    expect(await deps.store.pauses.list()).toHaveLength(1);

    await pollSource(deps, source);
    expect(storm.total()).toBe(1);
    await storm.close();
  });
});
