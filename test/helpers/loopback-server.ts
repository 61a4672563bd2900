// A node:http server on 127.0.0.1:0 with a request log and the upstream fault modes of docs/reliability.md, for tests
// and benches.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
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
  | 'refuse'
  | 'always-429'
  | 'gzip-bomb'
  | 'gzip-bomb-chunked'
  | 'binary-garbage'
  | 'reset-before-headers'
  | 'reset-mid-body';

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
  /** Body bytes the streaming fault modes (`huge`, `gzip-bomb`) wrote on the wire for a path. */
  bodyBytes(path: string): number;
  /** Responses for a path whose connection closed before the server finished the body. */
  cutShort(path: string): number;
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
  /** Bytes the `gzip-bomb` body inflates to (rounded up to whole MiB). Default 1 GiB, about 1 MB on the wire. */
  bombInflatedBytes?: number;
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
  const wrote = new Map<string, number>();
  const cut = new Map<string, number>();
  const add = (m: Map<string, number>, path: string, n: number) => m.set(path, (m.get(path) ?? 0) + n);
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
    res.on('close', () => {
      inFlight--;
      if (!res.writableFinished) add(cut, url.pathname, 1);
    });
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

    // Write `chunk` `times` times, waiting for drain, and stop as soon as the client goes away.
    const pump = (chunk: Buffer, times: number) => {
      let i = 0;
      const go = () => {
        while (i < times && !res.destroyed) {
          i++;
          add(wrote, url.pathname, chunk.length);
          if (!res.write(chunk)) return void res.once('drain', go);
        }
        if (!res.destroyed) res.end();
      };
      go();
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
        case 'huge':
          // No content-length: the cap must be enforced while streaming. One 64 KiB chunk, written again and
          // again with backpressure, so the server never holds the body either.
          res.writeHead(200, { 'content-type': 'application/json' });
          return pump(
            Buffer.alloc(64 * 1024, 0x20),
            Math.ceil((options.hugeBytes ?? 50 * 1024 * 1024) / 65536),
          );
        case 'gzip-bomb':
        case 'gzip-bomb-chunked': {
          // Gzip members of 1 MiB of spaces (about 1 KiB each), back to back: a decoder inflates them all as one
          // body. `gzip-bomb` declares the small compressed length, so only counting inflated bytes catches it;
          // `gzip-bomb-chunked` declares none and streams until the client goes away.
          const mib = Math.ceil((options.bombInflatedBytes ?? 1024 * 1024 * 1024) / (1024 * 1024));
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            ...(mode === 'gzip-bomb' ? { 'content-length': String(bombMember().length * mib) } : {}),
          });
          return pump(bombMember(), mib);
        }
        case 'binary-garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(garbage(4096));
        case 'reset-before-headers':
          return void req.socket.resetAndDestroy();
        case 'reset-mid-body':
          // Chunked (no content-length): only the reset tells the client the body is incomplete.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"data":[{"name":"x","value":');
          return void later(10, () => req.socket.resetAndDestroy());
        case 'always-429':
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
          return void res.end('{"error":"slow down"}');
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
    bodyBytes: (path) => wrote.get(path) ?? 0,
    cutShort: (path) => cut.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let member: Buffer | undefined;
/** One gzip member of 1 MiB of spaces, compressed once per process. */
function bombMember(): Buffer {
  member ??= gzipSync(Buffer.alloc(1024 * 1024, 0x20), { level: 9 });
  return member;
}

/** Deterministic bytes that are not UTF-8 text, let alone JSON (a xorshift stream). */
function garbage(length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
