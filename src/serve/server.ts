// Listening for the dashboard on a host and port, and stopping: in-flight requests finish, idle connections close.
import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { UpwatchError } from '../core/errors.js';
import { dashboardApp, type DashboardOptions } from './app.js';

/** A listening dashboard. */
export interface RunningDashboard {
  /** `http://host:port` it answers on (the port chosen by the system when 0 was asked). */
  url: string;
  port: number;
  /** Stop listening; resolves when open requests are done. Calling it twice is harmless. */
  close(): Promise<void>;
}

/**
 * Serve the dashboard on `host:port` (port 0: any free port). Throws UpwatchError `USAGE` when the port is taken or
 * the host cannot be bound.
 *
 * @example
 * const d = await startDashboard({ ...options, host: '127.0.0.1', port: 0 });
 * await fetch(`${d.url}/healthz`); // 200
 * await d.close();
 */
export async function startDashboard(
  options: DashboardOptions & { host: string; port: number },
): Promise<RunningDashboard> {
  const app = dashboardApp(options);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new UpwatchError(
          'USAGE',
          `cannot listen on ${options.host}:${options.port}: ${e.code ?? e.message}`,
          {
            hint: 'pass another --port (0 picks a free one) or --host',
            cause: e,
          },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      })),
  };
}
