// The simulated Graph API insights edge: version routing, parameters, InsightsResult shapes and Graph errors.
import { METRIC_PERIODS, type MetricPeriod } from '../core/contract.js';
import {
  graphErrorJson,
  invalidMetricError,
  invalidParameterError,
  missingTokenError,
  noMetricError,
  tokenError,
  unknownPathError,
  unsupportedGetError,
  windowTooLargeError,
  type GraphErrorSpec,
} from './graph-errors.js';
import { oldestUsableVersion, routeVersion } from './graph-versions.js';
import { endTimeOfDay, pacificDay, pacificMidnight, shiftDay } from './pacific-time.js';
import type { SimResponse } from './partner-api.js';
import { pageIds, scenarioDay, type Scenario } from './scenario.js';
import type { SeriesModel, SimValue } from './series.js';

/** The insights window limit. */
export const MAX_INSIGHTS_WINDOW_DAYS = 90;

const DATE_PRESETS: Record<string, number> = {
  yesterday: 1,
  last_3d: 3,
  last_7d: 7,
  last_14d: 14,
  last_28d: 28,
  last_30d: 30,
  last_90d: 90,
};

/** What the Graph handler needs besides the request. */
export interface GraphContext {
  scenario: Scenario;
  model: SeriesModel;
  now: Date;
  baseUrl: string;
}

/** A parsed insights request, or the error that stops it. */
export interface GraphRequest {
  /** Version in the path (undefined for an unversioned call). */
  requestedVersion?: string;
  servedVersion?: string;
  upgraded: boolean;
  pageId?: string;
  metrics: string[];
}

export interface GraphOutcome {
  request: GraphRequest;
  /** Set when the request failed with a Graph error. */
  error?: GraphErrorSpec;
  response?: { status: number; body: unknown };
}

/** The metrics named by a request (`metric=` list plus the `/insights/{metric}` path form), in order, deduplicated. */
function requestedMetrics(pathMetric: string | undefined, query: URLSearchParams): string[] {
  const names = (query.get('metric') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (pathMetric !== undefined) names.unshift(pathMetric);
  return [...new Set(names)];
}

/** True once `metric` is removed (clock day ≥ the removal day) for all versions. */
export function isRemoved(scenario: Scenario, metric: string, day: number): boolean {
  return scenario.events.some((e) => e.kind === 'metric-removed' && e.metric === metric && day >= e.day);
}

/** Parse a `since`/`until` value (ISO day or Unix seconds) to a Pacific day. */
function parseTimeParam(text: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) return text;
  if (/^\d{9,11}$/.test(text)) return pacificDay(new Date(Number(text) * 1000));
  return undefined;
}

function unix(day: string): number {
  return Math.floor(pacificMidnight(day).getTime() / 1000);
}

function daysApart(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Handle `GET /{version}/{page-id}/insights[/{metric}]`. Token, faults and headers are the server's job; this
 * decides the version, validates the request as Meta does and builds the InsightsResult (or the Graph error).
 */
// eslint-disable-next-line max-lines-per-function -- the Graph edge's checks in Meta's order (version, token, page, metrics, period) before the answer; order is behaviour
export function handleInsights(
  ctx: GraphContext,
  segments: readonly string[],
  query: URLSearchParams,
): GraphOutcome {
  const { scenario, model, now } = ctx;
  const today = now.toISOString().slice(0, 10);
  const request: GraphRequest = { upgraded: false, metrics: [] };
  let rest = [...segments];
  const first = rest[0] ?? '';
  if (/^v\d+\.\d+$/.test(first)) {
    request.requestedVersion = first;
    const route = routeVersion(first, today);
    if (!route.ok) return { request, error: unsupportedGetError(first) };
    request.servedVersion = route.served;
    request.upgraded = route.upgraded;
    rest = rest.slice(1);
  } else {
    request.servedVersion = oldestUsableVersion(today);
  }
  const token = query.get('access_token');
  if (token === null || token === '') return { request, error: missingTokenError() };
  if (token !== scenario.graph.accessToken) return { request, error: tokenError() };

  const [objectId, edge, pathMetric, ...extra] = rest;
  if (objectId === undefined || objectId === '') return { request, error: unknownPathError('/') };
  if (!pageIds(scenario).includes(objectId)) return { request, error: unsupportedGetError(objectId) };
  request.pageId = objectId;
  if (edge !== 'insights' || extra.length > 0)
    return { request, error: unknownPathError(`/${rest.slice(1).join('/')}`) };

  const metrics = requestedMetrics(pathMetric, query);
  request.metrics = metrics;
  if (metrics.length === 0) return { request, error: noMetricError() };

  const periodParam = query.get('period');
  if (periodParam !== null && !(METRIC_PERIODS as readonly string[]).includes(periodParam)) {
    return {
      request,
      error: invalidParameterError(
        'period must be one of the following values: day, week, days_28, month, lifetime, total_over_range',
      ),
    };
  }

  // One invalid or removed metric fails the whole request: no partial data.
  const day = scenarioDay(scenario, now);
  if (metrics.some((m) => model.metric(m) === undefined || isRemoved(scenario, m, day))) {
    return { request, error: invalidMetricError() };
  }

  const todayPacific = pacificDay(now);
  let since: string;
  let until: string;
  const preset = query.get('date_preset');
  const sinceParam = query.get('since');
  const untilParam = query.get('until');
  if (preset !== null && sinceParam === null && untilParam === null) {
    const n = DATE_PRESETS[preset];
    if (n === undefined)
      return {
        request,
        error: invalidParameterError(`date_preset must be one of ${Object.keys(DATE_PRESETS).join(', ')}`),
      };
    until = todayPacific;
    since = shiftDay(todayPacific, -n);
  } else {
    const u = untilParam === null ? todayPacific : parseTimeParam(untilParam);
    if (u === undefined)
      return {
        request,
        error: invalidParameterError('Param until must be a date (YYYY-MM-DD) or a Unix timestamp'),
      };
    const s = sinceParam === null ? shiftDay(u, -2) : parseTimeParam(sinceParam);
    if (s === undefined)
      return {
        request,
        error: invalidParameterError('Param since must be a date (YYYY-MM-DD) or a Unix timestamp'),
      };
    since = s;
    until = u;
  }
  if (since > until) return { request, error: invalidParameterError('since must be before until') };
  const span = daysApart(since, until);
  if (span > MAX_INSIGHTS_WINDOW_DAYS)
    return { request, error: windowTooLargeError(MAX_INSIGHTS_WINDOW_DAYS) };

  const pageIndex = pageIds(scenario).indexOf(objectId);
  const withApiDoc = query.get('show_description_from_api_doc') === 'true';
  const data: Record<string, unknown>[] = [];
  for (const name of metrics) {
    const metric = model.metric(name)!;
    const periods: readonly MetricPeriod[] =
      periodParam === null ? model.periods(name) : model.periods(name).filter((p) => p === periodParam);
    for (const period of periods) {
      const values: { value: SimValue; end_time: string }[] = [];
      for (let i = 0; i < span; i++) {
        const valueDay = shiftDay(since, i);
        const endTime = pacificMidnight(shiftDay(valueDay, 1));
        if (endTime.getTime() > now.getTime()) break; // the day is not over yet in Menlo Park
        const v = model.value(pageIndex, name, daysApart(scenario.startDate, valueDay), period);
        if (v !== undefined) values.push({ value: v, end_time: endTimeOfDay(valueDay) });
      }
      data.push({
        name,
        period,
        values,
        title: metric.title,
        description: metric.description,
        ...(withApiDoc ? { description_from_api_doc: metric.description } : {}),
        id: `${objectId}/insights/${name}/${period}`,
      });
    }
  }

  const pagingUrl = (s: string, u: string): string => {
    const q = new URLSearchParams();
    q.set('access_token', token);
    q.set('metric', metrics.join(','));
    if (periodParam !== null) q.set('period', periodParam);
    q.set('since', String(unix(s)));
    q.set('until', String(unix(u)));
    const version = request.servedVersion === undefined ? '' : `/${request.servedVersion}`;
    return `${ctx.baseUrl}${version}/${objectId}/insights?${q.toString()}`;
  };
  const width = Math.max(span, 1);
  const body: Record<string, unknown> = {
    data,
    paging: {
      previous: pagingUrl(shiftDay(since, -width), since),
      next: pagingUrl(until, shiftDay(until, width)),
    },
  };
  return { request, response: { status: 200, body } };
}

/** The JSON text of a Graph error outcome. */
export function graphErrorResponse(spec: GraphErrorSpec, fbtraceId: string): SimResponse {
  return {
    status: spec.status,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: JSON.stringify(graphErrorJson(spec, fbtraceId)),
  };
}
