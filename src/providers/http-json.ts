// The generic JSON API provider: templated URL and headers, JSON selectors for records, next-link pagination.
import { isoDay } from '../core/clock.js';
import type { HttpJsonConnection, MetricContract, SourceContract } from '../core/contract.js';
import { UpwatchError, type ErrorCode } from '../core/errors.js';
import type {
  FetchResult,
  MetricOutcome,
  PayloadSchema,
  RawObservation,
  RequestRecord,
  UpstreamErrorInfo,
} from '../core/observation.js';
import {
  parseTemplate,
  resolveTemplate,
  Secret,
  type SecretLookup,
  type TemplateValue,
} from '../core/secret.js';
import { errorInfoOf, failedRequestRecord, responseRecord, type HttpResponse } from './http.js';
import { addToSchema, payloadHashOf, toValue } from './payload.js';
import { runPool } from './pool.js';
import type { Provider, ProviderContext } from './provider.js';

/** Pages followed per request chain at most (a paging loop stops here). */
export const HTTP_JSON_MAX_PAGES = 20;
/** Entity id used when the URL returns one unnamed series. */
export const DEFAULT_ENTITY = '*';

/**
 * Every value at a dotted path; `[]` after a key (or alone) flattens an array.
 *
 * @example
 * selectAll({ a: [{ b: 1 }, { b: 2 }] }, 'a[].b') // [1, 2]
 */
export function selectAll(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const raw of path.split('.').filter((p) => p !== '')) {
    const flatten = raw.endsWith('[]');
    const key = flatten ? raw.slice(0, -2) : raw;
    const next: unknown[] = [];
    for (const v of current) {
      const child =
        key === ''
          ? v
          : typeof v === 'object' && v !== null
            ? (v as Record<string, unknown>)[key]
            : undefined;
      if (child === undefined) continue;
      if (flatten) {
        if (Array.isArray(child)) next.push(...(child as unknown[]));
      } else next.push(child);
    }
    current = next;
  }
  return current;
}

/** The first value at a dotted path, or undefined. */
export function selectOne(value: unknown, path: string): unknown {
  return selectAll(value, path)[0];
}

function periodEndOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v < 1e11 ? v * 1000 : v).toISOString();
  if (typeof v !== 'string') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v}T00:00:00.000Z`;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function resolveOrThrow(
  source: string,
  what: string,
  value: TemplateValue,
  lookup: SecretLookup,
): Secret | string {
  const r = resolveTemplate(value, lookup);
  if (!r.ok) {
    throw new UpwatchError(
      'SECRET_UNSET',
      `source ${source}: ${what} references unset variable ${r.missing.join(', ')}`,
      {
        hint: `set ${r.missing.join(', ')} in the environment of the upwatch process`,
      },
    );
  }
  // A value without `${VAR}` holds no secret: passed as a Secret, the HTTP client would scrub the whole text (the
  // URL, `application/json`) from every record.
  return value.refs.length === 0 ? r.secret.reveal() : r.secret;
}

function statusError(res: HttpResponse, redact: (t: string) => string): UpstreamErrorInfo {
  const s = res.status;
  const code: ErrorCode =
    s === 401
      ? 'UPSTREAM_AUTH'
      : s === 403
        ? 'UPSTREAM_PERMISSION'
        : s === 410
          ? 'UPSTREAM_GONE'
          : s === 429
            ? 'UPSTREAM_THROTTLED'
            : 'HTTP_STATUS';
  return {
    code,
    message: redact(`${res.url} answered HTTP ${s}`),
    status: s,
    retryable: s === 408 || s === 429 || s >= 500,
  };
}

/**
 * The `http-json` provider.
 *
 * @example
 * const result = await httpJsonProvider.fetch(source, ctx);
 */
export const httpJsonProvider: Provider = {
  name: 'http-json',
  // eslint-disable-next-line max-lines-per-function -- the fetch in order: requests per entity, pooled, then the outcomes per metric; the per-request body is below
  async fetch(source: SourceContract, ctx: ProviderContext): Promise<FetchResult> {
    const conn = source.connection as HttpJsonConnection;
    const template = conn.url.template;
    // Per-variable secrets, so the values are scrubbed wherever they appear (URLs, echoed error text).
    const refs = [...conn.url.refs, ...Object.values(conn.headers).flatMap((h) => h.refs)];
    const secrets = refs
      .map((r) => ctx.secrets(r))
      .filter((v): v is string => v !== undefined)
      .map((v) => new Secret(v));
    const headers: Record<string, Secret | string> = {};
    for (const [k, v] of Object.entries(conn.headers))
      headers[k] = resolveOrThrow(source.name, `header ${k}`, v, ctx.secrets);
    resolveOrThrow(source.name, 'url', conn.url, ctx.secrets);

    const until = isoDay(ctx.now);
    const since = isoDay(new Date(ctx.now.getTime() - conn.lookbackDays * 86_400_000));
    const perMetric = template.includes('{metric}');
    const perEntity = template.includes('{entity}') && conn.entities.length > 0;
    const metricGroups: MetricContract[][] = perMetric ? source.metrics.map((m) => [m]) : [source.metrics];
    const entities: (string | undefined)[] = perEntity ? conn.entities : [undefined];
    const tasks = metricGroups.flatMap((metrics) => entities.map((entity) => ({ metrics, entity })));
    const total = tasks.length;
    const schema: PayloadSchema = {};
    let servedVersion: string | undefined;
    let done = 0;

    const principal = `http-json:${(() => {
      try {
        return new URL(template.replace(/\{[a-z]+\}/g, 'x')).host;
      } catch {
        return source.name;
      }
    })()}`;
    const pausedUntil = await ctx.pauses.pausedUntil(principal, ctx.now);
    if (pausedUntil) {
      throw new UpwatchError(
        'UPSTREAM_THROTTLED',
        `source ${source.name}: ${principal} is paused until ${pausedUntil}`,
        {
          retryable: true,
          details: { pausedUntil },
        },
      );
    }
    let halted: UpstreamErrorInfo | undefined;

    // eslint-disable-next-line max-lines-per-function -- one request and the reading of its answer into observations and outcomes, with the errors that halt the rest
    const results = await runPool(tasks, ctx.concurrency ?? 8, async ({ metrics, entity }) => {
      const observations: RawObservation[] = [];
      const requests: RequestRecord[] = [];
      const found = new Map<string, number>(metrics.map((m) => [m.name, 0]));
      let error: UpstreamErrorInfo | undefined;
      const enc = (s: string) => encodeURIComponent(s);
      const text = template
        .replaceAll('{since}', since)
        .replaceAll('{until}', until)
        .replaceAll('{entity}', enc(entity ?? ''))
        .replaceAll('{metric}', enc(metrics[0]?.name ?? ''));
      let url: string | Secret = resolveOrThrow(source.name, 'url', parseTemplate(text), ctx.secrets);
      let relativeTo: Secret | string | undefined;
      const tag = {
        ...(perMetric ? { metric: metrics[0]!.name } : {}),
        ...(entity === undefined ? {} : { entity }),
      };
      for (let page = 0; page < HTTP_JSON_MAX_PAGES && !halted; page++) {
        let res: HttpResponse;
        try {
          res = await ctx.http.get({
            url,
            headers,
            secrets,
            ...(relativeTo === undefined ? {} : { relativeTo }),
            ...(conn.versionHeader ? { keepHeaders: [conn.versionHeader] } : {}),
          });
        } catch (e) {
          requests.push(failedRequestRecord(e, template, ctx.http.redact, tag));
          error = errorInfoOf(e, ctx.http.redact);
          break;
        }
        if (conn.versionHeader)
          servedVersion = res.headers[conn.versionHeader.toLowerCase()] ?? servedVersion;
        if (res.status < 200 || res.status >= 300) {
          error = statusError(res, ctx.http.redact);
          requests.push(responseRecord(res, { ...tag, error }));
          if (res.status === 429 && res.retryAfterMs !== undefined) {
            // From the 429's arrival, not the poll's start: a long poll's earlier requests took time.
            const until = new Date(res.receivedAt.getTime() + res.retryAfterMs);
            await ctx.pauses.pause(principal, until, `429 Retry-After from ${res.url}`, res.receivedAt);
            halted = { ...error, message: `${error.message}; paused until ${until.toISOString()}` };
          }
          break;
        }
        requests.push(responseRecord(res, tag));
        addToSchema(schema, res.json, '$', ctx.http.redact);
        const records = selectAll(res.json, conn.select.records).flatMap((v) =>
          Array.isArray(v) ? (v as unknown[]) : [v],
        );
        for (const rec of records) {
          const periodEnd = periodEndOf(selectOne(rec, conn.select.time));
          if (!periodEnd) continue;
          const e = conn.select.entity ? selectOne(rec, conn.select.entity) : entity;
          const ent =
            typeof e === 'string' || typeof e === 'number'
              ? String(e)
              : e == null
                ? DEFAULT_ENTITY
                : JSON.stringify(e);
          const add = (name: string, raw: unknown) => {
            found.set(name, (found.get(name) ?? 0) + 1);
            observations.push({ source: source.name, metric: name, entity: ent, periodEnd, ...toValue(raw) });
          };
          if (conn.select.metric && conn.select.value) {
            const name = selectOne(rec, conn.select.metric);
            if (typeof name === 'string' && found.has(name)) add(name, selectOne(rec, conn.select.value));
          } else {
            for (const m of metrics) {
              const raw = selectOne(rec, m.field ?? m.name);
              if (raw !== undefined) add(m.name, raw);
            }
          }
        }
        const next = conn.select.next ? selectOne(res.json, conn.select.next) : undefined;
        if (typeof next !== 'string' || next === '') break;
        relativeTo ??= url;
        url = next;
      }
      done++;
      ctx.progress({ source: source.name, done, total, ...tag });
      const outcomes: MetricOutcome[] = metrics.map((m) => {
        const n = found.get(m.name) ?? 0;
        const base = { metric: m.name, ...(entity === undefined ? {} : { entity }) };
        if (n > 0) return { ...base, status: 'ok' as const };
        if (error) return { ...base, status: 'error' as const, error };
        if (halted)
          return {
            ...base,
            status: 'error' as const,
            error: { ...halted, message: `not requested: ${halted.message}` },
          };
        return { ...base, status: 'missing' as const };
      });
      return { observations, requests, outcomes };
    });

    const observations = results.flatMap((r) => r.observations);
    return {
      observations,
      requests: results.flatMap((r) => r.requests),
      metricOutcomes: results.flatMap((r) => r.outcomes),
      ...(servedVersion ? { servedVersion } : {}),
      ...(Object.keys(schema).length > 0
        ? { payloadSchema: schema, payloadHash: payloadHashOf(observations) }
        : {}),
    };
  },
};
