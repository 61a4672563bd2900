// A loopback "partner" JSON API: `/…/stats?since=&until=&account=` with next-link pages and a fault mode per path.
import { startLoopbackServer, type FaultMode, type LoopbackServer, type Reply } from './loopback-server.js';

export interface JsonApiOptions {
  /** Value of a metric for (account, ISO day). */
  value?: (metric: string, account: string, day: string) => unknown;
  metrics?: string[];
  /** Records per page (next-link pagination). Default: all on one page. */
  pageSize?: number;
  /** Header the server sends with its version. */
  version?: string;
  latencyMs?: number;
  /** Answer 400 with this body text instead of data (e.g. to echo a secret back). */
  errorBody?: (url: URL) => string | undefined;
}

function addDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Start the API. Paths: `/fault/<mode>/…` misbehave (see FaultMode); `/loop/…` returns a `next` link to itself;
 * any other path serves `{ data: [{ account, date, <metric>: value }], next }`.
 *
 * @example
 * const api = await startJsonApiServer({ metrics: ['visits'] }); // GET {api.url}/v2/stats?since=…&until=…
 */
export async function startJsonApiServer(options: JsonApiOptions = {}): Promise<LoopbackServer> {
  const metrics = options.metrics ?? ['visits', 'revenue'];
  const value =
    options.value ??
    ((m: string, a: string, d: string) => (m === 'visits' ? 100 + Number(d.slice(8)) : 2.5) + a.length);
  return startLoopbackServer({
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    faultFor: (path) => (path.startsWith('/fault/') ? (path.split('/')[2] as FaultMode) : 'ok'),
    handle: (_req, url): Reply => {
      const echo = options.errorBody?.(url);
      if (echo !== undefined) return { status: 400, body: echo };
      const q = url.searchParams;
      if (url.pathname.startsWith('/loop/')) return { body: { data: [], next: url.pathname + url.search } };
      const since = q.get('since') ?? '2026-01-01';
      const until = q.get('until') ?? '2026-01-02';
      const accounts = (q.get('account') ?? 'acme').split(',');
      const records: Record<string, unknown>[] = [];
      for (let d = since; d < until; d = addDay(d, 1)) {
        for (const a of accounts) {
          const rec: Record<string, unknown> = { account: a, date: d };
          for (const m of metrics) rec[m] = value(m, a, d);
          records.push(rec);
        }
      }
      const size = options.pageSize ?? records.length;
      const page = Number(q.get('page') ?? '0');
      const slice = records.slice(page * size, (page + 1) * size);
      const nextQ = new URLSearchParams(q);
      nextQ.set('page', String(page + 1));
      return {
        headers: options.version ? { 'x-api-version': options.version } : {},
        body: {
          data: slice,
          ...((page + 1) * size < records.length ? { next: `${url.pathname}?${nextQ.toString()}` } : {}),
        },
      };
    },
  });
}
