// A loopback proxy in front of a test upstream that counts requests per path and the most requests in flight at
// once, and can hold requests until the test releases them (to kill a worker or a connection mid-poll).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FleetUpstream {
  url: string;
  /** Requests received per path (with the `metric` parameter when there is one, the rest of the query left off). */
  requestsByPath(): Map<string, number>;
  total(): number;
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  /** Hold every request from now on until `release()`; resolves when the first held request has arrived. */
  hold(): Promise<void>;
  /** Let the held requests (and later ones) through. */
  release(): void;
  close(): Promise<void>;
}

/**
 * Start the proxy, forwarding every GET to `target` (e.g. a graph server's URL) after `delayMs`.
 *
 * @example
 * const up = await startFleetUpstream(graph.url, { delayMs: 50 });
 * // contracts point at up.url; afterwards: up.requestsByPath(), up.maxInFlight()
 */
export async function startFleetUpstream(
  target: string,
  options: { delayMs?: number } = {},
): Promise<FleetUpstream> {
  const counts = new Map<string, number>();
  let inFlight = 0;
  let max = 0;
  let total = 0;
  let holding: { arrived: () => void; released: Promise<void>; release: () => void } | undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const metric = url.searchParams.get('metric');
    const path = metric ? `${url.pathname} ${metric}` : url.pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    total++;
    inFlight++;
    max = Math.max(max, inFlight);
    let done = false;
    const finish = () => {
      if (!done) inFlight--;
      done = true;
    };
    res.on('close', finish);
    const forward = () => {
      if (res.destroyed) return;
      http
        .get(new URL(req.url ?? '/', target), { headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        })
        .on('error', () => res.destroy());
    };
    const held = holding;
    const wait = held ? held.released : Promise.resolve();
    held?.arrived();
    void wait.then(() => setTimeout(forward, options.delayMs ?? 0));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requestsByPath: () => new Map(counts),
    total: () => total,
    maxInFlight: () => max,
    hold() {
      return new Promise<void>((arrived) => {
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        holding = { arrived, released, release };
      });
    },
    release() {
      holding?.release();
      holding = undefined;
    },
    close: () =>
      new Promise<void>((r) => {
        holding?.release();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Resolve when `check` returns true, asking every 100 ms; after `timeoutMs` (a hang guard, not an assertion on
 * speed) reject with `what` and the output of `children`.
 */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  children: readonly { output: () => string; exitCode: number | null; signalCode: string | null }[] = [],
  timeoutMs = 90_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    const exited = children.length > 0 && children.every((c) => c.exitCode !== null || c.signalCode !== null);
    if (Date.now() > end || exited)
      throw new Error(
        `gave up waiting for ${what}\n${children.map((c, i) => `--- child ${i}\n${c.output()}`).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
