import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { FIXED_NOW } from '../../test/helpers/fixed-clock.js';
import { MemoryLogger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import {
  startLoopbackServer,
  type FaultMode,
  type LoopbackServer,
} from '../../test/helpers/loopback-server.js';
import { backoffMs, createHttpClient, parseRetryAfter, type HttpClientOptions } from './http.js';

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer({
    handle: () => ({
      body: { ok: true },
      headers: { deprecation: '@1700000000', 'x-secret-header': 'nope' },
    }),
    faultFor: (path) => (path.startsWith('/fault/') ? (path.split('/')[2] as FaultMode) : 'ok'),
    trickleMs: 100,
  });
});
afterAll(() => server.close());

function client(extra: Partial<HttpClientOptions> = {}) {
  const waits: number[] = [];
  const http = createHttpClient({
    clock: new ManualClock(FIXED_NOW), // the instant the loopback server dates Retry-After from
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    deadlineMs: 800,
    maxBytes: 1024 * 1024,
    ...extra,
  });
  return { http, waits };
}

async function failure(
  p: Promise<unknown>,
): Promise<{ code: string; retryable: boolean; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a failure');
}

describe('createHttpClient', () => {
  it('returns parsed JSON with only the kept headers', async () => {
    const { http } = client();
    const res = await http.get({ url: `${server.url}/plain` });
    expect(res.json).toEqual({ ok: true });
    expect(res.headers['deprecation']).toBe('@1700000000');
    expect(res.headers['x-secret-header']).toBeUndefined();
    expect(res.attempts).toBe(1);
    http.close();
  });

  it.each([
    ['retry-after-seconds', 2000],
    ['retry-after-date', 3000],
  ])('honours Retry-After (%s) as max(retryAfter, backoff)', async (mode, atLeast) => {
    const { http, waits } = client();
    const res = await http.get({ url: `${server.url}/fault/${mode}/${Math.random()}` });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(atLeast);
    http.close();
  });

  it('returns a 429 with a Retry-After beyond the tick budget instead of waiting, so the caller can pause', async () => {
    const { http, waits } = client();
    const res = await http.get({ url: `${server.url}/fault/retry-after-long/a` });
    expect(res.status).toBe(429);
    expect(res.retryAfterMs).toBe(3_600_000);
    expect(waits).toEqual([]);
    http.close();
  });

  it('retries a 500 with jittered backoff, then succeeds', async () => {
    const { http, waits } = client();
    const res = await http.get({ url: `${server.url}/fault/once-500/x` });
    expect(res.status).toBe(200);
    expect(waits).toEqual([500]); // random 0.5 × min(15 s, 1 s × 2^0)
    http.close();
  });

  it('stops after three attempts on a persistent 500 and returns it', async () => {
    const { http, waits } = client();
    const res = await http.get({ url: `${server.url}/fault/always-500/y` });
    expect(res.status).toBe(500);
    expect(res.attempts).toBe(3);
    expect(waits).toEqual([500, 1000]);
    http.close();
  });

  it.each([
    ['hang', 'HTTP_TIMEOUT', true],
    ['trickle', 'HTTP_TIMEOUT', true],
    ['truncated', 'HTTP_CONNECT', true],
    ['invalid-json', 'HTTP_MALFORMED', false],
    ['html-200', 'HTTP_MALFORMED', false],
    ['huge', 'HTTP_TOO_LARGE', false],
    ['redirect-loop', 'HTTP_REDIRECT', false],
    ['refuse', 'HTTP_CONNECT', true],
  ])('%s fails with %s (retryable %s)', async (mode, code, retryable) => {
    const { http } = client({ maxAttempts: 2 });
    const before = server.count(`/fault/${mode}/z`);
    const err = await failure(http.get({ url: `${server.url}/fault/${mode}/z` }));
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(server.count(`/fault/${mode}/z`) - before).toBe(retryable ? 2 : 1);
    http.close();
  });

  it('recovers from a truncated body on retry', async () => {
    const { http } = client();
    const res = await http.get({ url: `${server.url}/fault/once-truncated/q` });
    expect(res.json).toEqual({ ok: true });
    expect(res.attempts).toBe(2);
    http.close();
  });

  it('enforces the per-host concurrency limit', async () => {
    const slow = await startLoopbackServer({ handle: () => ({ body: {} }), latencyMs: 30 });
    const { http } = client({ perHostLimit: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => http.get({ url: `${slow.url}/c/${i}` })));
    expect(slow.peakConcurrency()).toBe(3);
    http.close();
    await slow.close();
  });

  it('redacts secrets from URLs, errors and log lines', async () => {
    const canary = 'canary-token-9d1e77';
    const logger = new MemoryLogger();
    const { http } = client({ logger, maxAttempts: 2 });
    const err = await failure(
      http.get({
        url: `${server.url}/fault/hang/t`,
        query: { access_token: new Secret(canary), metric: 'm' },
        headers: { authorization: new Secret(`Bearer ${canary}`) },
      }),
    );
    const everything = JSON.stringify({
      err,
      message: (err as unknown as Error).message,
      lines: logger.lines,
    });
    expect(everything).not.toContain(canary);
    expect(String(err.details['url'])).toContain('access_token=[REDACTED]');
    // The upstream did receive it.
    expect(server.requests.some((r) => r.url.includes(canary))).toBe(true);
    expect(http.redact(`echo ${canary} and ${encodeURIComponent(canary)}`)).toBe(
      'echo [REDACTED] and [REDACTED]',
    );
    http.close();
  });
});

describe('backoff and Retry-After parsing', () => {
  it.each([
    [1, 1, 1000],
    [2, 1, 2000],
    [5, 1, 15000],
    [3, 0, 0],
  ])('attempt %i with random %f waits %i ms', (attempt, r, ms) => {
    expect(backoffMs(attempt, 1000, 15000, () => r)).toBe(ms);
  });

  it('parses seconds and HTTP-dates, ignores garbage', () => {
    const now = new Date('2026-03-14T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sat, 14 Mar 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sat, 14 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
