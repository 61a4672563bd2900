// Tests of the OpenAPI detector: a watched spec snapshot changed → scoped findings with subjects and classes.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- spec fixtures are untyped JSON mutated in place */
import { describe, expect, it } from 'vitest';
import type { DocContract } from '../core/contract.js';
import { docChange, httpSource, metricOf, runSource } from '../../test/helpers/deprecation-inputs.js';
import { deprecationOpenApi } from './deprecation-openapi.js';
import { metricOfPath } from './field-metric.js';

const NOW = '2026-11-25T10:00:00Z';
function specText(mod: (paths: Record<string, any>, item: Record<string, any>) => void = () => {}): string {
  const item = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string' }, views: { type: 'integer' }, title: { type: 'string' } },
  };
  const ok = (schema: unknown) => ({
    '200': { description: 'ok', content: { 'application/json': { schema } } },
  });
  const paths: Record<string, any> = {
    '/v2/stats': {
      get: {
        responses: ok({
          type: 'object',
          properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Stat' } } },
        }),
      },
    },
    '/v2/other': { get: { responses: ok({ type: 'object', properties: { x: { type: 'integer' } } }) } },
  };
  const stat: Record<string, any> = item;
  mod(paths, stat);
  return JSON.stringify(
    {
      openapi: '3.0.3',
      info: { title: 'Partner', version: '2' },
      paths,
      components: { schemas: { Stat: stat } },
    },
    null,
    2,
  );
}
const doc = (extra: Partial<DocContract> = {}): DocContract => ({
  name: 'partner-openapi',
  kind: 'openapi',
  url: 'https://api.partner.example/openapi.json',
  operations: ['GET /v2/stats'],
  fields: ['data.views'],
  location: { file: 'contracts/partner.yaml', line: 9, col: 5 },
  ...extra,
});
const run = (previous: string | undefined, current: string, d = doc()) =>
  runSource(deprecationOpenApi, {
    source: httpSource([metricOf('views')], { docs: [d] }),
    now: NOW,
    docChanges: [docChange(d, previous, current)],
  });

describe('deprecation-openapi', () => {
  it('blocks a removed declared field, with subject METHOD /path + field, class deprecation', () => {
    const d = run(
      specText(),
      specText((_p, item) => delete item.properties.views),
    );
    expect(d).toEqual([
      expect.objectContaining({
        rule: 'response-optional-property-removed',
        severity: 'block',
        class: 'deprecation',
        subject: 'GET /v2/stats data[].views',
      }),
    ]);
    expect(d[0]!.evidence).toMatchObject({
      channel: 'openapi',
      operation: 'GET /v2/stats',
      path: 'data[].views',
    });
  });

  it.each([
    ['data[].metrics.clicks', 'metrics.clicks', 'clicks'],
    ['data[].clicks', undefined, 'clicks'],
    ['data[].metrics.clicks', 'clicks', 'clicks'],
    ['data[].metrics.sessions', 'metrics.clicks', undefined],
    ['data[].title', undefined, undefined],
  ])('maps field %s to the metric whose field is %s', (path, field, metric) => {
    const source = httpSource([metricOf('clicks', field)]);
    expect(metricOfPath(source, path)).toBe(metric);
  });

  it('names the metric a removed field carries, so only its features are gated', () => {
    const d = run(
      specText(),
      specText((_p, item) => delete item.properties.views),
    );
    expect(d[0]).toMatchObject({ metric: 'views', subject: 'GET /v2/stats data[].views' });
  });

  it('keeps a change that is still in effect on later polls, from the first snapshot, without repeating info', () => {
    const baseline = specText();
    const deprecated = specText((_p, item) => {
      item.properties.views.deprecated = true;
      item.properties.views['x-sunset'] = '2027-01-31';
      delete item.properties.title;
    });
    const d = doc();
    const later = runSource(deprecationOpenApi, {
      source: httpSource([metricOf('views')], { docs: [d] }),
      now: NOW,
      docChanges: [],
      docs: [{ doc: d, current: deprecated, fetchedAt: '2026-11-01T07:00:00Z' }],
      docBaselines: new Map([[d.name, baseline]]),
    });
    expect(later.map((f) => [f.rule, f.severity, f.metric, f.onset, f.evidence.state])).toEqual([
      ['response-property-deprecated-with-sunset', 'warn', 'views', '2026-11-01', 'still in effect'],
    ]);
    // with no baseline (or the baseline is the current text) nothing is repeated
    const none = runSource(deprecationOpenApi, {
      source: httpSource([metricOf('views')], { docs: [d] }),
      now: NOW,
      docChanges: [],
      docs: [{ doc: d, current: deprecated, fetchedAt: '2026-11-01T07:00:00Z' }],
    });
    expect(none).toEqual([]);
  });

  it('reports undeclared fields as info and type changes as schema findings', () => {
    const d = run(
      specText(),
      specText((_p, item) => {
        delete item.properties.title;
        item.properties.views.type = 'string';
      }),
    );
    expect(d.map((x) => [x.rule, x.severity, x.class])).toEqual([
      ['response-property-type-changed', 'block', 'schema'],
      ['response-optional-property-removed', 'info', 'deprecation'],
    ]);
  });

  it('warns for a deprecated operation with its sunset, and ignores operations out of scope', () => {
    const d = run(
      specText(),
      specText((p) => {
        Object.assign(p['/v2/stats'].get, { deprecated: true, 'x-sunset': '2027-03-31' });
        delete p['/v2/other'];
      }),
    );
    expect(d).toEqual([
      expect.objectContaining({
        rule: 'endpoint-deprecated-with-sunset',
        severity: 'warn',
        subject: 'GET /v2/stats',
        effectiveDate: '2027-03-31',
      }),
    ]);
  });

  it('deprecation then removal of an operation share one fingerprint subject', () => {
    const deprecated = specText((p) => Object.assign(p['/v2/stats'].get, { deprecated: true }));
    const a = run(specText(), deprecated);
    const b = run(
      deprecated,
      specText((p) => delete p['/v2/stats']),
    );
    expect([a[0]!.subject, a[0]!.class]).toEqual([b[0]!.subject, b[0]!.class]);
    expect(b[0]).toMatchObject({ rule: 'api-path-removed-with-deprecation', severity: 'block' });
  });

  it('first fetch (no previous snapshot) reports nothing; unreadable documents are info', () => {
    expect(run(undefined, specText())).toEqual([]);
    expect(run(specText(), '{"not":"openapi"}')).toEqual([
      expect.objectContaining({ rule: 'openapi-unreadable', severity: 'info', class: 'unverified' }),
    ]);
  });

  it('flags declared operations that exist in neither version', () => {
    const d = run(
      specText(),
      specText((p) => (p['/v2/new'] = p['/v2/other'])),
      doc({ operations: ['GET /v2/stats', 'GET /v2/typo'] }),
    );
    expect(d.map((x) => [x.rule, x.severity, x.class, x.subject])).toEqual([
      ['openapi-operation-unknown', 'info', 'schema', 'GET /v2/typo'],
      ['declared-operation-missing', 'block', 'deprecation', 'GET /v2/typo'],
    ]);
  });

  it('keeps a deprecated or removed declared operation open on later polls (docs without a change)', () => {
    const deprecated = specText((p) =>
      Object.assign(p['/v2/stats'].get, { deprecated: true, 'x-sunset': '2027-03-31' }),
    );
    const d = doc();
    const later = (current: string) =>
      runSource(deprecationOpenApi, {
        source: httpSource([metricOf('views')], { docs: [d] }),
        now: NOW,
        docChanges: [],
        docs: [docChange(d, undefined, current)],
      });
    expect(later(specText())).toEqual([]);
    expect(later(deprecated)).toEqual([
      expect.objectContaining({
        rule: 'endpoint-deprecated-with-sunset',
        severity: 'warn',
        subject: 'GET /v2/stats',
        effectiveDate: '2027-03-31',
      }),
    ]);
    expect(later(specText((p) => delete p['/v2/stats']))).toEqual([
      expect.objectContaining({
        rule: 'declared-operation-missing',
        severity: 'block',
        subject: 'GET /v2/stats',
      }),
    ]);
  });
});
