// A webhook receiver on 127.0.0.1:0 (node:http): keeps each request's raw body and headers, answers as scripted.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedHook {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as it arrived (what a signature covers). */
  raw: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  /** Resolves once `n` requests have arrived (a held request counts as soon as its body is read). */
  waitFor(n: number): Promise<void>;
  /** Requests to a path, parsed as JSON. */
  bodies(path: string): unknown[];
  close(): Promise<void>;
}

/**
 * Start a receiver. `answer` decides each reply from the request and how many the path had before it (0 first);
 * default 200 `ok`, as Slack answers. `'hold'` reads the request and never answers (a sender killed mid-send).
 *
 * @example
 * const r = await startWebhookReceiver((_req, n) => (n === 0 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
 */
export async function startWebhookReceiver(
  answer: (
    hook: ReceivedHook,
    before: number,
  ) => { status: number; body: string; headers?: Record<string, string> } | 'hold' = () => ({
    status: 200,
    body: 'ok',
  }),
): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const sockets = new Set<Socket>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook: ReceivedHook = {
        path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      const before = received.filter((r) => r.path === hook.path).length;
      received.push(hook);
      for (const w of waiters.filter((x) => received.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const a = answer(hook, before);
      if (a === 'hold') return;
      res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
      res.end(a.body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor: (n) =>
      received.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    bodies: (path) => received.filter((r) => r.path === path).map((r) => JSON.parse(r.raw) as unknown),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
