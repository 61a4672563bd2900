// The Meta Graph API Page Insights provider: one metric per request, time-window paging, error codes, usage pauses.
import { isoDay } from '../core/clock.js';
import type { MetaGraphConnection, SourceContract } from '../core/contract.js';
import { UpwatchError, type ErrorCode } from '../core/errors.js';
import type {
  FetchResult,
  MetricOutcome,
  PayloadSchema,
  RawObservation,
  RequestRecord,
  UpstreamErrorInfo,
} from '../core/observation.js';
import { resolveTemplate, type Secret } from '../core/secret.js';
import {
  failedRequestRecord,
  errorInfoOf,
  responseRecord,
  secretFingerprint,
  type HttpResponse,
} from './http.js';
import { addToSchema, payloadHashOf, toValue } from './payload.js';
import { runPool } from './pool.js';
import type { Provider, ProviderContext } from './provider.js';

/** Pages of one (metric, page) window followed at most. */
export const META_MAX_PAGES = 5;
/** Usage (percent of a limit) at which the principal is paused before Meta starts blocking. */
export const META_USAGE_PAUSE_PERCENT = 95;
const MIN_PAUSE_MS = 60_000;

/** What to do after a Graph error. */
export type GraphErrorAction = 'retry' | 'pause' | 'halt' | 'none';

export interface GraphErrorClass {
  info: UpstreamErrorInfo;
  action: GraphErrorAction;
}

interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
  is_transient?: boolean;
}

function graphError(json: unknown): GraphErrorBody | undefined {
  if (typeof json !== 'object' || json === null || !('error' in json)) return undefined;
  const e = json.error;
  return typeof e === 'object' && e !== null ? e : undefined;
}

/**
 * Classify a Graph error by `error.code` (docs/graph-api/guides/error-handling), never by HTTP status alone.
 *
 * @example
 * classifyGraphError(400, { error: { code: 100, message: '(#100) … must be a valid insights metric' } }, (t) => t)
 * // { action: 'none', info: { code: 'UPSTREAM_INVALID_METRIC', graphCode: 100, … } }
 */
export function classifyGraphError(
  status: number,
  json: unknown,
  redact: (t: string) => string,
): GraphErrorClass {
  const e = graphError(json);
  const base = {
    status,
    ...(e?.code === undefined ? {} : { graphCode: e.code }),
    ...(e?.error_subcode === undefined ? {} : { graphSubcode: e.error_subcode }),
    ...(e?.fbtrace_id === undefined ? {} : { fbtraceId: e.fbtrace_id }),
  };
  const message = redact(e?.message ?? `HTTP ${status}`);
  const make = (code: ErrorCode, retryable: boolean, action: GraphErrorAction): GraphErrorClass => ({
    info: { code, message, ...base, retryable },
    action,
  });
  const c = e?.code;
  if (c === undefined) {
    if (status === 429) return make('UPSTREAM_THROTTLED', true, 'pause');
    if (status === 410) return make('UPSTREAM_GONE', false, 'none');
    if (status === 401) return make('UPSTREAM_AUTH', false, 'halt');
    if (status === 403) return make('UPSTREAM_PERMISSION', false, 'none');
    return make('HTTP_STATUS', status >= 500 || status === 408, 'none');
  }
  if (c === 1 || c === 2 || e?.is_transient === true) return make('UPSTREAM_ERROR', true, 'retry');
  if ([4, 17, 32, 341, 613].includes(c) || (c >= 80000 && c <= 80014))
    return make('UPSTREAM_THROTTLED', true, 'pause');
  if (c === 190 || c === 102) return make('UPSTREAM_AUTH', false, 'halt');
  if (c === 10 || (c >= 200 && c <= 299)) return make('UPSTREAM_PERMISSION', false, 'none');
  if (c === 100 && e?.error_subcode !== 33) return make('UPSTREAM_INVALID_METRIC', false, 'none');
  return make('UPSTREAM_ERROR', false, 'none');
}

interface Usage {
  percent: number;
  regainMs: number;
}

function parseJsonHeader(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

function usageOf(o: unknown): Usage {
  if (typeof o !== 'object' || o === null) return { percent: 0, regainMs: 0 };
  const r = o as Record<string, unknown>;
  const num = (k: string) => (typeof r[k] === 'number' ? r[k] : 0);
  return {
    percent: Math.max(num('call_count'), num('total_time'), num('total_cputime')),
    regainMs: num('estimated_time_to_regain_access') * 60_000,
  };
}

/**
 * Highest usage (percent) and longest regain time over `x-app-usage`, `x-page-usage`, `x-ad-account-usage` and
 * `x-business-use-case-usage`.
 *
 * @example
 * usageFromHeaders({ 'x-app-usage': '{"call_count":96,"total_time":3,"total_cputime":2}' }) // { percent: 96, regainMs: 0 }
 */
export function usageFromHeaders(headers: Record<string, string>): Usage {
  const all: Usage[] = [];
  for (const h of ['x-app-usage', 'x-page-usage', 'x-ad-account-usage'])
    all.push(usageOf(parseJsonHeader(headers[h])));
  const buc = parseJsonHeader(headers['x-business-use-case-usage']);
  if (typeof buc === 'object' && buc !== null) {
    for (const list of Object.values(buc as Record<string, unknown>)) {
      if (Array.isArray(list)) for (const u of list) all.push(usageOf(u));
    }
  }
  return {
    percent: Math.max(0, ...all.map((u) => u.percent)),
    regainMs: Math.max(0, ...all.map((u) => u.regainMs)),
  };
}

/** `2025-11-19T08:00:00+0000` → ISO UTC. */
function isoFromGraphTime(t: string): string | undefined {
  const ms = Date.parse(t.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function windowMs(v: string | null): number | undefined {
  if (v === null) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** A stable, non-secret name for the token's principal (pauses are keyed by it). */
export function metaPrincipal(token: Secret): string {
  return `meta-graph:${secretFingerprint(token)}`;
}

interface InsightsEntry {
  name?: string;
  period?: string;
  values?: { value?: unknown; end_time?: string }[];
}

/**
 * The `meta-graph` provider.
 *
 * @example
 * const result = await metaGraphProvider.fetch(source, ctx); // one request per (metric, page)
 */
export const metaGraphProvider: Provider = {
  name: 'meta-graph',
  // eslint-disable-next-line max-lines-per-function -- the fetch in order: requests per metric and page, pooled, then the outcomes per metric; the per-request body is below
  async fetch(source: SourceContract, ctx: ProviderContext): Promise<FetchResult> {
    const conn = source.connection as MetaGraphConnection;
    const resolved = resolveTemplate(conn.accessToken, ctx.secrets);
    if (!resolved.ok) {
      throw new UpwatchError(
        'SECRET_UNSET',
        `source ${source.name}: access token references unset variable ${resolved.missing.join(', ')}`,
        { hint: `set ${resolved.missing.join(', ')} in the environment of the upwatch process` },
      );
    }
    const token = resolved.secret;
    const principal = metaPrincipal(token);
    const pausedUntil = await ctx.pauses.pausedUntil(principal, ctx.now);
    if (pausedUntil) {
      throw new UpwatchError(
        'UPSTREAM_THROTTLED',
        `source ${source.name}: its access token is paused until ${pausedUntil} (rate limit)`,
        { retryable: true, details: { pausedUntil } },
      );
    }

    const windowUntil = isoDay(ctx.now);
    const windowSince = isoDay(new Date(ctx.now.getTime() - conn.lookbackDays * 86_400_000));
    const sinceMs = Date.parse(windowSince);
    const untilMs = Date.parse(windowUntil);
    const base = `${conn.baseUrl.replace(/\/+$/, '')}/${conn.apiVersion}`;

    const schema: PayloadSchema = {};
    let servedVersion: string | undefined;
    let halted: UpstreamErrorInfo | undefined;
    let done = 0;

    // A pause counts from the throttled answer's arrival, not from the poll's start.
    const pause = async (ms: number, reason: string, at: Date) => {
      const until = new Date(at.getTime() + Math.max(ms, MIN_PAUSE_MS));
      await ctx.pauses.pause(principal, until, reason, at);
      ctx.logger.warn('principal paused', {
        source: source.name,
        principal,
        until: until.toISOString(),
        reason,
      });
      return until;
    };

    const tasks = source.metrics.flatMap((m) => conn.pages.map((page) => ({ metric: m, page })));
    const total = tasks.length;

    // eslint-disable-next-line max-lines-per-function -- one Graph request and the reading of its answer (values, #100, version headers) into observations and outcomes
    const results = await runPool(tasks, ctx.concurrency ?? 8, async ({ metric, page }) => {
      const observations: RawObservation[] = [];
      const requests: RequestRecord[] = [];
      const outcome = (o: Omit<MetricOutcome, 'metric' | 'entity'>) => ({
        observations,
        requests,
        outcome: { metric: metric.name, entity: page, ...o } as MetricOutcome,
      });
      if (halted) {
        return outcome({
          status: 'error',
          error: { ...halted, message: `not requested: ${halted.message}` },
        });
      }
      let since = windowSince;
      let until = windowUntil;
      let found = 0;
      let pageError: UpstreamErrorInfo | undefined;
      for (let n = 0; n < META_MAX_PAGES; n++) {
        let res: HttpResponse;
        const url = `${base}/${encodeURIComponent(page)}/insights`;
        try {
          res = await ctx.http.get({
            url,
            query: { metric: metric.name, period: metric.period, since, until, access_token: token },
            retryOn: (r) =>
              r.status >= 400 && classifyGraphError(r.status, r.json, ctx.http.redact).action === 'retry',
          });
        } catch (e) {
          requests.push(failedRequestRecord(e, url, ctx.http.redact, { metric: metric.name, entity: page }));
          pageError = errorInfoOf(e, ctx.http.redact);
          break;
        }
        servedVersion = res.headers['facebook-api-version'] ?? servedVersion;
        const usage = usageFromHeaders(res.headers);
        if (res.status >= 400 || graphError(res.json)) {
          const cls = classifyGraphError(res.status, res.json, ctx.http.redact);
          requests.push(responseRecord(res, { metric: metric.name, entity: page, error: cls.info }));
          pageError = cls.info;
          if (cls.action === 'pause') {
            const until = await pause(
              Math.max(usage.regainMs, res.retryAfterMs ?? 0),
              `throttled: ${cls.info.message}`,
              res.receivedAt,
            );
            halted = {
              ...cls.info,
              message: `${cls.info.message} (token paused until ${until.toISOString()})`,
            };
          } else if (cls.action === 'halt') {
            halted = cls.info;
          }
          break;
        }
        requests.push(responseRecord(res, { metric: metric.name, entity: page }));
        if (usage.percent >= META_USAGE_PAUSE_PERCENT && !halted) {
          const until = await pause(
            usage.regainMs,
            `usage at ${usage.percent}% of a Graph rate limit`,
            res.receivedAt,
          );
          halted = {
            code: 'UPSTREAM_THROTTLED',
            message: `usage at ${usage.percent}% of a rate limit; token paused until ${until.toISOString()}`,
            retryable: true,
          };
        }
        // Schema per metric (`metric:$.path`), so one metric turning from number to object is visible.
        addToSchema(schema, res.json, `${metric.name}:$`, ctx.http.redact);
        const body = res.json as { data?: InsightsEntry[]; paging?: { next?: string } } | undefined;
        for (const entry of Array.isArray(body?.data) ? body.data : []) {
          if (entry.name !== metric.name) continue;
          for (const v of entry.values ?? []) {
            const periodEnd = typeof v.end_time === 'string' ? isoFromGraphTime(v.end_time) : undefined;
            if (!periodEnd) continue;
            found++;
            observations.push({
              source: source.name,
              metric: metric.name,
              entity: page,
              periodEnd,
              // Meta's end_time is the next Pacific midnight: the value belongs to the day before.
              day: isoDay(new Date(Date.parse(periodEnd) - 86_400_000)),
              ...toValue(v.value),
            });
          }
        }
        // Time paging: follow `next` only while it stays inside our window; rebuild the request, never store it.
        const next = typeof body?.paging?.next === 'string' ? safeUrl(body.paging.next) : undefined;
        const ns = windowMs(next?.searchParams.get('since') ?? null);
        const nu = next?.searchParams.get('until') ?? null;
        if (!next || ns === undefined || nu === null || ns < sinceMs || ns >= untilMs) break;
        if (ns <= (windowMs(since) ?? Number.NEGATIVE_INFINITY)) break;
        since = next.searchParams.get('since')!;
        until = nu;
      }
      done++;
      ctx.progress({ source: source.name, done, total, metric: metric.name, entity: page });
      if (pageError && found === 0) return outcome({ status: 'error', error: pageError });
      return outcome({ status: found > 0 ? 'ok' : 'missing' });
    });
    const observations = results.flatMap((r) => r.observations);
    const requests = results.flatMap((r) => r.requests);
    const outcomes = results.map((r) => r.outcome);

    return {
      observations,
      requests,
      metricOutcomes: outcomes,
      ...(servedVersion ? { servedVersion } : {}),
      ...(Object.keys(schema).length > 0
        ? { payloadSchema: schema, payloadHash: payloadHashOf(observations) }
        : {}),
    };
  },
};

function safeUrl(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}
