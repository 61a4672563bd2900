// The benchmarks' loopback upstream in its own process (bench/polling-server.ts), as a real upstream would be, so the
// poller's CPU and RSS are its own: its URL, its request counters, and a way to stop it.
import { fork } from 'node:child_process';
import { join } from 'node:path';

/** A started upstream process. */
export interface UpstreamProcess {
  url: string;
  /** Requests served so far, and the most in flight at once. */
  stats: () => Promise<{ requests: number; peak: number }>;
  close: () => void;
}

/** Fork the Graph-like upstream serving `metrics` metrics with `latencyMs` of latency, and wait for its URL. */
export async function startUpstreamProcess(metrics: number, latencyMs: number): Promise<UpstreamProcess> {
  const server = fork(join(import.meta.dirname, 'polling-server.ts'), [String(metrics), String(latencyMs)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) =>
    server.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim())),
  );
  return {
    url,
    stats: () =>
      new Promise((resolve) => {
        server.once('message', (m) => resolve(m as { requests: number; peak: number }));
        server.send('stats');
      }),
    close: () => server.send('close'),
  };
}
