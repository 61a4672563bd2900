// Table-driven tests of runtime evidence: Meta error bodies, 410, served version, missing metrics, lost access.
import { describe, expect, it } from 'vitest';
import type { MetricOutcome, PollRecord, UpstreamErrorInfo } from '../core/observation.js';
import {
  error100,
  httpSource,
  metaSource,
  metricOf,
  poll,
  request,
  runSource,
} from '../../test/helpers/deprecation-inputs.js';
import { deprecationRuntime } from './deprecation-runtime.js';

const NOW = '2026-11-25T10:00:00Z';
const meta = metaSource(['page_impressions', 'page_media_view', 'page_engaged_users'], 'v24.0');
const run = (polls: PollRecord[], source = meta, missingPolls = 2) =>
  runSource(deprecationRuntime, { source, now: NOW, polls, options: { missingPolls } });
const errOutcome = (metric: string, error: UpstreamErrorInfo, entity = 'p1'): MetricOutcome => ({
  metric,
  entity,
  status: 'error',
  error,
});

describe('deprecation-runtime: error #100', () => {
  it.each([
    ['page_impressions', '(#100) The value must be a valid insights metric', 'page_media_view', '2025-11-15'],
    ['page_engaged_users', '(#100) metric[0] must be a valid insights metric', undefined, '2024-03-14'],
    ['page_media_view', '(#100) The value must be a valid insights metric', undefined, undefined],
  ])('%s: %s', (metric, message, replacement, effective) => {
    const d = run([
      poll(NOW, {
        outcome: 'partial',
        metricOutcomes: [errOutcome(metric, error100(message)), errOutcome(metric, error100(message), 'p2')],
      }),
    ]);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      rule: 'metric-invalid',
      class: 'deprecation',
      severity: 'block',
      metric,
      entities: ['p1', 'p2'],
    });
    expect(d[0]!.subject).toBeUndefined();
    expect(d[0]!.replacement).toBe(replacement);
    expect(d[0]!.effectiveDate).toBe(effective);
    expect(d[0]!.evidence).toMatchObject({ channel: 'runtime-error', graphCode: 100, message });
  });

  it('reads the error from the raw Graph code when the provider did not classify it', () => {
    const e: UpstreamErrorInfo = {
      code: 'UPSTREAM_ERROR',
      message: '(#100) The value must be a valid insights metric',
      graphCode: 100,
      status: 400,
      retryable: false,
    };
    const d = run([
      poll(NOW, {
        outcome: 'partial',
        requests: [request({ status: 400, metric: 'page_impressions', entity: 'p1', error: e })],
      }),
    ]);
    expect(d.map((x) => x.rule)).toEqual(['metric-invalid']);
  });

  it('ignores #100 errors that are not about metrics, and undeclared metrics', () => {
    const other: UpstreamErrorInfo = {
      code: 'UPSTREAM_ERROR',
      message: '(#100) Unsupported get request. Object with ID 123 does not exist',
      graphCode: 100,
      graphSubcode: 33,
      retryable: false,
    };
    expect(
      run([
        poll(NOW, {
          outcome: 'partial',
          metricOutcomes: [errOutcome('page_media_view', other), errOutcome('page_views', error100())],
        }),
      ]),
    ).toEqual([]);
  });
});

describe('deprecation-runtime: gone and versions', () => {
  it('410 Gone on a Meta source blocks the pinned version', () => {
    const d = run([
      poll(NOW, { outcome: 'partial', requests: [request({ status: 410, metric: 'page_media_view' })] }),
    ]);
    expect(d).toEqual([
      expect.objectContaining({
        rule: 'version-gone',
        class: 'version',
        severity: 'block',
        subject: 'api-version:v24.0',
      }),
    ]);
  });

  it('410 Gone on a JSON API blocks the endpoint, fusing with its Sunset header findings', () => {
    const src = httpSource([metricOf('views')]);
    const d = run([poll(NOW, { outcome: 'partial', requests: [request({ status: 410 })] })], src);
    expect(d).toEqual([
      expect.objectContaining({
        rule: 'version-gone',
        class: 'deprecation',
        subject: 'endpoint:GET /v2/stats',
      }),
    ]);
  });

  it.each([
    ['v24.0', 'v24.0', []],
    ['v24.0', 'v24', []],
    ['v24.0', 'v25.0', [['served-version-mismatch', 'warn']]],
    ['v18.0', 'v19.0', [['version-gone', 'block']]], // v18.0 ended 2026-01-26: auto-upgraded after end of life
  ])('pinned %s, served %s', (pinned, served, expected) => {
    const d = run([poll(NOW, { servedVersion: served })], metaSource(['page_media_view'], pinned));
    expect(d.map((x) => [x.rule, x.severity])).toEqual(expected);
    for (const x of d) expect(x).toMatchObject({ class: 'version', subject: `api-version:${pinned}` });
  });

  it('reads the served version from the facebook-api-version header', () => {
    const d = run([poll(NOW, { requests: [request({ headers: { 'facebook-api-version': 'v25.0' } })] })]);
    expect(d.map((x) => x.rule)).toEqual(['served-version-mismatch']);
  });

  it('reads a JSON API version header named in the contract', () => {
    const src = httpSource([metricOf('views')], {
      apiVersion: '2024-01-01',
      versionHeader: 'Stripe-Version',
    });
    const d = run(
      [poll(NOW, { requests: [request({ headers: { 'stripe-version': '2026-09-30.endive' } })] })],
      src,
    );
    expect(d[0]).toMatchObject({
      rule: 'served-version-mismatch',
      evidence: { pinned: '2024-01-01', served: '2026-09-30.endive' },
    });
  });
});

describe('deprecation-runtime: missing from data', () => {
  const missing = (
    day: string,
    metric = 'page_impressions',
    outcome: 'ok' | 'failed' | 'partial' = 'partial',
  ) =>
    poll(`${day}T09:00:00Z`, {
      outcome,
      metricOutcomes: [
        { metric, entity: 'p1', status: 'missing' },
        { metric, entity: 'p2', status: 'missing' },
        { metric: 'page_media_view', entity: 'p1', status: 'ok' },
      ],
    });
  const ok = (day: string) =>
    poll(`${day}T09:00:00Z`, {
      metricOutcomes: [{ metric: 'page_impressions', entity: 'p1', status: 'ok' }],
    });

  it.each<[string, PollRecord[], number, boolean]>([
    ['one missing poll is not enough', [ok('2026-11-23'), missing('2026-11-24')], 2, false],
    [
      'two consecutive missing polls block',
      [ok('2026-11-23'), missing('2026-11-24'), missing('2026-11-25')],
      2,
      true,
    ],
    [
      'a good poll in between resets',
      [missing('2026-11-23'), ok('2026-11-24'), missing('2026-11-25')],
      2,
      false,
    ],
    [
      'failed polls are no evidence either way',
      [missing('2026-11-23'), poll('2026-11-24T09:00:00Z', { outcome: 'failed' }), missing('2026-11-25')],
      2,
      true,
    ],
    [
      'k = 3 needs three',
      [ok('2026-11-22'), missing('2026-11-23'), missing('2026-11-24'), missing('2026-11-25')],
      3,
      true,
    ],
    ['k = 3 with two', [ok('2026-11-23'), missing('2026-11-24'), missing('2026-11-25')], 3, false],
  ])('%s', (_name, polls, k, blocks) => {
    const d = run(polls, meta, k).filter((x) => x.rule === 'metric-missing-from-data');
    expect(d.length).toBe(blocks ? 1 : 0);
    if (blocks) {
      expect(d[0]).toMatchObject({
        severity: 'block',
        metric: 'page_impressions',
        replacement: 'page_media_view',
        entities: ['p1', 'p2'],
      });
      expect(d[0]!.evidence.consecutivePolls).toBe(k);
    }
  });

  it('a partly missing metric (some pages under the threshold) is not flagged', () => {
    const p = (day: string) =>
      poll(`${day}T09:00:00Z`, {
        metricOutcomes: [
          { metric: 'page_media_view', entity: 'p1', status: 'missing' },
          { metric: 'page_media_view', entity: 'p2', status: 'ok' },
        ],
      });
    expect(run([p('2026-11-24'), p('2026-11-25')])).toEqual([]);
  });
});

describe('deprecation-runtime: lost access is "could not verify"', () => {
  it.each<[string, UpstreamErrorInfo, string]>([
    [
      'expired token (190/463)',
      {
        code: 'UPSTREAM_AUTH',
        message: 'Error validating access token: Session has expired',
        graphCode: 190,
        graphSubcode: 463,
        status: 400,
        retryable: false,
      },
      'token-invalid',
    ],
    [
      'permission (#10)',
      {
        code: 'UPSTREAM_PERMISSION',
        message: '(#10) This endpoint requires the pages_read_engagement permission',
        graphCode: 10,
        status: 403,
        retryable: false,
      },
      'permission-lost',
    ],
    [
      'permission (#200)',
      {
        code: 'UPSTREAM_ERROR',
        message: '(#200) Permissions error',
        graphCode: 200,
        status: 403,
        retryable: false,
      },
      'permission-lost',
    ],
  ])('%s, even on a failed poll', (_name, error, rule) => {
    const d = run([poll(NOW, { outcome: 'failed', metricOutcomes: [errOutcome('page_media_view', error)] })]);
    expect(d).toEqual([expect.objectContaining({ rule, class: 'unverified', severity: 'block' })]);
    expect(d[0]!.metric).toBeUndefined();
  });

  it('a failed poll yields nothing but access findings and the rejections the upstream did answer', () => {
    // pollSource no longer stores a poll with a rejected metric as failed; an older store may hold one.
    const d = run([
      poll(NOW, {
        outcome: 'failed',
        servedVersion: 'v25.0',
        requests: [request({ status: 410 })],
        metricOutcomes: [errOutcome('page_impressions', error100())],
      }),
    ]);
    expect(d.map((x) => [x.rule, x.metric])).toEqual([['metric-invalid', 'page_impressions']]);
    expect(
      run([poll(NOW, { outcome: 'failed', servedVersion: 'v25.0', requests: [request({ status: 410 })] })]),
    ).toEqual([]);
  });
});
