// The simulated upstream server: Graph API insights, docs pages and the partner API on one loopback node:http server.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import { UpwatchError } from '../core/errors.js';
import { changelogPage, deprecatedMetricsPage, type DocResource } from './docs-pages.js';
import { graphErrorResponse, handleInsights, type GraphOutcome } from './graph-api.js';
import { graphErrorFor, type GraphErrorSpec } from './graph-errors.js';
import { createScenarioModels } from './models.js';
import { partnerDeprecationPage, partnerOpenApi, partnerStats, type SimResponse } from './partner-api.js';
import { traceId } from './rng.js';
import { scenarioDate, scenarioDay, type Scenario, type SimFault } from './scenario.js';

/** Options of {@link startGraphSimulator}. */
export interface GraphSimulatorOptions {
  /** Virtual time: read once per request. The simulator never reads the system clock. */
  clock: Clock;
  scenario: Scenario;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Routes served before the simulated upstreams (e.g. the sandbox's `/_sim/…` clock controls): return true when
   * the request was answered. Such requests are not logged and may use any method.
   */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** One request the simulator answered. Query secrets (`access_token`) are redacted; headers are not kept. */
export interface SimRequestLog {
  /** Virtual time of the request (ISO). */
  at: string;
  /** Simulated (clock) day. */
  day: number;
  method: string;
  api: 'graph' | 'docs' | 'partner' | 'other';
  /** Path and query, `access_token` replaced by `[REDACTED]`. */
  url: string;
  status: number;
  /** Graph: version in the path and the version that served it. */
  requestedVersion?: string;
  servedVersion?: string;
  /** Graph: page id and metrics requested. */
  pageId?: string;
  metrics?: string[];
  /** Graph error code, when the answer was a Graph error. */
  graphCode?: number;
  /** Set when a scripted fault answered the request. */
  fault?: string;
}

/** A running simulator. */
export interface SimulatorHandle {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  /** Stop listening and drop open connections. Idempotent. */
  close(): Promise<void>;
  /** Requests answered so far, oldest first (a copy). */
  requests(): SimRequestLog[];
}

const REDACTED = '[REDACTED]';
const GRAPH_JSON = 'application/json; charset=UTF-8';
/** Calls a day that make 100 % of the simulated app and Page budgets. */
const APP_CALLS_PER_DAY = 4800;
const PAGE_CALLS_PER_DAY = 400;

function redactedUrl(url: URL): string {
  const q = new URLSearchParams(url.search);
  for (const key of [...q.keys()]) {
    if (/token|secret|password|key/i.test(key)) q.set(key, REDACTED);
  }
  const qs = q.toString();
  return `${url.pathname}${qs === '' ? '' : `?${qs.replaceAll('%5BREDACTED%5D', REDACTED)}`}`;
}

function httpDate(scenario: Scenario, day: number): string {
  return new Date(`${scenarioDate(scenario, day)}T00:00:00Z`).toUTCString();
}

/** ETag of a body: a strong validator from its SHA-1. */
function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
}

function notModified(req: IncomingMessage, etag: string, lastModified: string): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm
      .split(',')
      .map((s) => s.trim().replace(/^W\//, ''))
      .some((tag) => tag === etag || tag === '*');
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Date.parse(lastModified) <= since;
  }
  return false;
}

/** What the handlers of one running simulator share: its world, its counters and its request log. */
interface SimState {
  clock: Clock;
  scenario: Scenario;
  models: ReturnType<typeof createScenarioModels>;
  log: SimRequestLog[];
  /** Uses of each scripted fault (by event index), counted against the event's `count`. */
  faultUses: Map<number, number>;
  /** Graph calls per day (the app budget) and per day and page (the Page budget). */
  appCalls: Map<number, number>;
  pageCalls: Map<string, number>;
  /** Requests answered so far; numbers the trace ids. */
  seq: number;
  /** Set once the server listens: the partner API's links and the Graph paging URLs name it. */
  baseUrl: string;
}

/** The scripted fault for this request, if one is due (each use counts against the event's `count`). */
function takeFault(
  sim: SimState,
  api: 'graph' | 'partner',
  day: number,
  metrics: readonly string[],
): SimFault | undefined {
  for (const [i, ev] of sim.scenario.events.entries()) {
    if (ev.kind !== 'fault' || ev.api !== api || ev.day !== day) continue;
    if (ev.metric !== undefined && !metrics.includes(ev.metric)) continue;
    const used = sim.faultUses.get(i) ?? 0;
    if (ev.count !== undefined && used >= ev.count) continue;
    sim.faultUses.set(i, used + 1);
    return ev.fault;
  }
  return undefined;
}

function serveDoc(
  scenario: Scenario,
  req: IncomingMessage,
  res: ServerResponse,
  doc: DocResource,
  entry: SimRequestLog,
): void {
  const etag = etagOf(doc.body);
  const lastModified = httpDate(scenario, doc.changedDay);
  const headers = {
    etag,
    'last-modified': lastModified,
    'cache-control': 'public, max-age=300',
    vary: 'Accept-Encoding',
  };
  if (notModified(req, etag, lastModified)) {
    entry.status = 304;
    res.writeHead(304, headers).end();
    return;
  }
  entry.status = 200;
  res.writeHead(200, {
    ...headers,
    'content-type': doc.contentType,
    'content-length': Buffer.byteLength(doc.body),
  });
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}

function send(req: IncomingMessage, res: ServerResponse, r: SimResponse, entry: SimRequestLog): void {
  entry.status = r.status;
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
  res.end(req.method === 'HEAD' ? undefined : r.body);
}

function plainFault(fault: Extract<SimFault, { type: 'http' }>): SimResponse {
  const text =
    fault.status === 429
      ? 'Too Many Requests'
      : fault.status === 500
        ? 'Internal Server Error'
        : 'Service Unavailable';
  return {
    status: fault.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      ...(fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) }),
    },
    body: `<html><head><title>${fault.status} ${text}</title></head><body><h1>${text}</h1></body></html>\n`,
  };
}

/** The headers Meta sends with a Graph answer: trace ids, the served version and the app and Page usage. */
function graphHeaders(
  sim: SimState,
  day: number,
  outcome: GraphOutcome,
  trace: string,
  throttle: GraphErrorSpec | undefined,
): Record<string, string> {
  const calls = sim.appCalls.get(day) ?? 0;
  const pageId = outcome.request.pageId;
  const pCalls = pageId === undefined ? 0 : (sim.pageCalls.get(`${day}|${pageId}`) ?? 0);
  const appThrottled = throttle !== undefined && [4, 17, 341, 613].includes(throttle.error.code);
  const pageThrottled = throttle !== undefined && [32, 80001].includes(throttle.error.code);
  const appPct = appThrottled ? 100 : Math.min(100, Math.round((100 * calls) / APP_CALLS_PER_DAY));
  const pagePct = pageThrottled ? 100 : Math.min(100, Math.round((100 * pCalls) / PAGE_CALLS_PER_DAY));
  const headers: Record<string, string> = {
    'content-type': GRAPH_JSON,
    'cache-control': 'private, no-cache, no-store, must-revalidate',
    pragma: 'no-cache',
    expires: 'Sat, 01 Jan 2000 00:00:00 GMT',
    'access-control-allow-origin': '*',
    'strict-transport-security': 'max-age=15552000; preload',
    'x-fb-trace-id': trace,
    'x-fb-request-id': traceId(sim.scenario.seed, sim.seq, 24),
    'x-fb-rev': '1009876543',
    'x-fb-debug': traceId(sim.scenario.seed + 1, sim.seq, 88),
    'x-app-usage': JSON.stringify({
      call_count: appPct,
      total_cputime: Math.round(appPct / 2),
      total_time: Math.round(appPct / 2),
    }),
  };
  if (outcome.request.servedVersion !== undefined)
    headers['facebook-api-version'] = outcome.request.servedVersion;
  if (pageId !== undefined) {
    headers['x-business-use-case-usage'] = JSON.stringify({
      [pageId]: [
        {
          type: 'pages',
          call_count: pagePct,
          total_cputime: Math.round(pagePct / 3),
          total_time: Math.round(pagePct / 2),
          estimated_time_to_regain_access: pageThrottled ? (throttle?.regainMinutes ?? 0) : 0,
        },
      ],
    });
    headers['x-page-usage'] = JSON.stringify({
      call_count: pagePct,
      total_cputime: Math.round(pagePct / 3),
      total_time: Math.round(pagePct / 2),
    });
  }
  return headers;
}

/** The Graph API insights edge: routing, versions and tokens (graph-api.ts), then scripted faults and usage headers. */
function handleGraph(
  sim: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  day: number,
  entry: SimRequestLog,
): void {
  const now = sim.clock.now();
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const outcome = handleInsights(
    { scenario: sim.scenario, model: sim.models.graph, now, baseUrl: sim.baseUrl },
    segments,
    url.searchParams,
  );
  const { request } = outcome;
  entry.requestedVersion = request.requestedVersion;
  entry.servedVersion = request.servedVersion;
  entry.pageId = request.pageId;
  if (request.metrics.length > 0) entry.metrics = request.metrics;
  sim.appCalls.set(day, (sim.appCalls.get(day) ?? 0) + 1);
  if (request.pageId !== undefined) {
    const key = `${day}|${request.pageId}`;
    sim.pageCalls.set(key, (sim.pageCalls.get(key) ?? 0) + 1);
  }
  const trace = traceId(sim.scenario.seed, sim.seq);
  // Scripted faults strike requests that got past routing and authentication.
  const fault = outcome.error === undefined ? takeFault(sim, 'graph', day, request.metrics) : undefined;
  if (fault?.type === 'http') {
    entry.fault = `http ${fault.status}`;
    send(req, res, plainFault(fault), entry);
    return;
  }
  const error =
    fault?.type === 'graph' ? graphErrorFor(fault.code, fault.subcode, fault.regainMinutes) : outcome.error;
  if (fault?.type === 'graph') entry.fault = `graph #${fault.code}`;
  const headers = graphHeaders(sim, day, outcome, trace, fault?.type === 'graph' ? error : undefined);
  if (error !== undefined) {
    entry.graphCode = error.error.code;
    const r = graphErrorResponse(error, trace);
    if (error.error.code === 190) {
      headers['www-authenticate'] = `OAuth "Facebook Platform" "invalid_token" "${error.error.message}"`;
    }
    send(req, res, { ...r, headers: { ...headers, ...r.headers } }, entry);
    return;
  }
  const body = outcome.response!.body as Record<string, unknown>;
  if (['all', 'info', 'warning'].includes(url.searchParams.get('debug') ?? '')) {
    const messages: { message: string; type: string; link?: string }[] = [];
    if (request.upgraded) {
      messages.push({
        message: `Graph API ${request.requestedVersion} is no longer available. This call was served by ${request.servedVersion}.`,
        type: 'warning',
        link: 'https://developers.facebook.com/docs/graph-api/changelog/versions',
      });
    }
    body.__debug__ = { messages };
  }
  send(req, res, { status: 200, headers, body: JSON.stringify(body) }, entry);
}

/** The partner JSON API: its stats endpoint behind a bearer token, its OpenAPI document and deprecations page. */
function handlePartner(
  sim: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  day: number,
  entry: SimRequestLog,
): void {
  const path = url.pathname;
  if (path === '/partner/v2/openapi.json')
    return serveDoc(sim.scenario, req, res, partnerOpenApi(sim.scenario, day, sim.baseUrl), entry);
  if (path === '/partner/docs/deprecations')
    return serveDoc(sim.scenario, req, res, partnerDeprecationPage(sim.scenario, day), entry);
  if (path !== '/partner/v2/stats') {
    send(
      req,
      res,
      {
        status: 404,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ error: { code: 'not_found', message: `no route ${path}` } }),
      },
      entry,
    );
    return;
  }
  if (req.headers.authorization !== `Bearer ${sim.scenario.partner.token}`) {
    send(
      req,
      res,
      {
        status: 401,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'www-authenticate': 'Bearer realm="partner"',
        },
        body: JSON.stringify({
          error: { code: 'unauthorized', message: 'missing or invalid bearer token' },
        }),
      },
      entry,
    );
    return;
  }
  const fault = takeFault(sim, 'partner', day, []);
  if (fault !== undefined) {
    const http = fault.type === 'http' ? fault : ({ type: 'http', status: 500 } as const);
    entry.fault = `http ${http.status}`;
    const r = plainFault(http);
    send(
      req,
      res,
      {
        ...r,
        headers: { ...r.headers, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({
          error: {
            code: http.status === 429 ? 'rate_limited' : 'internal',
            message: http.status === 429 ? 'Too many requests' : 'Internal error',
          },
        }),
      },
      entry,
    );
    return;
  }
  send(
    req,
    res,
    partnerStats({
      scenario: sim.scenario,
      model: sim.models.partner,
      day,
      query: url.searchParams,
      baseUrl: sim.baseUrl,
    }),
    entry,
  );
}

/** The watched docs pages: Meta's Pages changelog and deprecated-metrics page, as of the simulated day. */
function handleDocs(
  sim: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  day: number,
  entry: SimRequestLog,
): void {
  if (path === '/docs/pages-api/changelog')
    return serveDoc(sim.scenario, req, res, changelogPage(sim.scenario, day), entry);
  if (path === '/docs/platforminsights/page/deprecated-metrics')
    return serveDoc(sim.scenario, req, res, deprecatedMetricsPage(sim.scenario, day), entry);
  send(
    req,
    res,
    {
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<html><body><h1>Page not found</h1></body></html>\n',
    },
    entry,
  );
}

/** `/`: what this simulator serves. */
function handleIndex(
  sim: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  day: number,
  entry: SimRequestLog,
): void {
  send(
    req,
    res,
    {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        simulator: 'upwatch graph simulator',
        scenario: sim.scenario.name,
        day,
        endpoints: [
          '/{version}/{page-id}/insights',
          '/docs/pages-api/changelog',
          '/docs/platforminsights/page/deprecated-metrics',
          '/partner/v2/stats',
          '/partner/v2/openapi.json',
        ],
      }),
    },
    entry,
  );
}

/** Log the request, stamp the virtual date, and route it to the docs, partner, index or Graph handler. */
function handle(
  sim: SimState,
  extraRoutes: GraphSimulatorOptions['extraRoutes'],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (extraRoutes?.(req, res) === true) return;
  sim.seq += 1;
  const now = sim.clock.now();
  const day = scenarioDay(sim.scenario, now);
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const path = url.pathname;
  const api: SimRequestLog['api'] = path.startsWith('/docs/')
    ? 'docs'
    : path.startsWith('/partner/')
      ? 'partner'
      : path === '/'
        ? 'other'
        : 'graph';
  // The Date header comes from the virtual sim.clock, like everything else (Node would use the system sim.clock).
  res.sendDate = false;
  res.setHeader('date', now.toUTCString());
  const entry: SimRequestLog = {
    at: now.toISOString(),
    day,
    method: req.method ?? 'GET',
    api,
    url: redactedUrl(url),
    status: 0,
  };
  sim.log.push(entry);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(
      req,
      res,
      {
        status: 405,
        headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
        body: 'method not allowed\n',
      },
      entry,
    );
    return;
  }
  if (api === 'docs') return handleDocs(sim, req, res, path, day, entry);
  if (api === 'partner') return handlePartner(sim, req, res, url, day, entry);
  if (api === 'other') return handleIndex(sim, req, res, day, entry);
  handleGraph(sim, req, res, url, day, entry);
}

/** Listen on `options.port` (0: ephemeral) and `options.host`; resolves with the base URL. */
async function listen(server: Server, options: GraphSimulatorOptions): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new UpwatchError(
          'HTTP_CONNECT',
          `simulator could not listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}`,
          {
            cause: e,
            hint: 'pick another port, or pass port 0 for an ephemeral one',
          },
        ),
      ),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Start the simulated upstreams on loopback: the Meta Graph API insights edge (`/{version}/{page-id}/insights`),
 * the Pages changelog and deprecated-metrics pages (`/docs/...`), and a generic partner JSON API with its OpenAPI
 * document (`/partner/v2/stats`, `/partner/v2/openapi.json`). Everything depends on `clock.now()` and the
 * scenario only, so the same scenario and clock give the same answers.
 *
 * @example
 * const clock = new ManualClock(pollInstant(meta2024, 0));
 * const sim = await startGraphSimulator({ clock, scenario: meta2024 });
 * await fetch(`${sim.url}/v18.0/104100000000001/insights?metric=page_media_view&access_token=${meta2024.graph.accessToken}`);
 * clock.advanceDays(1);
 * await sim.close();
 */
export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<SimulatorHandle> {
  const { clock, scenario } = options;
  const sim: SimState = {
    clock,
    scenario,
    models: createScenarioModels(scenario),
    log: [],
    faultUses: new Map(),
    appCalls: new Map(),
    pageCalls: new Map(),
    seq: 0,
    baseUrl: '',
  };
  const server = createServer((req, res) => {
    try {
      handle(sim, options.extraRoutes, req, res);
    } catch (e) {
      // A simulator bug must show up as a 500 in the test that hit it, not kill the process.
      const text = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`simulator error: ${text}\n`);
    }
  });
  sim.baseUrl = await listen(server, options);
  let closed: Promise<void> | undefined;
  return {
    url: sim.baseUrl,
    requests: () =>
      sim.log.map((e) => ({ ...e, ...(e.metrics === undefined ? {} : { metrics: [...e.metrics] }) })),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
