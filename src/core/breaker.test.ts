import { describe, expect, it } from 'vitest';
import type { RequestRecord } from './observation.js';
import {
  BREAKER_DEFAULTS,
  admit,
  afterPoll,
  cooldownMs,
  pollKind,
  type BreakerRecord,
  type PollKind,
} from './breaker.js';

const req = (extra: Partial<RequestRecord>): RequestRecord => ({
  method: 'GET',
  url: 'http://x/a',
  latencyMs: 1,
  attempts: 3,
  headers: {},
  ...extra,
});
const err = (code: string, status?: number) => ({
  code,
  message: code,
  retryable: true,
  ...(status === undefined ? {} : { status }),
});

describe('pollKind', () => {
  it.each<[string, 'ok' | 'partial' | 'failed', RequestRecord[], PollKind]>([
    ['refused', 'failed', [req({ error: err('HTTP_CONNECT') })], 'refused'],
    ['timed out', 'failed', [req({ error: err('HTTP_TIMEOUT') })], 'timeout'],
    ['5xx after retries', 'failed', [req({ status: 503, error: err('HTTP_STATUS', 503) })], 'server_error'],
    [
      'a 4xx config error answers',
      'failed',
      [req({ status: 400, error: err('HTTP_STATUS', 400) })],
      'answered',
    ],
    [
      'throttling answers',
      'failed',
      [req({ status: 429, error: err('UPSTREAM_THROTTLED', 429) })],
      'answered',
    ],
    [
      'one answer among timeouts',
      'failed',
      [req({ error: err('HTTP_TIMEOUT') }), req({ status: 404 })],
      'answered',
    ],
    ['never tried (paused, secret unset, breaker)', 'failed', [], 'not_tried'],
    [
      'timeouts, then the rest stopped by the poll budget',
      'failed',
      [req({ error: err('HTTP_TIMEOUT') }), req({ attempts: 0, error: err('POLL_DEADLINE') })],
      'timeout',
    ],
    [
      'all stopped by the poll budget',
      'failed',
      [req({ attempts: 0, error: err('POLL_DEADLINE') })],
      'not_tried',
    ],
    ['a good poll', 'ok', [req({ status: 200 })], 'answered'],
    ['a partial poll', 'partial', [req({ error: err('HTTP_TIMEOUT') }), req({ status: 200 })], 'answered'],
  ])('%s', (_name, outcome, requests, expected) => {
    expect(pollKind({ outcome, requests })).toBe(expected);
  });
});

describe('breaker transitions', () => {
  const t0 = Date.parse('2026-03-14T06:00:00Z');
  const at = (min: number) => new Date(t0 + min * 60_000);
  const run = (kinds: PollKind[]) => {
    let r: BreakerRecord | undefined;
    const transitions: string[] = [];
    kinds.forEach((k, i) => {
      const next = afterPoll(r, 'host:x', k, 'boom', at(i), BREAKER_DEFAULTS);
      r = next.record;
      transitions.push(next.transition);
    });
    return { record: r!, transitions };
  };

  it('opens on the K-th consecutive unreachable poll, with a 5 min cool-down', () => {
    const { record, transitions } = run(['refused', 'timeout', 'server_error']);
    expect(transitions).toEqual(['counted', 'counted', 'opened']);
    expect(record).toMatchObject({
      state: 'open',
      failures: 3,
      kind: 'server_error',
      openedAt: at(2).toISOString(),
    });
    expect(record.nextProbeAt).toBe(at(7).toISOString());
  });

  it('an answer resets the count; a poll that never went out changes nothing', () => {
    expect(run(['refused', 'refused', 'answered', 'refused', 'not_tried', 'refused']).record).toMatchObject({
      state: 'closed',
      failures: 2,
    });
  });

  it('skips polls until the cool-down, then lets one probe through (half-open)', () => {
    const open = run(['refused', 'refused', 'refused']).record;
    expect(admit(open, at(6), BREAKER_DEFAULTS)).toEqual({ allow: false, record: open });
    const probe = admit(open, at(7), BREAKER_DEFAULTS);
    expect(probe).toMatchObject({ allow: true, probe: true, record: { state: 'half-open' } });
    // Another source on the same host waits for the probe instead of probing too.
    const half = (probe as { record: BreakerRecord }).record;
    expect(admit(half, at(8), BREAKER_DEFAULTS).allow).toBe(false);
    expect(afterPoll(half, 'host:x', 'answered', undefined, at(8), BREAKER_DEFAULTS)).toMatchObject({
      transition: 'closed',
      record: { state: 'closed', failures: 0, probesFailed: 0 },
    });
  });

  it('a failed probe reopens for twice as long, capped at 1 h', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => cooldownMs(n, BREAKER_DEFAULTS) / 60_000)).toEqual([
      5, 10, 20, 40, 60, 60,
    ]);
    const open = run(['refused', 'refused', 'refused']).record;
    const half = (admit(open, at(7), BREAKER_DEFAULTS) as { record: BreakerRecord }).record;
    const again = afterPoll(half, 'host:x', 'timeout', 'late', at(8), BREAKER_DEFAULTS);
    expect(again.transition).toBe('reopened');
    expect(again.record).toMatchObject({ state: 'open', probesFailed: 1, openedAt: open.openedAt });
    expect(again.record.nextProbeAt).toBe(at(18).toISOString());
  });
});
