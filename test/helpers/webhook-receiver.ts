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
  /** Requests to a path, parsed as JSON. */
  bodies(path: string): unknown[];
  close(): Promise<void>;
}

/**
 * Start a receiver. `answer` decides each reply from the request and how many the path had before it (0 first);
 * default 200 `ok`, as Slack answers.
 *
 * @example
 * const r = await startWebhookReceiver((_req, n) => (n === 0 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
 */
export async function startWebhookReceiver(
  answer: (hook: ReceivedHook, before: number) => { status: number; body: string } = () => ({
    status: 200,
    body: 'ok',
  }),
): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const sockets = new Set<Socket>();
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
      const a = answer(hook, before);
      res.writeHead(a.status, { 'content-type': 'text/plain' });
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
    bodies: (path) => received.filter((r) => r.path === path).map((r) => JSON.parse(r.raw) as unknown),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
