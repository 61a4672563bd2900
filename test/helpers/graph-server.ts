// A loopback server that answers like Meta's Graph API Page Insights edge (shapes, headers, error bodies).
import { startLoopbackServer, type FaultMode, type LoopbackServer } from './loopback-server.js';

export interface GraphError {
  status?: number;
  code: number;
  subcode?: number;
  message: string;
}

export interface GraphServerOptions {
  /** Metric name → value for (page, ISO day). Metrics not listed answer `data: []`. */
  metrics: Record<string, (page: string, day: string) => unknown>;
  /** Metric name → the error the whole request gets (e.g. #100 for a removed metric). */
  errors?: Record<string, GraphError>;
  /** The token the server accepts; any other gets #190. */
  token?: string;
  /** `facebook-api-version` to answer with; default the requested version. */
  servedVersion?: string;
  /** Extra headers on every answer (usage headers…). */
  headers?: Record<string, string>;
  /** Fault mode per path. */
  faultFor?: (path: string, url: URL) => FaultMode;
  latencyMs?: number;
  /** Keep a log of requests (default true). */
  keepLog?: boolean;
  /** Static documents served by path (changelog pages…), as HTML. */
  docs?: Record<string, string>;
}

export type GraphServer = LoopbackServer & { options: GraphServerOptions };

function addDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Start a Graph-like server: `GET /{version}/{page}/insights?metric=&period=&since=&until=&access_token=`.
 *
 * @example
 * const g = await startGraphServer({ metrics: { page_media_view: (page, day) => 100 } });
 */
export async function startGraphServer(options: GraphServerOptions): Promise<GraphServer> {
  const server = await startLoopbackServer({
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    ...(options.faultFor ? { faultFor: options.faultFor } : {}),
    ...(options.keepLog === false ? { keepLog: false } : {}),
    handle: (_req, url) => {
      const m = /^\/(v\d+\.\d+)\/([^/]+)\/insights$/.exec(url.pathname);
      const headers = {
        'facebook-api-version': options.servedVersion ?? m?.[1] ?? 'v24.0',
        'x-fb-trace-id': 'Trace' + Math.random().toString(36).slice(2, 8),
        ...options.headers,
      };
      const err = (e: GraphError) => ({
        status: e.status ?? 400,
        headers,
        body: {
          error: {
            message: e.message,
            type: 'OAuthException',
            code: e.code,
            ...(e.subcode ? { error_subcode: e.subcode } : {}),
            fbtrace_id: 'A' + Math.random().toString(36).slice(2, 12),
          },
        },
      });
      const page = options.docs?.[url.pathname];
      if (page !== undefined) return { headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
      if (!m) return err({ status: 404, code: 803, message: 'Unknown path' });
      const q = url.searchParams;
      if (options.token !== undefined && q.get('access_token') !== options.token) {
        return err({
          code: 190,
          subcode: 463,
          message: 'Error validating access token: Session has expired',
        });
      }
      const metric = q.get('metric') ?? '';
      if (!metric) return err({ code: 3001, message: 'No metric specified' });
      const e = options.errors?.[metric];
      if (e) return err(e);
      const fn = options.metrics[metric];
      const since = q.get('since') ?? '';
      const until = q.get('until') ?? '';
      const values: { value: unknown; end_time: string }[] = [];
      if (fn) {
        for (let d = since; d < until; d = addDay(d, 1)) {
          values.push({ value: fn(m[2]!, d), end_time: `${addDay(d, 1)}T08:00:00+0000` });
        }
      }
      const self = `${url.origin}${url.pathname}?metric=${metric}&access_token=${q.get('access_token')}`;
      return {
        headers,
        body: {
          data: fn
            ? [
                {
                  name: metric,
                  period: q.get('period'),
                  values,
                  title: metric,
                  id: `${m[2]}/insights/${metric}/day`,
                },
              ]
            : [],
          paging: {
            previous: `${self}&since=${addDay(since, -3)}&until=${since}`,
            next: `${self}&since=${until}&until=${addDay(until, 3)}`,
          },
        },
      };
    },
  });
  return Object.assign(server, { options });
}
