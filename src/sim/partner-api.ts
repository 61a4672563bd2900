// The simulated generic partner API (`/partner/v2/...`): JSON records, its OpenAPI 3 document, deprecation headers.
import type { DocResource } from './docs-pages.js';
import { longDate } from './docs-pages.js';
import { scenarioDate, type Scenario } from './scenario.js';
import type { SeriesModel } from './series.js';

/** A response the server writes as is. */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_WINDOW_DAYS = 90;

function dayInstant(scenario: Scenario, n: number): Date {
  return new Date(`${scenarioDate(scenario, n)}T00:00:00Z`);
}

/** Fields removed from the partner API by clock day `day`. */
function removedFields(scenario: Scenario, day: number): Set<string> {
  return new Set(
    scenario.events.flatMap((e) => (e.kind === 'spec-field-removed' && e.day <= day ? [e.field] : [])),
  );
}

function activeDeprecation(scenario: Scenario, day: number) {
  return scenario.events.find((e) => e.kind === 'http-deprecation' && e.day <= day) as
    Extract<Scenario['events'][number], { kind: 'http-deprecation' }> | undefined;
}

/**
 * Headers announcing the deprecation of `/v2/stats` from the scripted day on: `Deprecation` as an RFC 9745 sf-date
 * (`@<epoch>`), `Sunset` as an IMF-fixdate, `Link` with rel="deprecation" (and rel="successor-version").
 */
export function deprecationHeaders(scenario: Scenario, day: number, baseUrl: string): Record<string, string> {
  const ev = activeDeprecation(scenario, day);
  if (ev === undefined) return {};
  const epoch = Math.floor(dayInstant(scenario, ev.deprecationDay).getTime() / 1000);
  const sunset = new Date(dayInstant(scenario, ev.sunsetDay).getTime() + 86_399_000).toUTCString();
  const links = [`<${baseUrl}/partner/docs/deprecations>; rel="deprecation"; type="text/html"`];
  if (ev.successor !== undefined) links.push(`<${baseUrl}${ev.successor}>; rel="successor-version"`);
  return { deprecation: `@${epoch}`, sunset, link: links.join(', ') };
}

/** The partner API's OpenAPI 3.0 document as published on clock day `day`. */
// eslint-disable-next-line max-lines-per-function -- the partner's OpenAPI document as one literal that changes with the scenario day: a table, not logic
export function partnerOpenApi(scenario: Scenario, day: number, baseUrl: string): DocResource {
  const removed = removedFields(scenario, day);
  let changedDay = -45;
  const metricProps: Record<string, Record<string, unknown>> = {};
  for (const m of scenario.partner.metrics) {
    if (removed.has(m.name)) continue;
    metricProps[m.name] =
      m.kind === 'ratio'
        ? { type: 'number', format: 'double', minimum: 0, maximum: 1, description: m.description }
        : { type: 'integer', format: 'int64', minimum: 0, description: m.description };
  }
  for (const ev of scenario.events) {
    if (ev.day > day) continue;
    if (ev.kind === 'spec-field-deprecated' && metricProps[ev.field] !== undefined) {
      metricProps[ev.field] = {
        ...metricProps[ev.field],
        deprecated: true,
        'x-sunset': scenarioDate(scenario, ev.sunsetDay),
        description: `${String(metricProps[ev.field]!.description)} Deprecated: ${ev.note ?? `will be removed on ${longDate(scenario, ev.sunsetDay)}.`}`,
      };
      changedDay = Math.max(changedDay, ev.day);
    }
    if (ev.kind === 'spec-field-removed' || ev.kind === 'http-deprecation')
      changedDay = Math.max(changedDay, ev.day);
  }
  const deprecation = activeDeprecation(scenario, day);
  const specChanges = scenario.events.filter(
    (e) =>
      e.day <= day &&
      (e.kind === 'spec-field-deprecated' ||
        e.kind === 'spec-field-removed' ||
        e.kind === 'http-deprecation'),
  ).length;
  const operation: Record<string, unknown> = {
    operationId: 'listStats',
    summary: 'Daily metrics per entity',
    description: 'One record per entity and day, for complete days only.',
    tags: ['stats'],
    parameters: [
      {
        name: 'since',
        in: 'query',
        required: false,
        schema: { type: 'string', format: 'date' },
        description: 'First day (inclusive).',
      },
      {
        name: 'until',
        in: 'query',
        required: false,
        schema: { type: 'string', format: 'date' },
        description: 'Last day (inclusive); at most 90 days after since.',
      },
      {
        name: 'entity',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description: 'Only this entity.',
      },
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
      },
      { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
    ],
    responses: {
      '200': {
        description: 'A page of records',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/StatsPage' } } },
      },
      '400': {
        description: 'Invalid range',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      '401': {
        description: 'Missing or invalid bearer token',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      '429': {
        description: 'Too many requests',
        headers: { 'Retry-After': { schema: { type: 'integer' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
  if (deprecation !== undefined) {
    operation.deprecated = true;
    operation['x-sunset'] = scenarioDate(scenario, deprecation.sunsetDay);
  }
  const doc = {
    openapi: '3.0.3',
    info: {
      title: 'Partner Stats API',
      version: `2.${4 + specChanges}.0`,
      description: 'Daily engagement statistics for partner accounts (simulated).',
    },
    servers: [{ url: `${baseUrl}/partner` }],
    security: [{ bearer: [] }],
    paths: { '/v2/stats': { get: operation } },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        StatsPage: {
          type: 'object',
          required: ['data'],
          properties: {
            data: { type: 'array', items: { $ref: '#/components/schemas/StatsRecord' } },
            next: {
              type: 'string',
              format: 'uri',
              nullable: true,
              description: 'URL of the next page, or null.',
            },
          },
        },
        StatsRecord: {
          type: 'object',
          required: ['entity', 'date', 'metrics'],
          properties: {
            entity: { type: 'string' },
            date: { type: 'string', format: 'date' },
            metrics: { $ref: '#/components/schemas/Metrics' },
          },
        },
        Metrics: { type: 'object', properties: metricProps },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  };
  return { body: `${JSON.stringify(doc, null, 2)}\n`, contentType: JSON_TYPE, changedDay };
}

/** The HTML page the `Link: rel="deprecation"` header points to. */
export function partnerDeprecationPage(scenario: Scenario, day: number): DocResource {
  const ev = activeDeprecation(scenario, day);
  const text =
    ev === undefined
      ? '<p>No endpoints are currently deprecated.</p>'
      : `<p>GET /v2/stats is deprecated since ${longDate(scenario, ev.deprecationDay)} and will be retired on ${longDate(scenario, ev.sunsetDay)}.${ev.successor === undefined ? '' : ` Use ${ev.successor} instead.`}</p>`;
  return {
    body: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Deprecations - Partner API</title></head><body><h1>Deprecations</h1>${text}</body></html>\n`,
    contentType: 'text/html; charset=utf-8',
    changedDay: ev?.day ?? -45,
  };
}

function error(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: JSON.stringify({ error: { code, message } }),
  };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `GET /partner/v2/stats`: records `{ entity, date, metrics: {…} }` for complete days (up to yesterday, UTC), at
 * most 90 days per request, `limit`/`cursor` pagination with a `next` URL. Auth is checked by the caller.
 */
export function partnerStats(input: {
  scenario: Scenario;
  model: SeriesModel;
  day: number;
  query: URLSearchParams;
  baseUrl: string;
}): SimResponse {
  const { scenario, model, day, query, baseUrl } = input;
  const headers: Record<string, string> = {
    'content-type': JSON_TYPE,
    'x-api-version': '2',
    ...deprecationHeaders(scenario, day, baseUrl),
  };
  const dep = activeDeprecation(scenario, day);
  if (dep?.goneAfterSunset === true && day > dep.sunsetDay) {
    return error(410, 'gone', `GET /v2/stats was retired on ${longDate(scenario, dep.sunsetDay)}`, headers);
  }
  const yesterday = scenarioDate(scenario, day - 1);
  const until = query.get('until') ?? yesterday;
  const since = query.get('since') ?? scenarioDate(scenario, day - 7);
  if (!ISO_DAY.test(since) || !ISO_DAY.test(until))
    return error(400, 'invalid_date', 'since and until must be YYYY-MM-DD', headers);
  if (since > until) return error(400, 'invalid_range', 'since must not be after until', headers);
  const span = (Date.parse(until) - Date.parse(since)) / 86_400_000;
  if (span >= MAX_WINDOW_DAYS)
    return error(400, 'invalid_range', `at most ${MAX_WINDOW_DAYS} days per request`, headers);
  const limit = Math.min(500, Math.max(1, Number(query.get('limit') ?? '100') || 100));
  const offset = Math.max(0, Number(query.get('cursor') ?? '0') || 0);
  const entityFilter = query.get('entity');
  const removed = removedFields(scenario, day);
  const records: { entity: string; date: string; metrics: Record<string, number> }[] = [];
  const startMs = Date.parse(`${scenario.startDate}T00:00:00Z`);
  for (let t = Date.parse(since); t <= Date.parse(until); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (date > yesterday) break;
    const d = Math.round((t - startMs) / 86_400_000);
    scenario.partner.entities.forEach((entity, e) => {
      if (entityFilter !== null && entityFilter !== entity) return;
      const metrics: Record<string, number> = {};
      for (const m of scenario.partner.metrics) {
        if (removed.has(m.name)) continue;
        const v = model.value(e, m.name, d);
        if (typeof v === 'number') metrics[m.name] = v;
      }
      if (Object.keys(metrics).length > 0) records.push({ entity, date, metrics });
    });
  }
  const pageRecords = records.slice(offset, offset + limit);
  let next: string | null = null;
  if (offset + limit < records.length) {
    const q = new URLSearchParams(query);
    q.set('cursor', String(offset + limit));
    q.set('limit', String(limit));
    next = `${baseUrl}/partner/v2/stats?${q.toString()}`;
  }
  return { status: 200, headers, body: JSON.stringify({ data: pageRecords, next }) };
}
