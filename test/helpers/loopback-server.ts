// A node:http server on 127.0.0.1:0 with a request log and the fault modes of reliability.md §7, for tests and benches.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FIXED_NOW } from './fixed-clock.js';

/** How a path misbehaves. `once-*` modes misbehave on the first request only, then serve normally. */
export type FaultMode =
  | 'ok'
  | 'retry-after-seconds'
  | 'retry-after-date'
  | 'retry-after-long'
  | 'once-500'
  | 'always-500'
  | 'hang'
  | 'trickle'
  | 'truncated'
  | 'once-truncated'
  | 'invalid-json'
  | 'huge'
  | 'html-200'
  | 'redirect-loop'
  | 'refuse';

export interface LoggedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface LoopbackServer {
  url: string;
  port: number;
  requests: LoggedRequest[];
  /** Requests seen for a path (without query). */
  count(path: string): number;
  /** Requests received (also when the log is off). */
  total(): number;
  /** Highest number of requests in flight at once. */
  peakConcurrency(): number;
  close(): Promise<void>;
}

/** The normal answer for a request: status, headers, body (object → JSON). */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface LoopbackOptions {
  /** Serve a request normally. */
  handle: (req: http.IncomingMessage, url: URL) => Reply | Promise<Reply>;
  /** Fault mode for a path (without query); default `ok`. */
  faultFor?: (path: string, url: URL) => FaultMode;
  /** Added latency before every answer, ms (benchmarks). */
  latencyMs?: number;
  /** Bytes of the `huge` body. Default 50 MB. */
  hugeBytes?: number;
  /** Gap between bytes of the `trickle` body. Default 500 ms. */
  trickleMs?: number;
  /** Keep every request in `requests` (default true; benchmarks turn it off to keep memory flat). */
  keepLog?: boolean;
  /**
   * "Now" for the `retry-after-date` answer, which is dated 5 s after it: pass the client's clock. Default
   * FIXED_NOW, the instant the tests' clocks start at.
   */
  now?: () => Date;
}

/**
 * Start a loopback server.
 *
 * @example
 * const s = await startLoopbackServer({ handle: () => ({ body: { ok: true } }), faultFor: (p) => (p === '/x' ? 'hang' : 'ok') });
 */
export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const requests: LoggedRequest[] = [];
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let total = 0;
  let peak = 0;
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (options.keepLog !== false) {
      requests.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        at: Date.now(),
      });
    }
    total++;
    const n = (seen.get(url.pathname) ?? 0) + 1;
    seen.set(url.pathname, n);
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    const mode = options.faultFor?.(url.pathname, url) ?? 'ok';

    const serve = async () => {
      const reply = await options.handle(req, url);
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, {
        'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json',
        ...reply.headers,
      });
      res.end(body);
    };

    const act = () => {
      switch (mode) {
        case 'retry-after-seconds':
        case 'retry-after-date':
        case 'retry-after-long': {
          if (n > 1 && mode !== 'retry-after-long') return void serve();
          const value =
            mode === 'retry-after-seconds'
              ? '2'
              : mode === 'retry-after-long'
                ? '3600'
                : new Date((options.now?.() ?? new Date(FIXED_NOW)).getTime() + 5_000).toUTCString();
          res.writeHead(429, { 'retry-after': value, 'content-type': 'application/json' });
          return void res.end('{"error":"slow down"}');
        }
        case 'once-500':
        case 'always-500':
          if (mode === 'once-500' && n > 1) return void serve();
          res.writeHead(500, { 'content-type': 'text/html' });
          return void res.end('<html><body>Internal error</body></html>');
        case 'hang':
          return; // never answer
        case 'trickle': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const body = '{"data":[' + ' '.repeat(200) + ']}';
          let i = 0;
          const tick = () => {
            if (res.destroyed || i >= body.length) return void res.end();
            res.write(body[i++]!);
            later(options.trickleMs ?? 500, tick);
          };
          return tick();
        }
        case 'truncated':
        case 'once-truncated':
          if (mode === 'once-truncated' && n > 1) return void serve();
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"data":[{"name":"x"');
          return void later(10, () => res.socket?.destroy());
        case 'invalid-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('{"data": [1, 2, ');
        case 'huge': {
          // No content-length: the cap must be enforced while streaming.
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const total = options.hugeBytes ?? 50 * 1024 * 1024;
          const pump = () => {
            while (sent < total && !res.destroyed) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            if (!res.destroyed) res.end();
          };
          return pump();
        }
        case 'html-200':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return void res.end(
            '<!DOCTYPE html><html><head><title>Error</title></head><body>Sorry, something went wrong.</body></html>',
          );
        case 'redirect-loop':
          res.writeHead(302, { location: url.pathname + url.search });
          return void res.end();
        case 'refuse':
          return void req.socket.destroy();
        case 'ok':
          return void serve();
      }
    };
    if (options.latencyMs) later(options.latencyMs, act);
    else act();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (path) => seen.get(path) ?? 0,
    total: () => total,
    peakConcurrency: () => peak,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
